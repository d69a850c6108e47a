"""The web processes' memory while the built-in emulator renders a burst of songs.

The studio as deployed (gunicorn, two sync workers, a throwaway PostgreSQL database) with the
emulator mounted. Songs are made through the emulator's Producer API (jobs finish at once),
then every song's MP3 and WAV are asked for at once, a few at a time: each first request
renders the song. The resident memory (RSS) of each gunicorn worker, and of the render
processes under them, is sampled every 0.1 s.

    python bench/emulator_memory.py [songs] [--render-processes N]

`--render-processes 0` renders inside the web processes (as before rendering moved out).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    Processes,
    bench_env,
    free_port,
    http_request,
    migrate,
    note,
    postgres_available,
    report,
    send_all,
    throwaway_database,
)

KEY = "bench-emulator-key"


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def descendants(pid: int) -> list[int]:
    found = []
    for child in children(pid):
        found += [child, *descendants(child)]
    return found


class Sampler(threading.Thread):
    """Peak RSS of each web worker, and of all their render processes together."""

    def __init__(self, workers: list[int]) -> None:
        super().__init__(daemon=True)
        self.workers = workers
        self.peak = dict.fromkeys(workers, 0.0)
        self.render_peak = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            render = 0.0
            for pid in self.workers:
                self.peak[pid] = max(self.peak[pid], rss_mb(pid))
                render += sum(rss_mb(child) for child in descendants(pid))
            self.render_peak = max(self.render_peak, render)
            self.stop.wait(0.1)


def call(port: int, method: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"TT-API-KEY": KEY, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310 (loopback)
        return json.loads(answer.read())


def make_songs(port: int, count: int) -> list[str]:
    """`count` finished songs' file paths (MP3 and WAV of each)."""
    paths = []
    prompts = ("upbeat pop with drums", "calm piano ballad", "heavy metal", "lofi hip hop")
    for n in range(count):
        body = {"sound_prompt": f"{prompts[n % len(prompts)]} {n}", "seed": str(1000 + n)}
        job_id = call(port, "POST", "/emulator/producer/v1/music", body)["data"]["jobId"]
        data = call(port, "GET", f"/emulator/producer/v1/fetch?jobId={job_id}")["data"]
        for music in data["musics"]:
            path = music["audioUrl"].split(f":{port}", 1)[1]
            paths += [path, path.replace("audio.mp3", "audio.wav")]
    return paths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("songs", type=int, nargs="?", default=12)
    parser.add_argument("--render-processes", type=int, default=None)
    parser.add_argument("--concurrency", type=int, default=4)
    options = parser.parse_args()
    reason = postgres_available()
    if reason:
        sys.exit(reason)
    port = free_port()
    extra = {
        "EMULATOR_BASE_URL": f"http://127.0.0.1:{port}/emulator",
        "EMULATOR_JOB_SECONDS": "0",
        "EMULATOR_RUNNING_CAP": "1000",
        "GUNICORN_TIMEOUT": "300",
    }
    if options.render_processes is not None:
        extra["EMULATOR_RENDER_PROCESSES"] = str(options.render_processes)
    label = f"render{options.render_processes if options.render_processes is not None else ''}"
    with throwaway_database("emulator_memory") as url, Processes("emulator-memory") as procs:
        env = bench_env(url, **extra)
        env["EMULATOR_MEDIA_ROOT"] = os.path.join(env["MEDIA_ROOT"], "emulator")
        migrate(env)
        master = procs.gunicorn("web", env, port, workers=2)
        time.sleep(1.0)
        workers = children(master.pid)
        send_all(port, [http_request("GET", "/healthz")] * 20, concurrency=2)
        idle = max(rss_mb(pid) for pid in workers)
        note(f"web workers {workers}, idle {idle:.0f} MB each at most")
        paths = make_songs(port, options.songs)
        sampler = Sampler(workers)
        sampler.start()
        elapsed, statuses, _latencies = send_all(
            port, [http_request("GET", p) for p in paths], concurrency=options.concurrency
        )
        time.sleep(1.0)
        sampler.stop.set()
        sampler.join()
        after = max(rss_mb(pid) for pid in workers)
        peak = max(sampler.peak.values())
        note(f"statuses {dict(statuses)}; {len(paths)} files in {elapsed:.1f} s")
        report(f"emulator_memory.{label}.web_idle_rss", idle, "MB", "per web process")
        report(f"emulator_memory.{label}.web_peak_rss", peak, "MB", "<= 400 MB")
        report(f"emulator_memory.{label}.web_after_rss", after, "MB", "near idle")
        report(f"emulator_memory.{label}.render_peak_rss", sampler.render_peak, "MB", "bounded")
        report(f"emulator_memory.{label}.files_per_s", len(paths) / elapsed, "files/s", "info")
        report(f"emulator_memory.{label}.errors", len(paths) - statuses[200], "files", "0")


if __name__ == "__main__":
    main()
