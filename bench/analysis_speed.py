"""Song analysis speed: tempo, key, loudness and true peak of 3-minute songs, per minute of
audio, and the peak memory of the process that analyses them.

Prints `name value unit (target)` lines. The emulator's synthesiser makes the songs (at a
tempo asked for, in a key its plan names) in a child process, saved as WAV files; this
process, pinned to one thread like the other audio benches, then reads and analyses each
several times, as a worker would, so its peak memory (getrusage) is the analysis's and not
the synthesiser's.
Each song's first run includes loading pyebur128; the median is over all runs.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_name] = "1"

import json  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SONGS = (  # seed, prompt, tempo asked for
    (1, "energetic pop rock", 128),
    (2, "sad piano ballad", 76),
    (3, "dark trap beat", 140),
    (4, "happy acoustic folk", 104),
    (5, "synthwave", 118),
)
RUNS = 3  # analyses of each song
SECONDS = 180


def make_songs(folder: Path) -> list[dict]:
    """Render the songs to WAV files; each with the tempo and key the synthesiser used."""
    from emulator.media import wav_bytes
    from emulator.synth import render
    from emulator.synth.ops import _music_plan
    from mediatools.analysis import PITCH_CLASSES

    songs = []
    for seed, prompt, bpm in SONGS:
        recipe = {"op": "music", "seed": seed, "prompt": prompt, "bpm": bpm, "length": SECONDS}
        plan = _music_plan(recipe)
        path = folder / f"song-{seed}.wav"
        path.write_bytes(wav_bytes(render(recipe)))
        key = f"{PITCH_CLASSES[plan.root]} {plan.mode}"
        songs.append({"path": str(path), "bpm": plan.bpm, "key": key})
    return songs


def analyse_songs(songs: list[dict]) -> dict:
    """Analyse each song RUNS times; times, answers and memory (before, and at the peak)."""
    from mediatools import read_wav
    from mediatools.analysis import analyse

    walls, cpus, answers = [], [], []
    base_kib = None
    for song in songs:
        samples, rate = read_wav(Path(song["path"]).read_bytes())
        if base_kib is None:
            base_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        minutes = len(samples) / rate / 60
        for _ in range(RUNS):
            wall, cpu = time.perf_counter(), time.process_time()
            result = analyse(samples, rate)
            walls.append((time.perf_counter() - wall) / minutes)
            cpus.append((time.process_time() - cpu) / minutes)
        answers.append({"bpm": result.bpm, "key": result.key, "lufs": result.lufs,
                        "lra": result.lra, "true_peak": result.true_peak})  # fmt: skip
        del samples
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"walls": walls, "cpus": cpus, "answers": answers, "base_kib": base_kib,
            "peak_kib": peak_kib}  # fmt: skip


def main() -> None:
    if sys.argv[1:2] == ["--render"]:
        print(json.dumps(make_songs(Path(sys.argv[2]))))
        return
    with tempfile.TemporaryDirectory(prefix="analysis-bench-") as folder:
        # The synthesiser's memory stays in its own process: getrusage here sees only ours.
        done = subprocess.run(
            [sys.executable, __file__, "--render", folder],
            capture_output=True, text=True, check=True, cwd=ROOT,
        )  # fmt: skip
        songs = json.loads(done.stdout)
        found = analyse_songs(songs)
    from _common import note, report

    wall = statistics.median(found["walls"])
    cpu = statistics.median(found["cpus"])
    report("analysis.time_per_audio_minute", wall, "s", "<= 1 s")
    report("analysis.time_3min_song", wall * SECONDS / 60, "s", "<= 3 s")
    # Wall-clock time suffers on a busy machine; CPU time shows the code's own speed.
    report("analysis.cpu_time_per_audio_minute", cpu, "s", "<= 1 s")
    report("analysis.peak_memory", found["peak_kib"] / 1024, "MB", "<= 500 MB")
    pairs = list(zip(found["answers"], songs, strict=True))
    tempo_right = sum(a["bpm"] is not None and abs(a["bpm"] - s["bpm"]) <= 1 for a, s in pairs)
    report("analysis.tempo_within_1_bpm", tempo_right, "songs", f">= {len(songs)}")
    report("analysis.key_right", sum(a["key"] == s["key"] for a, s in pairs), "songs", "of 5")
    note(f"memory before the first analysis (one song decoded): {found['base_kib'] / 1024:.0f} MB")
    for answer, song in pairs:
        note(f"played {song['bpm']:g} BPM in {song['key']}; measured {answer}")


if __name__ == "__main__":
    main()
