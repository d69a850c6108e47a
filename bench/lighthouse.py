"""Lighthouse scores of the library, create and song pages, logged in, desktop and mobile.

Starts the studio on 127.0.0.1:8105 (gunicorn, production settings, the built-in emulator
and a worker) on a throwaway PostgreSQL database, makes one song through the emulator, and
runs Lighthouse 12.2.3 against each page with the session cookie. Targets: accessibility
100, best practices 100, performance >= 95, SEO >= 90.

Lighthouse is installed outside git once:
    (mkdir -p bench/.lighthouse && cd bench/.lighthouse && npm i -E lighthouse@12.2.3)
It drives Debian's Chromium (CHROME_PATH, default /usr/bin/chromium). Name pages to audit
only those (`python bench/lighthouse.py song`); the full reports are kept in
bench/.lighthouse/reports/ for reading.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from _common import (
    BENCH,
    Processes,
    bench_env,
    manage,
    migrate,
    note,
    report,
    setup_django,
    throwaway_database,
)

PORT = int(os.environ.get("LIGHTHOUSE_PORT", "8105"))
LIGHTHOUSE = BENCH / ".lighthouse" / "node_modules" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CATEGORIES = ("accessibility", "best-practices", "performance", "seo")
TARGETS = {"accessibility": 100, "best-practices": 100, "performance": 95, "seo": 90}


def make_song(env: dict[str, str]) -> tuple[str, str]:
    """A user and one finished song made through the emulator: (session cookie, song id)."""
    setup_django(env)
    from django.contrib.auth.models import User
    from django.test import Client

    from contract.producer import Action
    from studio.jobs import lifecycle as jobs
    from studio.models import ArchiveStatus, Song

    user = User.objects.create_user("lighthouse", "lh@example.com", "pw-lighthouse-long-1")
    workspace = user.memberships.get().workspace
    jobs.submit(
        Action.MUSIC,
        {"sound_prompt": "warm lofi piano, soft drums", "title": "Lighthouse", "mv": "FUZZ-2.0"},
        workspace=workspace,
        user=user,
    )
    deadline = time.monotonic() + 120
    song = None
    while time.monotonic() < deadline:
        song = Song.objects.filter(workspace=workspace, archive_status=ArchiveStatus.DONE).first()
        if song:
            break
        time.sleep(1)
    if song is None:
        sys.exit("The emulator's song did not arrive within 2 minutes.")
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value, str(song.id)


def audit(url: str, cookie: str, desktop: bool, out: Path) -> dict[str, int]:
    args = ["node", str(BENCH / "lighthouse_audit.mjs"), url, cookie]
    args += ["desktop" if desktop else "mobile", str(out)]
    # Lighthouse now and then fails to record a trace (NO_NAVSTART): try again, twice.
    for attempt in range(3):
        done = subprocess.run(args, env={**os.environ, "CHROME_PATH": CHROME}, timeout=300)
        if done.returncode == 0:
            break
        note(f"{url}: Lighthouse failed (exit {done.returncode}), attempt {attempt + 1} of 3")
    else:
        done.check_returncode()
    result = json.loads(out.read_text())
    found = {k: round((v["score"] or 0) * 100) for k, v in result["categories"].items()}
    # What held a score down, for people (stderr).
    for key, item in result["audits"].items():
        score = item.get("score")
        if score is not None and score < 1 and item.get("scoreDisplayMode") == "binary":
            note(f"{url} {'desktop' if desktop else 'mobile'}: {key} {item['title']}")
            for found_item in (item.get("details") or {}).get("items", [])[:5]:
                node = found_item.get("node") or {}
                if node.get("snippet"):
                    note(f"    {node['snippet'][:160]}")
    return found


def main() -> None:
    if not LIGHTHOUSE.exists():
        sys.exit(f"Lighthouse is missing: see this script's docstring ({LIGHTHOUSE}).")
    base = f"http://127.0.0.1:{PORT}"
    with throwaway_database("lighthouse") as url, Processes("lighthouse") as procs:
        env = bench_env(
            url,
            PORT=str(PORT),
            ALLOWED_HOSTS="127.0.0.1",
            EMULATOR_BASE_URL=f"{base}/emulator",
            EMULATOR_JOB_SECONDS="2",
        )
        migrate(env)
        manage(env, "collectstatic", "--noinput", "-v", "0")
        procs.gunicorn("web", env, PORT, workers=2)
        procs.worker("worker", env, "--interval", "0.5")
        cookie, song_id = make_song(env)
        pages = {"library": "/", "create": "/create/", "song": f"/songs/{song_id}/"}
        wanted = sys.argv[1:] or list(pages)
        reports = BENCH / ".lighthouse" / "reports"
        reports.mkdir(exist_ok=True)
        for name, path in ((n, p) for n, p in pages.items() if n in wanted):
            for desktop in (True, False):
                form = "desktop" if desktop else "mobile"
                note(f"lighthouse {name} {form}")
                scores = audit(base + path, cookie, desktop, reports / f"{name}-{form}.json")
                for category in CATEGORIES:
                    report(
                        f"lighthouse_{name}_{form}_{category}",
                        scores[category],
                        "score",
                        f">= {TARGETS[category]}",
                    )


if __name__ == "__main__":
    main()
