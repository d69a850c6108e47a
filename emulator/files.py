"""Media rendered on first request and kept on disk under EMULATOR_MEDIA_ROOT.

Each musicId has a folder; a file is written once, atomically (temp file + rename), so
concurrent first requests at worst render twice and never serve half a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

from django.conf import settings

from emulator import media
from emulator.models import Music
from emulator.synth import Audio, render

PRESETS = ("simple", "player", "modern")
CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".png": "image/png",
    ".mp4": "video/mp4",
}
NAMES = ("audio.mp3", "audio.wav", "cover.png", *(f"video-{p}.mp4" for p in PRESETS))
RENDERED_KEPT = 4  # renders kept in memory: an MP3 and a WAV of one song share one

_renders: OrderedDict[str, Audio] = OrderedDict()
_renders_lock = threading.Lock()
_path_locks: dict[Path, threading.Lock] = {}


def root() -> Path:
    return Path(settings.EMULATOR_MEDIA_ROOT)


def content_type(name: str) -> str:
    return CONTENT_TYPES[os.path.splitext(name)[1]]


def _audio(recipe: dict) -> Audio:
    key = hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()
    with _renders_lock:
        if key in _renders:
            _renders.move_to_end(key)
            return _renders[key]
    audio = render(recipe)
    with _renders_lock:
        _renders[key] = audio
        while len(_renders) > RENDERED_KEPT:
            _renders.popitem(last=False)
    return audio


def _make(music: Music, name: str) -> bytes:
    stem = music.stem or None
    if name == "cover.png":
        return media.cover_png(music.recipe)
    audio = _audio(music.recipe)
    if name == "audio.mp3":
        return media.mp3_bytes(audio, stem)
    if name == "audio.wav":
        return media.wav_bytes(audio, stem)
    preset = name.removeprefix("video-").removesuffix(".mp4")
    if stem:
        # A stem's video plays the stem alone.
        audio = Audio({stem: audio.stems[stem]}, audio.sample_rate)
    return media.video_mp4(audio, media.cover_png(music.recipe), preset, music.title)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def path_for(music: Music, name: str) -> Path:
    """The file on disk, rendered first if it is not there yet."""
    if name not in NAMES:
        raise ValueError(f"unknown file {name!r}")
    path = root() / str(music.music_id) / name
    if path.exists():
        return path
    with _renders_lock:
        lock = _path_locks.setdefault(path, threading.Lock())
    with lock:
        if not path.exists():
            _write(path, _make(music, name))
    return path


def store_upload(data: bytes, suffix: str) -> Path:
    """Keep uploaded audio by content hash; the same bytes are stored once."""
    digest = hashlib.sha256(data).hexdigest()
    path = root() / "uploads" / f"{digest}{suffix}"
    if not path.exists():
        _write(path, data)
    return path
