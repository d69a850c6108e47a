"""The library's song card, and the player-bar buttons every song list shows, as HTML.

Written in Python rather than as template includes: the library draws two dozen cards per
page (and the poll redraws them), and each included template costs its variable lookups
and context pushes again per card, which made the cards most of the page's time
(bench/library_bench.py, bench/scale.py). One definition each: the templates call these
through the tags in studio/templatetags/studio_tags.py.
"""

from __future__ import annotations

from functools import lru_cache
from uuid import UUID

from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from studio.display import ago, duration, hue, job_state, waveform_svg
from studio.models import ArchiveProblem, ArchiveStatus, Job, JobStatus, ReviewStatus, Role, Song

_SAMPLE = UUID(int=0)


@lru_cache(maxsize=64)
def _around_id(name: str, prefix: str, extra: tuple) -> tuple[str, str]:
    url = reverse(name, args=[_SAMPLE, *extra])
    before, _, after = url.partition(str(_SAMPLE))
    return before, after


def url_of(name: str, pk: UUID | str, *extra: str) -> str:
    """reverse(name, args=[pk, *extra]), resolved once per URL name: a page of cards asks
    for seven URLs per song, and reversing each costs more than the rest of the card."""
    before, after = _around_id(name, get_script_prefix(), extra)
    return f"{before}{pk}{after}"


def title_of(song: Song) -> str:
    return song.title or "Untitled"


def has_cover(song: Song) -> bool:
    return bool(song.image_file or song.image_url)


def track_attrs(song: Song) -> SafeString:
    """The data attributes that make an element a song's track for the player bar
    (static/js/player.js): its id and title; the bar builds the song's addresses from the
    id with the patterns of `player_urls`. A song without a cover says so (data-cover="")."""
    cover = "" if has_cover(song) else ' data-cover=""'
    return mark_safe(  # noqa: S308 (the title is escaped; ids hold no markup)
        f'data-song="{song.id}" data-title="{escape(title_of(song))}"{cover}'
    )


def player_urls() -> SafeString:
    """The player bar's patterns for a song's page, audio and cover ("{id}" for its id)."""
    patterns = {
        "page": url_of("song", "{id}"),
        "audio": url_of("song_media", "{id}", "audio"),
        "cover": url_of("song_media", "{id}", "image"),
    }
    return mark_safe(" ".join(f'data-song-{k}="{v}"' for k, v in patterns.items()))  # noqa: S308


def play_buttons(song: Song, queue_only: bool = False) -> SafeString:
    """Play, play next and add to the queue, for the player bar; `queue_only` leaves out
    play (the song page plays from its waveform). A song with nothing to play says why
    instead of offering buttons that would play nothing."""
    if not song.playable:
        return mark_safe(  # noqa: S308 (nothing here comes from a person)
            f'<p class="note not-playable">{escape(unplayable_reason(song))}</p>'
        )
    title = escape(title_of(song))
    play = (
        ""
        if queue_only
        else f'<button type="button" class="track-play" data-player="play" '
        f'aria-label="Play {title}">▶</button>'
    )
    return mark_safe(  # noqa: S308 (as above)
        f'<div class="track" {track_attrs(song)}>{play}'
        '<button type="button" class="secondary outline small" data-player="next" '
        f'aria-label="Play next: {title}">Play next</button>'
        '<button type="button" class="secondary outline small" data-player="queue" '
        f'aria-label="Add to queue: {title}">Add to queue</button></div>'
    )


def unplayable_reason(song: Song) -> str:
    if song.archive_problem == ArchiveProblem.EXPIRED:
        return _("Not playable: its file expired before it could be copied.")
    return _("Not playable: its file could not be copied.")


def favourite_button(song: Song) -> SafeString:
    """The star that marks a favourite; it asks for the state it shows next, so a double
    click cannot undo itself."""
    on = song.favourite
    url = url_of("song_favourite", song.id)
    return mark_safe(  # noqa: S308 (nothing here comes from a person)
        f'<button type="button" class="fav-btn" hx-post="{url}"'
        f""" hx-vals='{{"on": "{"0" if on else "1"}"}}' hx-swap="outerHTML" """
        f'aria-pressed="{"true" if on else "false"}" aria-label="Favourite">{"★" if on else "☆"}'
        "</button>"
    )


def review_badge(song: Song) -> SafeString:
    """The song's review status, as a badge."""
    return mark_safe(  # noqa: S308 (both values are escaped)
        f'<span class="review-badge review-{escape(song.review_status)}">'
        f"{escape(song.get_review_status_display())}</span>"
    )


def _review_marks(song: Song) -> str:
    marks = f" {review_badge(song)}" if song.review_status != ReviewStatus.DRAFT else ""
    count = getattr(song, "open_comments", 0)
    if count:
        plural = "" if count == 1 else "s"
        marks += (
            f' <span class="comment-count" title="Open comment threads">{int(count)} '
            f"comment{plural}</span>"
        )
    return marks


def song_card(song: Song, role: Role, oob: str = "") -> SafeString:
    """A song in the library: cover, title, kind, length, review marks, waveform, the
    player buttons, who made it and when, and the favourite star."""
    page = url_of("song", song.id)
    title = escape(title_of(song))
    cover = (
        f'<img src="{url_of("song_media", song.id, "image")}" alt="" loading="lazy" '
        'width="88" height="88">'
        if has_cover(song)
        else ""
    )
    model = f" · {escape(song.model)}" if song.model else ""
    copying = (
        f'<input type="hidden" name="j" value="{song.job_id}:COPYING">'
        if song.job_id and song.archive_status == ArchiveStatus.PENDING
        else ""
    )
    if role.can_edit:
        star = favourite_button(song)
    elif song.favourite:
        star = '<span class="fav-mark" title="Favourite">★</span>'
    else:
        star = ""
    maker = song.created_by.username if song.created_by_id and song.created_by else ""
    swap = f' hx-swap-oob="{escape(oob)}"' if oob else ""
    return mark_safe(  # noqa: S308 (every text from a person is escaped above)
        f'<article class="card" id="song-{song.id}"{swap}>\n'
        f'<a class="cover hue-{hue(song.id)}" href="{page}" tabindex="-1" aria-hidden="true">'
        f"{cover}</a>\n"
        '<div class="card-body">\n'
        f'<h3><a href="{page}" title="{title}">{title}</a></h3>\n'
        f'<p class="meta"><span class="badge rel-{escape(song.relation)}">'
        f"{escape(song.get_relation_display())}</span> {duration(song.duration)}{model}"
        f"{_review_marks(song)}</p>\n"
        f"{waveform_svg(song.peaks)}\n{play_buttons(song)}\n"
        f'<p class="by">{escape(maker or "someone")} · {ago(song.created_at)} · '
        f'<a href="{url_of("song_projects", song.id)}">+ Project</a></p>{copying}\n'
        f"</div>{star}\n</article>\n"
    )


def _post_button(url: str, csrf_token: str, button: str, htmx: str = "") -> str:
    return (
        f'<form method="post" action="{url}"{htmx}><input type="hidden" '
        f'name="csrfmiddlewaretoken" value="{escape(csrf_token)}">{button}</form>'
    )


def job_detail(job: Job, role: Role, csrf_token: str) -> SafeString:
    """What a job card says under its title: progress while it runs (with the `j` value
    the poll reports back), the reason and Retry/Dismiss once it failed."""
    state = escape(job_state(job))
    if job.is_running:
        known = f'<input type="hidden" name="j" value="{job.id}:{job.status}:{job.progress}">\n'
        if job.status == JobStatus.UNKNOWN:
            check = (
                _post_button(
                    reverse("job_check", args=[job.id]),
                    csrf_token,
                    '<button type="submit" class="secondary small">Check again</button>',
                )
                if role.can_edit
                else ""
            )
            return mark_safe(  # noqa: S308 (nothing here comes from a person)
                f'{known}<p class="note">We could not tell whether the music service received '
                f"this request.</p>\n{check}"
            )
        value = f'value="{int(job.progress)}" ' if job.progress else ""
        return mark_safe(  # noqa: S308 (as above)
            f'{known}<progress {value}max="100" aria-label="{state}"></progress>'
        )
    if job.status == JobStatus.FAILED:
        reason = escape(job.error or "The music service gave no reason.")
        acts = ""
        if role.can_edit:
            dismiss = reverse("job_dismiss", args=[job.id])
            acts = (
                '<div class="job-actions">'
                + _post_button(
                    reverse("job_retry", args=[job.id]),
                    csrf_token,
                    '<button type="submit" class="small">Retry</button>',
                )
                + "\n"
                + _post_button(
                    dismiss,
                    csrf_token,
                    '<button type="submit" class="small secondary outline" '
                    'aria-label="Dismiss this failed job">Dismiss</button>',
                    htmx=f' hx-post="{dismiss}" hx-target="closest article.job, .job-list li" '
                    'hx-swap="outerHTML"',
                )
                + "</div>"
            )
        return mark_safe(f'<p class="error">{reason}</p>\n{acts}')  # noqa: S308 (escaped)
    return mark_safe('<p class="note">Finished; the song is being added.</p>')


def job_card(job: Job, role: Role, oob: str = "", csrf_token: str = "") -> SafeString:
    """A job that will make a song, in the library until the song is there."""
    title = job.params.get("title") if isinstance(job.params, dict) else None
    pulse = " pulse" if job.is_running else ""
    swap = f' hx-swap-oob="{escape(oob)}"' if oob else ""
    maker = job.user.username if job.user_id and job.user else ""
    return mark_safe(  # noqa: S308 (every text from a person is escaped here)
        f'<article class="card job is-{escape(job.status.lower())}" id="job-{job.id}"{swap}>\n'
        f'<div class="cover hue-{hue(job.id)}{pulse}" aria-hidden="true"></div>\n'
        '<div class="card-body">\n'
        f"<h3>{escape(title or job.get_action_display())}</h3>\n"
        f'<p class="meta"><span class="badge">{escape(job.get_action_display())}</span> '
        f'<strong class="state">{escape(job_state(job))}</strong></p>\n'
        f"{job_detail(job, role, csrf_token)}\n"
        f'<p class="by">{escape(maker or "someone")} · {ago(job.created_at)}</p>\n'
        "</div>\n</article>\n"
    )
