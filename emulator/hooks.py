"""Webhook delivery: POST the fetch-shaped body to `hook_url` when a job finishes.

A daemon timer fires at the job's finishing time; `deliver_due` sends whatever is due now
(tests, and `manage.py emulator_deliver_hooks` after a restart lost the timers). A
compare-and-set on `hook_state` makes sure each job's hook is sent by one caller only.
"""

from __future__ import annotations

import logging
import threading
import time

import httpx
from django.db import close_old_connections, connection
from django.utils import timezone

import outbound
from emulator import answers, clock, faults
from emulator.models import HookState, Job, Outcome

logger = logging.getLogger(__name__)

# Where outgoing HTTP goes (webhooks and upload downloads); tests route it in-process.
TRANSPORT: httpx.BaseTransport | None = None
# Off in tests that deliver with `deliver_due` instead of background threads.
TIMERS = True
TIMEOUT = 5.0
TRIES = 3
RETRY_DELAYS: tuple[float, ...] = (1.0, 2.0)  # pause before the 2nd and 3rd tries


def http_client(timeout: float = TIMEOUT) -> httpx.Client:
    """Guarded like the studio's: hooks to internal addresses are refused (outbound)."""
    return outbound.client(transport=TRANSPORT, timeout=timeout)


def schedule(job: Job) -> None:
    """Start a timer that delivers the job's hook when it finishes."""
    if not job.hook_url or not TIMERS:
        return
    delay = max(0.0, (job.finishes_at - timezone.now()).total_seconds())
    timer = threading.Timer(delay, _deliver_in_thread, args=(job.pk,))
    timer.daemon = True
    timer.start()


def _deliver_in_thread(job_id) -> None:
    try:
        close_old_connections()
        deliver(job_id)
    except Exception:
        logger.exception("Emulator webhook for job %s failed", job_id)
    finally:
        connection.close()


def _post(client: httpx.Client, url: str, body: dict) -> bool:
    for attempt in range(TRIES):
        if attempt:
            time.sleep(RETRY_DELAYS[min(attempt - 1, len(RETRY_DELAYS) - 1)])
        try:
            response = client.post(url, json=body)
        except outbound.Refused as exc:
            logger.info("Emulator webhook to %s refused: %s", url, exc)
            return False
        except httpx.HTTPError as exc:
            logger.info("Emulator webhook to %s: %s", url, exc)
            continue
        if response.is_success:
            return True
        logger.info("Emulator webhook to %s answered %s", url, response.status_code)
    return False


def bodies(job: Job) -> list[dict]:
    """What the hook posts, in order: the final body, doubled or chased by a stale one."""
    final = answers.job_body(job, clock.state_of(job))
    if job.fault == faults.HOOK_TWICE:
        return [final, final]
    if job.fault == faults.HOOK_OUT_OF_ORDER:
        stale = answers.job_body(job, clock.State(clock.ON_QUEUE, 50))
        return [final, stale]
    return [final]


RENDERED = ("audio.mp3", "cover.png")


def _render(musics: list) -> None:
    from emulator import files  # the synthesiser: loaded only when rendering

    for music in musics:
        for name in RENDERED:
            try:
                files.path_for(music, name)
            except Exception:  # the download renders it again, and says what is wrong
                logger.exception("Emulator could not render %s of %s", name, music.pk)


def render_files(job: Job) -> None:
    """A provider reports a job done once its files exist: the hook waits for them (they
    are usually ready, see `start_rendering`; else the first download would wait)."""
    if job.outcome == Outcome.SUCCESS:
        _render(list(job.musics.all()))


def start_rendering(job: Job) -> None:
    """Render the songs' audio and cover while the job runs, as a provider does: by the
    time it finishes, its files are there to download."""
    if not TIMERS or job.outcome != Outcome.SUCCESS:
        return
    musics = list(job.musics.all())
    if musics:
        threading.Thread(target=_render, args=(musics,), daemon=True).start()


def deliver(job_id) -> bool | None:
    """Send one finished job's hook. None when it was not ours to send (not due, taken)."""
    now = timezone.now()
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.hook_state != HookState.PENDING:
        return None
    if job.finishes_at > now:
        schedule(job)  # the timer woke early, or the job's time was pushed back
        return None
    claimed = Job.objects.filter(pk=job_id, hook_state=HookState.PENDING).update(
        hook_state=HookState.SENDING
    )
    if not claimed:
        return None
    render_files(job)
    sending_at = timezone.now()  # the provider's result is out from here on
    sent = 0
    with http_client() as client:
        for body in bodies(job):
            sent += _post(client, job.hook_url, body)
    state = HookState.SENT if sent else HookState.FAILED
    Job.objects.filter(pk=job_id).update(
        hook_state=state, hook_deliveries=sent, hook_sent_at=sending_at
    )
    return bool(sent)


def deliver_due() -> int:
    """Deliver every hook whose job has finished; returns how many were sent."""
    due = Job.objects.filter(hook_state=HookState.PENDING, finishes_at__lte=timezone.now())
    return sum(bool(deliver(pk)) for pk in due.values_list("pk", flat=True))
