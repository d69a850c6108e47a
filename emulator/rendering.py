"""Rendering the emulator's media files, apart from the web process that serves them.

Synthesising a song holds every stem of it in memory at 44.1 kHz (hundreds of megabytes
for a few minutes), and an allocator rarely gives that back: a web process that renders
grows to a gigabyte and more and stays there. So files are rendered by a small pool of
processes of their own (`files.path_for`), each replaced after a number of renders, and
the web process only waits and then serves the file from disk. This module is what those
processes run: it imports the synth and the encoders, never Django or the studio.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import OrderedDict
from pathlib import Path

from emulator import media
from emulator.synth import Audio, render

RENDERED_KEPT = 1  # the last render kept in memory: an MP3 and a WAV of one song share it

_renders: OrderedDict[str, Audio] = OrderedDict()


def _audio(recipe: dict) -> Audio:
    key = hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()
    if key in _renders:
        _renders.move_to_end(key)
        return _renders[key]
    audio = render(recipe)
    _renders[key] = audio
    while len(_renders) > RENDERED_KEPT:
        _renders.popitem(last=False)
    return audio


def make(recipe: dict, stem: str | None, title: str, name: str) -> bytes:
    """The bytes of one of a music's files (see files.NAMES)."""
    if name == "cover.png":
        return media.cover_png(recipe)
    audio = _audio(recipe)
    if name == "audio.mp3":
        return media.mp3_bytes(audio, stem)
    if name == "audio.wav":
        return media.wav_bytes(audio, stem)
    preset = name.removeprefix("video-").removesuffix(".mp4")
    if stem:
        # A stem's video plays the stem alone.
        audio = Audio({stem: audio.stems[stem]}, audio.sample_rate)
    return media.video_mp4(audio, media.cover_png(recipe), preset, title)


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file under a temporary name and move it into place: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def render_into(recipe: dict, stem: str | None, title: str, name: str, path: str) -> None:
    """Render one file to `path` (what a render process is asked to do)."""
    write_atomically(Path(path), make(recipe, stem, title, name))
