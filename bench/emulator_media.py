"""The emulator's Flow Music media, measured on the files it serves.

Songs are asked for through `/flowmusic/v1/` (the emulator in-process, on a throwaway SQLite
database) and their served WAV and MP3 files decoded:

- length error: |decoded length - requested `length`| (WAV and MP3), several lengths;
- tempo error: an onset-tempo estimate (spectral flux autocorrelation, tests/emulator/
  measure.py) against the requested `bpm`, several genres and tempos;
- stem residual: RMS of (drums + bass + vocals + other - mix) over the mix's RMS;
- extend join: samples of the extension before `extend_from_s` that differ from the source
  (0 is sample for sample), and the extension's length error against
  `extend_from_s + extend_s`;
- replace outside: samples outside `start_s`-`end_s` that differ from the source.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LENGTHS = (1, 4, 12, 30, 90, 240)
TEMPI = (
    ("upbeat pop with drums", 128),
    ("calm piano ballad", 68),
    ("heavy metal", 172),
    ("lofi hip hop", 84),
    ("trap", 145),
    ("house music", 124),
    ("calm ambient pads", 90),
    ("reggae", 76),
    ("jazz trio", 110),
    ("drum and bass", 174),
)
TEMPO_SECONDS = 30
KEY = "bench-media"


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="emulator-media-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="producer_site.settings",
        DATABASE_URL=f"sqlite:///{folder / 'bench.sqlite3'}",
        EMULATOR_JOB_SECONDS="0",
        EMULATOR_FAULT_RATE="0",
        EMULATOR_MEDIA_ROOT=str(folder / "media"),
        MEDIA_ROOT=str(folder / "studio-media"),
    )
    import django

    django.setup()
    import httpx
    import numpy as np
    from _common import note, report
    from django.core.management import call_command

    import mediatools
    from emulator.synth import SAMPLE_RATE as SR
    from emulator.testing import EmulatorTransport
    from tests.emulator.measure import relative_error, residual, tempo

    call_command("migrate", verbosity=0)
    http = httpx.Client(transport=EmulatorTransport(), base_url="http://127.0.0.1/emulator")
    headers = {"TT-API-KEY": KEY}

    def clips(action: str, body: dict) -> list[dict]:
        answer = http.post(f"/flowmusic/v1/{action}", json=body, headers=headers)
        assert answer.status_code == 200, answer.text
        job_id = answer.json()["data"]["job_id"]
        result = http.get("/flowmusic/v1/fetch", params={"jobId": job_id}, headers=headers)
        assert result.json()["status"] == "SUCCESS", result.text
        return result.json()["data"]["clips"]

    def decoded(url: str) -> np.ndarray:
        response = http.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return mediatools.decode(response.content, channels=2, rate=SR)[0]

    began = time.monotonic()
    wav_errors, mp3_errors = [], []
    for seconds in LENGTHS:
        [item] = clips("generations", {"sound_prompt": "bright pop with drums", "length": seconds})
        wav_errors.append(abs(len(decoded(item["wav_url"])) / SR - seconds))
        mp3_errors.append(abs(len(decoded(item["audio_url"])) / SR - seconds))
        note(f"length {seconds} s: WAV {wav_errors[-1]:.4f} s, MP3 {mp3_errors[-1]:.4f} s off")
    report("emulator_media.length_error_wav_max", max(wav_errors), "s", "<= 0.1 s")
    report("emulator_media.length_error_mp3_max", max(mp3_errors), "s", "<= 0.1 s")

    tempo_errors = []
    for prompt, bpm in TEMPI:
        [item] = clips(
            "generations", {"sound_prompt": prompt, "bpm": str(bpm), "length": TEMPO_SECONDS}
        )
        mono = decoded(item["audio_url"]).mean(axis=1)  # the MP3, as a listener gets it
        found = tempo(mono, SR, near=bpm)
        tempo_errors.append(100 * relative_error(found, bpm))
        note(f"tempo {prompt!r} {bpm} BPM: measured {found:.2f} ({tempo_errors[-1]:.2f} %)")
    report("emulator_media.tempo_error_max", max(tempo_errors), "%", "<= 3 %")
    report("emulator_media.tempo_error_median", float(np.median(tempo_errors)), "%", "<= 3 %")

    [source] = clips(
        "generations", {"sound_prompt": "rock anthem with drums", "length": 40, "title": "Bench"}
    )
    mix = decoded(source["wav_url"])
    stems = [decoded(c["wav_url"]) for c in clips("stems", {"clip_id": source["clip_id"]})]
    report("emulator_media.stem_residual", residual(stems, mix), "ratio", "<= 0.01")

    extend_from, extend_s = 23.7, 41.3
    [extended] = clips(
        "extend",
        {"clip_id": source["clip_id"], "extend_from_s": extend_from, "extend_s": extend_s,
         "instruction": "a guitar solo"},
    )  # fmt: skip
    longer = decoded(extended["wav_url"])
    join = round(extend_from * SR)
    differing = int(np.count_nonzero(np.any(longer[:join] != mix[:join], axis=1)))
    report("emulator_media.extend_join_differing_samples", differing, "samples", "== 0")
    report(
        "emulator_media.extend_length_error",
        abs(len(longer) - join - round(extend_s * SR)) / SR,
        "s",
        "<= 0.1 s",
    )

    start_s, end_s = 11.2, 19.9
    [replaced] = clips(
        "replace",
        {"clip_id": source["clip_id"], "start_s": start_s, "end_s": end_s,
         "instruction": "a quiet piano break"},
    )  # fmt: skip
    other = decoded(replaced["wav_url"])
    lo, hi = round(start_s * SR), round(end_s * SR)
    outside = (
        np.concatenate([other[:lo] != mix[:lo], other[hi:] != mix[hi:]])
        if (len(other) == len(mix))
        else np.ones((1, 2), bool)
    )
    report(
        "emulator_media.replace_outside_differing_samples",
        int(np.count_nonzero(np.any(outside, axis=1))),
        "samples",
        "== 0",
    )
    report(
        "emulator_media.replace_inside_change",
        residual([other[lo:hi]], mix[lo:hi]),
        "ratio",
        "> 0.1",
    )
    note(f"done in {time.monotonic() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
