"""Recipe ops: how each API action turns a parent's song into a new one.

Every recipe has a *score*: the plans it was made from and where each sits in its output
(`Piece`s). The score is cheap, so `duration()` and ops that keep a parent's notes (cover,
the swaps) work from it without rendering the parent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

import mediatools
from emulator.synth.arrange import STEMS, render_plan
from emulator.synth.bands import band_split
from emulator.synth.plan import (
    SAMPLE_RATE,
    Plan,
    compose,
    fit_lines,
    restyle,
    seed_of,
)
from emulator.synth.words import stable_int

SR = SAMPLE_RATE
FADE = int(0.03 * SR)  # crossfade at every splice
END_FADE = int(1.5 * SR)  # fade-out where a song is cut to a requested length
MIN_SONG_SECONDS = 30.0
BPM_RANGE = (30.0, 300.0)  # tempos the band can play; a request outside is clamped
BACKING = ("drums", "bass", "other")
Stems = dict[str, np.ndarray]


@dataclass(frozen=True)
class Piece:
    plan: Plan | None  # None: audio that no plan made (an upload)
    at: int  # first frame in the output
    offset: int  # first frame within the plan's own render
    length: int


# ---- recipe fields --------------------------------------------------------------------------


def _op(recipe: dict) -> str:
    return str(recipe.get("op") or "music")


def _parent(recipe: dict) -> dict:
    parent = recipe.get("parent")
    if not isinstance(parent, dict):
        raise ValueError(f"op {_op(recipe)!r} needs a parent recipe")
    return parent


def _float(value: object, default: float | None) -> float | None:
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if value is None or value == "":
        return default
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default


def _inherited(recipe: dict, key: str, default: object = "") -> object:
    """A field from the recipe, else from its nearest ancestor that has it."""
    while isinstance(recipe, dict):
        value = recipe.get(key)
        if value not in (None, ""):
            return value
        recipe = recipe.get("parent")
    return default


def _seed(recipe: dict) -> int:
    if recipe.get("seed") not in (None, ""):
        return seed_of(recipe)
    if _op(recipe) in ("music", "upload"):
        return seed_of(recipe)
    return stable_int(
        _op(recipe), recipe.get("prompt", ""), recipe.get("lyrics", ""), _seed(_parent(recipe))
    )


def recipe_seed(recipe: dict) -> int:
    """The seed a recipe's new material comes from (derived from its parent when unset)."""
    return _seed(recipe)


def _sing(recipe: dict) -> bool:
    return not _truthy(recipe.get("instrumental", False))


def _truthy(value: object) -> bool:
    """Loose booleans: JSON true, 1, or strings like "true" / "yes"."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _weird(recipe: dict) -> float:
    return float(np.clip(_float(recipe.get("weirdness"), 0.5) or 0.0, 0.0, 1.0))


def _bpm(recipe: dict) -> float | None:
    bpm = _float(recipe.get("bpm"), None)
    return None if bpm is None else float(np.clip(bpm, *BPM_RANGE))


def _frames_of(recipe: dict, key: str) -> int | None:
    """A requested length (`length`, `extend_s`) in frames, or None when not asked for."""
    seconds = _float(recipe.get(key), None)
    return None if seconds is None else max(1, round(seconds * SR))


def _music_plan(recipe: dict) -> Plan:
    length = _frames_of(recipe, "length")
    bpm = _bpm(recipe)
    return compose(
        _seed(recipe),
        str(recipe.get("prompt") or ""),
        str(recipe.get("lyrics") or ""),
        sing=_sing(recipe),
        weirdness=_weird(recipe),
        mv=str(recipe.get("mv") or ""),
        bpm=bpm,
        pulse=bpm is not None,
        # A requested length: compose at least that much, then cut it to the frame.
        target_seconds=None if length is None else length / SR,
        min_seconds=MIN_SONG_SECONDS if length is None else length / SR,
    )


def _music_frames(recipe: dict, plan: Plan) -> int:
    length = _frames_of(recipe, "length")
    return plan.frames if length is None else length


def _variation_plan(recipe: dict) -> Plan:
    parent = _parent(recipe)
    seed = stable_int("variation", _seed(parent), recipe.get("seed"))
    length = duration_frames(parent) / SR
    stretch = 0.85 + 0.3 * (stable_int("stretch", seed) % 1000) / 1000
    return compose(
        seed,
        str(_inherited(recipe, "prompt")),
        str(_inherited(recipe, "lyrics")),
        sing=not _truthy(_inherited(recipe, "instrumental", False)),
        weirdness=_weird(recipe),
        target_seconds=max(20.0, length * stretch),
        mv=str(_inherited(recipe, "mv")),
    )


# ---- scores ---------------------------------------------------------------------------------


def _clip(pieces: list[Piece], lo: int, hi: int) -> list[Piece]:
    out = []
    for p in pieces:
        a, b = max(p.at, lo), min(p.at + p.length, hi)
        if b > a:
            out.append(Piece(p.plan, a, p.offset + (a - p.at), b - a))
    return out


def _anchor(pieces: list[Piece], frame: int) -> tuple[Plan | None, int]:
    """The plan playing at `frame` (or just before it) and the frame's place in that plan."""
    best = None
    for p in pieces:
        if p.plan is not None and p.at <= max(frame - 1, 0):
            best = p
    if best is None:
        return None, 0
    return best.plan, frame - best.at + best.offset


def _span(recipe: dict, n: int) -> tuple[int, int]:
    a = _float(recipe.get("starts"), 30.0) or 0.0
    b = _float(recipe.get("ends"), None)
    lo = int(np.clip(round(a * SR), 0, n))
    hi = n if b is None else int(np.clip(round(b * SR), lo, n))
    return lo, hi


def _key_of(plan: Plan | None, seed: int) -> dict:
    if plan is None:
        return {"bpm": float(80 + seed % 60), "root": seed % 12, "mode": None}
    return {"bpm": plan.bpm, "root": plan.root, "mode": plan.mode}


def _continuation(recipe: dict, anchor: Plan | None, min_seconds: float = 0.0) -> Plan:
    seed = _seed(recipe)
    return compose(
        seed,
        str(recipe.get("prompt") or _inherited(recipe, "prompt")),
        str(recipe.get("lyrics") or ""),
        sing=_sing(recipe),
        weirdness=_weird(recipe),
        intro=False,
        mv=str(recipe.get("mv") or ""),
        min_seconds=min_seconds,
        **_key_of(anchor, seed),
    )


def _replacement(recipe: dict, pieces: list[Piece], lo: int, hi: int) -> tuple[Plan, int]:
    """The new material for [lo, hi) and where in its render to start, on the parent's beat."""
    anchor, place = _anchor(pieces, lo + 1)
    offset = 0
    if anchor is not None:
        offset = round(place % anchor.bar_frames())
    plan = _continuation(recipe, anchor, min_seconds=(hi - lo + offset) / SR + 1.0)
    return plan, offset


def _extension(recipe: dict, n: int, pieces: list[Piece]) -> tuple[int, Plan, int, int]:
    """Where an extension starts, its plan, where in that plan's render to start so the new
    bars land on the parent's beat, and how many frames it adds (`extend_s` exactly when
    asked for, else the whole continuation)."""
    lo, _ = _span(recipe, n)
    anchor, place = _anchor(pieces, lo)
    offset = round(place % anchor.bar_frames()) if anchor is not None else 0
    added = _frames_of(recipe, "extend_s")
    cont = _continuation(recipe, anchor, 0.0 if added is None else (added + offset) / SR + 1.0)
    offset = min(offset, cont.frames - 1)
    return lo, cont, offset, cont.frames - offset if added is None else added


def _fallback(recipe: dict, piece: Piece) -> Plan:
    """A plan for a stretch that came from no plan (an upload), at least as long as it."""
    return compose(
        stable_int("fallback", _seed(recipe), piece.at),
        str(recipe.get("prompt") or ""),
        str(recipe.get("lyrics") or ""),
        sing=_sing(recipe),
        target_seconds=piece.length / SR + 4,
        min_seconds=piece.length / SR + 1,
    )


def _restyled(recipe: dict, pieces: list[Piece], how: str) -> list[Piece]:
    seed = _seed(recipe)
    prompt = str(recipe.get("prompt") or "")
    mv = str(recipe.get("mv") or "")
    lyrics = str(recipe.get("lyrics") or _inherited(_parent(recipe), "lyrics"))
    out = []
    for p in pieces:
        if p.plan is None:
            out.append(Piece(_fallback(recipe, p), p.at, 0, p.length))
            continue
        if how == "vocals":
            plan = fit_lines(p.plan, lyrics, seed, sing=_sing(recipe))
        else:
            plan = restyle(p.plan, prompt or str(_inherited(recipe, "prompt")), seed, mv)
            if how == "cover" and not _sing(recipe):
                plan = fit_lines(plan, "", seed, sing=False)
            elif how == "cover" and recipe.get("lyrics") and plan.voice is not None:
                plan = fit_lines(plan, str(recipe["lyrics"]), seed)  # new words, same band
        out.append(Piece(plan, p.at, p.offset, p.length))
    return out


def score(recipe: dict) -> tuple[int, list[Piece]]:
    """(frames, pieces) of a recipe, without rendering anything."""
    op = _op(recipe)
    if op == "music":
        plan = _music_plan(recipe)
        frames = _music_frames(recipe, plan)
        return frames, [Piece(plan, 0, 0, frames)]
    if op == "variation":
        plan = _variation_plan(recipe)
        return plan.frames, [Piece(plan, 0, 0, plan.frames)]
    if op == "upload":
        n = len(_upload(str(recipe.get("path", "")))["other"])
        return n, [Piece(None, 0, 0, n)]
    n, pieces = score(_parent(recipe))
    if op == "extend":
        lo, cont, offset, length = _extension(recipe, n, pieces)
        return lo + length, [*_clip(pieces, 0, lo), Piece(cont, lo, offset, length)]
    if op == "replace":
        lo, hi = _span(recipe, n)
        if hi <= lo:
            return n, pieces
        plan, offset = _replacement(recipe, pieces, lo, hi)
        return n, [*_clip(pieces, 0, lo), Piece(plan, lo, offset, hi - lo), *_clip(pieces, hi, n)]
    if op == "cover":
        return n, _restyled(recipe, pieces, "cover")
    if op == "vocals_swap":
        return n, _restyled(recipe, pieces, "vocals")
    if op == "instrumentals_swap":
        return n, _restyled(recipe, pieces, "backing")
    raise ValueError(f"unknown op {op!r}")


def duration_frames(recipe: dict) -> int:
    return score(recipe)[0]


# ---- rendering ------------------------------------------------------------------------------


def _ramp(n: int) -> np.ndarray:
    return np.linspace(0, 1, n + 2, dtype=np.float32)[1:-1, None]


def _lay(out: Stems, pieces: list[Piece], names: tuple[str, ...], fade_first: bool = False) -> None:
    """Render pieces into `out`, each fading in over whatever the previous one left."""
    n = len(next(iter(out.values())))
    rendered: dict[Plan, Stems] = {}
    for k, p in enumerate(pieces):
        assert p.plan is not None
        if p.plan not in rendered:
            rendered[p.plan] = render_plan(p.plan, names)
        src = rendered[p.plan]
        end = min(n, p.at + p.length + FADE)
        take = min(end - p.at, len(src[names[0]]) - p.offset)
        fade = min(FADE, take) if (k > 0 or fade_first) else 0
        for name in names:
            seg = src[name][p.offset : p.offset + take]
            dst = out[name]
            if fade:
                w = _ramp(fade)
                dst[p.at : p.at + fade] = dst[p.at : p.at + fade] * (1 - w) + seg[:fade] * w
            dst[p.at + fade : p.at + take] = seg[fade:]
            dst[p.at + take : p.at + p.length] = 0


def _zeros(n: int) -> Stems:
    return {name: np.zeros((n, 2), dtype=np.float32) for name in STEMS}


def _cut(stem: np.ndarray, frames: int) -> np.ndarray:
    """`stem` cut (or padded with silence) to `frames`, fading out where it was cut."""
    if len(stem) == frames:
        return stem
    if len(stem) < frames:
        return np.concatenate([stem, np.zeros((frames - len(stem), 2), np.float32)])
    out = stem[:frames].copy()
    fade = min(END_FADE, frames // 4)
    if len(stem) > frames and fade > 0:
        out[frames - fade :] *= _ramp(fade)[::-1]
    return out


def render_stems(recipe: dict) -> Stems:
    op = _op(recipe)
    if op == "music":
        plan = _music_plan(recipe)
        frames = _music_frames(recipe, plan)
        stems = render_plan(plan)
        if frames == plan.frames:
            return stems
        return {name: _cut(stem, frames) for name, stem in stems.items()}
    if op == "variation":
        return render_plan(_variation_plan(recipe))
    if op == "upload":
        stems = _upload(str(recipe.get("path", "")))
        return {name: stems[name].copy() for name in STEMS}
    parent = _parent(recipe)
    n, pieces = score(parent)
    if op == "extend":
        lo, cont, offset, length = _extension(recipe, n, pieces)
        base = render_stems(parent)
        new = {name: _cut(stem[offset:], length) for name, stem in render_plan(cont).items()}
        out = {}
        for name in STEMS:
            stem = np.empty((lo + length, 2), dtype=np.float32)
            stem[:lo] = base[name][:lo]
            stem[lo:] = new[name]
            fade = min(FADE, n - lo, length)
            if fade > 0:  # the parent's own continuation fades into the new material
                w = _ramp(fade)
                stem[lo : lo + fade] = base[name][lo : lo + fade] * (1 - w) + new[name][:fade] * w
            out[name] = stem
            del base[name], new[name]  # a long song's stems are large: free as we go
        return out
    if op == "replace":
        base = render_stems(parent)
        lo, hi = _span(recipe, n)
        if hi <= lo:
            return base
        plan, offset = _replacement(recipe, pieces, lo, hi)
        new = render_plan(plan)
        w = np.ones((hi - lo, 1), dtype=np.float32)
        fade = min(FADE, (hi - lo) // 2)
        if lo > 0:
            w[:fade] = _ramp(fade)
        if hi < n:
            w[len(w) - fade :] = _ramp(fade)[::-1]
        for name in STEMS:
            seg = new[name][offset : offset + hi - lo]
            region = base[name][lo:hi]
            base[name][lo:hi] = region * (1 - w) + seg * w
        return base
    new_pieces = score(recipe)[1]
    if op == "cover":
        out = _zeros(n)
        _lay(out, new_pieces, STEMS)
        return out
    base = render_stems(parent)
    if op == "vocals_swap":
        base["vocals"][:] = 0
        _lay(base, new_pieces, ("vocals",))
        return base
    if op == "instrumentals_swap":
        for name in BACKING:
            base[name][:] = 0
        _lay(base, new_pieces, BACKING)
        return base
    raise ValueError(f"unknown op {op!r}")


# ---- uploads --------------------------------------------------------------------------------


def _upload(path: str) -> Stems:
    stat = os.stat(path)
    return _decoded(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _decoded(path: str, mtime_ns: int, size: int) -> Stems:
    with open(path, "rb") as f:
        samples, _ = mediatools.decode(f.read(), channels=2, rate=SR)
    return band_split(samples)
