"""Media rendered on first request and kept on disk under EMULATOR_MEDIA_ROOT.

Each musicId has a folder; a file is written once, atomically (temp file + rename), so
concurrent first requests at worst render twice and never serve half a file. Rendering runs
in processes of its own (`emulator.rendering`), so the web process stays near its idle size.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from django.conf import settings

from emulator import rendering
from emulator.models import Music

PRESETS = ("simple", "player", "modern")
CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".png": "image/png",
    ".mp4": "video/mp4",
}
NAMES = ("audio.mp3", "audio.wav", "cover.png", *(f"video-{p}.mp4" for p in PRESETS))
# A render process is replaced after this many files: whatever its allocator kept goes.
RENDERS_PER_PROCESS = 20
RENDER_TIMEOUT = 600.0  # seconds a request waits for its file

_lock = threading.Lock()
_path_locks: dict[Path, threading.Lock] = {}
_pool: ProcessPoolExecutor | None = None
_pool_key: tuple[int, int] | None = None  # (process id, size) the pool was made for


def root() -> Path:
    return Path(settings.EMULATOR_MEDIA_ROOT)


def content_type(name: str) -> str:
    return CONTENT_TYPES[os.path.splitext(name)[1]]


def _render_pool(size: int) -> ProcessPoolExecutor:
    """This process's render processes, started on first use ("spawn": nothing of the web
    process, its threads or its connections, is copied into them)."""
    global _pool, _pool_key
    key = (os.getpid(), size)
    with _lock:
        if _pool is None or _pool_key != key:
            if _pool is not None and _pool_key[0] == key[0]:
                _pool.shutdown(wait=False, cancel_futures=True)
            _pool = ProcessPoolExecutor(
                max_workers=size,
                mp_context=multiprocessing.get_context("spawn"),
                max_tasks_per_child=RENDERS_PER_PROCESS,
            )
            _pool_key = key
        return _pool


def _forget_pool(broken: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is broken:
            _pool = None


def _render(music: Music, name: str, path: Path) -> None:
    args = (music.recipe, music.stem or None, music.title, name, str(path))
    size = settings.EMULATOR_RENDER_PROCESSES
    if size <= 0:
        rendering.render_into(*args)
        return
    pool = _render_pool(size)
    try:
        pool.submit(rendering.render_into, *args).result(timeout=RENDER_TIMEOUT)
    except BrokenProcessPool:
        _forget_pool(pool)  # a render process died (killed, out of memory): start afresh
        raise


def path_for(music: Music, name: str) -> Path:
    """The file on disk, rendered first if it is not there yet."""
    if name not in NAMES:
        raise ValueError(f"unknown file {name!r}")
    path = root() / str(music.music_id) / name
    if path.exists():
        return path
    with _lock:
        lock = _path_locks.setdefault(path, threading.Lock())
    with lock:
        if not path.exists():
            _render(music, name, path)
    return path


def store_upload(data: bytes, suffix: str) -> Path:
    """Keep uploaded audio by content hash; the same bytes are stored once."""
    digest = hashlib.sha256(data).hexdigest()
    path = root() / "uploads" / f"{digest}{suffix}"
    if not path.exists():
        rendering.write_atomically(path, data)
    return path
