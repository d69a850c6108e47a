"""Synthesiser speed: a 3-minute song rendered and encoded, in multiples of real time.

Prints `name value unit (target)` lines. Runs on one core: thread pools are pinned to one
thread before numpy loads. Each run uses a fresh seed and cleared caches, so no run is
helped by the notes an earlier one made.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_name] = "1"

import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emulator.media import mp3_bytes, wav_bytes  # noqa: E402
from emulator.synth import duration, instruments, render, voice  # noqa: E402

RUNS = 5
LINES = (
    "City lights are burning on the water",
    "every street I walk is calling out your name",
    "Hold on hold on to the night",
    "we were young and we were right",
)


def three_minute_recipes(count: int) -> list[dict]:
    """Sung songs about three minutes long: lyrics grow until the (cheap) duration fits."""
    found = []
    for seed in range(1000):
        lines: list[str] = []
        for i in range(200):
            if i % 8 == 0:
                lines.append("[Chorus]" if i % 16 else "[Verse]")
            lines.append(LINES[i % len(LINES)])
            recipe = {"op": "music", "seed": seed, "prompt": "energetic pop rock",
                      "lyrics": "\n".join(lines)}  # fmt: skip
            seconds = duration(recipe)
            if seconds >= 170:
                break
        if 170 <= seconds <= 190:
            found.append(recipe)
        if len(found) == count:
            return found
    raise RuntimeError("no three-minute recipes found")


def clear_caches() -> None:
    for fn in (instruments.note, instruments.chord, instruments.drum_kit, voice._response):
        fn.cache_clear()


def main() -> None:
    wav_speeds, mp3_speeds, wav_cpu, mp3_cpu = [], [], [], []
    for recipe in three_minute_recipes(RUNS):
        clear_caches()
        start, cpu_start = time.perf_counter(), time.process_time()
        audio = render(recipe)
        wav_bytes(audio)
        rendered, cpu_rendered = time.perf_counter(), time.process_time()
        mp3_bytes(audio)
        done, cpu_done = time.perf_counter(), time.process_time()
        wav_speeds.append(audio.seconds / (rendered - start))
        mp3_speeds.append(audio.seconds / (done - start))  # render, WAV and MP3 together
        wav_cpu.append(audio.seconds / (cpu_rendered - cpu_start))
        mp3_cpu.append(audio.seconds / (cpu_done - cpu_start))
    print(f"synth_wav_speed {statistics.median(wav_speeds):.1f} x_realtime (>= 100)")
    print(f"synth_mp3_speed {statistics.median(mp3_speeds):.1f} x_realtime (>= 50)")
    # Wall-clock figures above suffer on a busy machine; CPU time shows the code's own speed.
    print(
        f"cpu time: wav {statistics.median(wav_cpu):.1f}x, mp3 {statistics.median(mp3_cpu):.1f}x",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
