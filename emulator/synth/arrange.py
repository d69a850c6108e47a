"""Arrangement: a plan played by a band, one stem per part."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

import emulator.synth.instruments as ins
from emulator.synth.plan import Plan
from emulator.synth.voice import sing
from emulator.synth.words import rng_for

SR = ins.SR
STEMS = ("vocals", "drums", "bass", "other")
# Each stem is scaled to this peak; the sum rarely reaches the mix limiter's knee.
STEM_PEAK = {"vocals": 0.42, "drums": 0.55, "bass": 0.38, "other": 0.34}

# 16 steps per 4/4 bar (12 per 3/4 bar): x = hit, o = softer hit.
PATTERNS: dict[str, dict[str, str]] = {
    "pop": {"kick": "x.....x.x.......", "snare": "....x.......x...", "hat": "x.x.x.x.x.x.x.x."},
    "rock": {"kick": "x.....x.x.x.....", "snare": "....x.......x...", "hat": "x.x.x.x.x.x.x.x."},
    "hiphop": {"kick": "x.....x...x..x..", "snare": "....x.......x...", "hat": "x.x.x.x.x.x.x.xo"},
    "dnb": {"kick": "x.........x.....", "snare": "....x..o....x..o", "hat": "x.xox.xox.xox.xo"},
    "four": {
        "kick": "x...x...x...x...",
        "clap": "....x.......x...",
        "hat": "xoxoxoxoxoxoxoxo",
        "open": "..x...x...x...x.",
    },
    "jazz": {"kick": "x.........o.....", "ride": "x...x..ox...x..o", "rim": "....o.......o..."},
    "ballad": {"kick": "x.......x.......", "rim": "....x.......x...", "hat": "x...x...x...x..."},
    "trap": {"kick": "x.....x...x.....", "clap": "........x.......", "hat": "xoooxoooxoooxoxo"},
    "reggae": {"kick": "........x.......", "rim": "........x.......", "hat": "x.x.x.x.x.x.x.x."},
}
WALTZ = {"kick": "x...........", "rim": "....x...x...", "hat": "x.x.x.x.x.x."}
LEVEL = {
    "kick": 1.0,
    "snare": 0.8,
    "clap": 0.7,
    "rim": 0.5,
    "hat": 0.35,
    "open": 0.3,
    "ride": 0.35,
    "crash": 0.45,
}
PAN = {"hat": 0.3, "open": 0.3, "ride": -0.35, "crash": -0.2, "rim": 0.1}


class Track:
    """A stereo bus being filled: left and right mono buffers."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.buf = np.zeros((2, n), dtype=np.float32)
        self.left, self.right = self.buf[0], self.buf[1]

    def add(self, wave: np.ndarray, at: int, gain: float, pan: float = 0.0) -> None:
        if at >= self.n or gain == 0:
            return
        a = max(at, 0)
        w = wave[a - at : self.n - at]
        if not len(w):
            return
        if pan == 0 and gain == 1:
            self.left[a : a + len(w)] += w
            self.right[a : a + len(w)] += w
            return
        if pan == 0:
            scaled = np.float32(gain) * w
            self.left[a : a + len(w)] += scaled
            self.right[a : a + len(w)] += scaled
            return
        self.left[a : a + len(w)] += np.float32(gain * min(1.0, 1.0 - pan)) * w
        self.right[a : a + len(w)] += np.float32(gain * min(1.0, 1.0 + pan)) * w

    def stereo(self, peak: float) -> np.ndarray:
        """(n, 2) float32, a transposed view (no copy), scaled to peak at `peak`."""
        top = max(self.buf.max(), -self.buf.min(), 0)
        if top > 0:
            self.buf *= np.float32(peak / top)
        return self.buf.T


def _timing(plan: Plan) -> Callable[[float], int]:
    spb = plan.seconds_per_beat
    swing = plan.style.swing

    def frame_of(beat: float) -> int:
        frac = beat % 1.0
        if abs(frac - 0.5) < 1e-6:
            beat += swing * 0.33
        elif abs(frac - 0.75) < 1e-6:
            beat += swing * 0.15
        return round(beat * spb * SR)

    return frame_of


def _echo(track: Track, mono: np.ndarray, delay: int, gains: Iterable[float]) -> None:
    """Add a mono line with ping-pong echo taps (feed-forward, so it stays vectorised)."""
    track.add(mono, 0, 1.0)
    for i, g in enumerate(gains, start=1):
        d = delay * i
        if d >= track.n:
            break
        side = track.right if i % 2 else track.left
        side[d:] += np.float32(g) * mono[:-d]


def _smooth(track: Track, width: int) -> None:
    """Box low-pass (lo-fi, older models): a running mean through a cumulative sum."""
    for buf in (track.left, track.right):
        c = np.cumsum(buf, dtype=np.float64)
        buf[width:] = ((c[width:] - c[:-width]) / width).astype(np.float32)


def render_plan(plan: Plan, stems: Iterable[str] = STEMS) -> dict[str, np.ndarray]:
    """The plan's stems, each float32 (frames, 2); stems not asked for are silent."""
    wanted = set(stems)
    n = plan.frames
    frame_of = _timing(plan)
    out: dict[str, np.ndarray] = {}
    for stem in STEMS:
        if stem not in wanted:
            out[stem] = np.zeros((n, 2), dtype=np.float32)
            continue
        track = Track(n)
        {"vocals": _vocals, "drums": _drums, "bass": _bass, "other": _other}[stem](
            plan, track, frame_of
        )
        out[stem] = track.stereo(STEM_PEAK[stem])
    return out


def _section_at(plan: Plan, bar: int) -> tuple[str, int, int]:
    for kind, first, bars in plan.sections:
        if first <= bar < first + bars:
            return kind, first, bars
    return plan.sections[-1]


def _vocals(plan: Plan, track: Track, frame_of: Callable[[float], int]) -> None:
    if plan.voice is None or not plan.syllables:
        return
    mono = sing(plan.syllables, plan.voice, plan.seconds_per_beat, frame_of, track.n, plan.seed)
    _echo(track, mono, int(plan.seconds_per_beat * 0.75 * SR), (0.22, 0.12, 0.06))


def _drums(plan: Plan, track: Track, frame_of: Callable[[float], int]) -> None:
    style = plan.style
    if style.drums == "none":
        return
    kit = ins.drum_kit(plan.seed, style.lofi)
    bpb = plan.beats_per_bar
    pattern = WALTZ if bpb == 3 else PATTERNS.get(style.drums, PATTERNS["pop"])
    steps = bpb * 4
    rng = rng_for("drums", plan.seed)
    for kind, first, bars in plan.sections:
        for bar in range(first, first + bars):
            base = bar * bpb
            local = bar - first
            if kind == "intro" and local < bars // 2:
                parts = ("hat", "ride") if style.energy > 0.5 else ()
            elif kind == "outro" and local >= 2:
                parts = ("crash",) if local == 2 else ()
            elif kind == "bridge" and style.energy < 0.7:
                parts = ("kick", "rim", "hat", "ride")
            else:
                parts = tuple(pattern)
            energy = style.energy + (0.15 if kind == "chorus" else 0.0)
            for part in parts:
                if part == "crash":
                    track.add(kit["crash"], frame_of(base), LEVEL["crash"], PAN["crash"])
                    continue
                steps_str = pattern.get(part, "")
                for step, mark in enumerate(steps_str[:steps]):
                    if mark == "." or (part == "hat" and mark == "o" and energy < 0.5):
                        continue
                    vel = (1.0 if mark == "x" else 0.55) * float(rng.uniform(0.85, 1.0))
                    track.add(
                        kit[part], frame_of(base + step / 4), LEVEL[part] * vel, PAN.get(part, 0)
                    )
            if (local == 0 and kind in ("chorus", "bridge")) or (
                local == 0 and kind == "verse" and first > 0 and energy > 0.7
            ):
                track.add(kit["crash"], frame_of(base), LEVEL["crash"], PAN["crash"])
            if local == bars - 1 and kind != "outro" and energy > 0.45:
                fill = "snare" if "snare" in kit else "rim"
                for k in range(4):
                    beat = base + bpb - 1 + k / 4
                    track.add(kit[fill], frame_of(beat), 0.35 + 0.12 * k, 0.0)
    if style.lofi:
        _smooth(track, 5)


def _bass(plan: Plan, track: Track, frame_of: Callable[[float], int]) -> None:
    style = plan.style
    kind = style.bass
    if kind == "none":
        return
    bpb = plan.beats_per_bar
    spb = plan.seconds_per_beat
    voice = {
        "synth": "bass",
        "pluck": "pluck",
        "sub": "sub",
        "808": "808",
        "upright": "upright",
        "slap": "slap",
    }.get(kind, "bass")

    def play(beat: float, beats: float, midi: int, vel: float = 1.0) -> None:
        n = int((beats * spb + 0.05) * SR)
        track.add(ins.note(voice, midi, n, style.brightness), frame_of(beat), vel)

    for section, first, bars in plan.sections:
        for bar in range(first, first + bars):
            local = bar - first
            if section == "intro" and local < bars // 2:
                continue
            if section == "outro" and local >= 2:
                if local == bars - 1:
                    play(bar * bpb, bpb, plan.chords[bar][0], 0.8)
                continue
            root = plan.chords[bar][0]
            nxt = plan.chords[min(bar + 1, plan.bars - 1)][0]
            base = bar * bpb
            if kind in ("sub", "808") or bpb == 3:
                play(base, bpb * 0.95, root)
            elif kind == "upright":
                fifth = root + 7
                approach = nxt - 1 if nxt > root else nxt + 1
                for i, m in enumerate(
                    (root, root + 4 if plan.mode == "major" else root + 3, fifth, approach)[:bpb]
                ):
                    play(base + i, 0.9, m, 0.9)
            elif kind == "slap":
                for step, m in (
                    (0, root),
                    (3, root + 12),
                    (6, root),
                    (8, root),
                    (10, root + 12),
                    (13, root + 7),
                ):
                    play(base + step / 4, 0.35, m, 0.9)
            elif style.drums == "rock":
                for i in range(bpb * 2):
                    play(base + i / 2, 0.45, root, 0.85 + 0.15 * (i % 2 == 0))
            else:
                for beat, length, m in (
                    (0, 1.4, root),
                    (1.5, 0.45, root + 12),
                    (2, 1.4, root),
                    (3.5, 0.45, root + 7),
                ):
                    play(base + beat, length, m)


def _chord_notes(plan: Plan, bar: int) -> tuple[int, ...]:
    return plan.chords[bar][1:]


def _other(plan: Plan, track: Track, frame_of: Callable[[float], int]) -> None:
    style = plan.style
    bpb = plan.beats_per_bar
    spb = plan.seconds_per_beat
    bright = style.brightness

    def play(
        kind: str,
        beat: float,
        beats: float,
        midi: int,
        gain: float,
        pan: float = 0.0,
        delay: int = 0,
    ) -> None:
        n = int((beats * spb + 0.08) * SR)
        track.add(ins.note(kind, midi, n, bright), frame_of(beat) + delay, gain, pan)

    def strike(
        kind: str,
        beat: float,
        beats: float,
        notes: tuple[int, ...],
        gain: float,
        pan: float = 0.0,
        delay: int = 0,
        spread: int = 0,
    ) -> None:
        n = int((beats * spb + 0.08) * SR)
        wave = ins.chord(kind, tuple(notes), n, bright, spread)
        track.add(wave, frame_of(beat) + delay, gain, pan)

    keys = style.keys
    strum = int(0.012 * SR)
    for section, first, bars in plan.sections:
        soft = 0.7 if section in ("intro", "verse") else 1.0
        for bar in range(first, first + bars):
            base = bar * bpb
            chord = _chord_notes(plan, bar)
            root = plan.chords[bar][0]
            if section == "outro" and bar == first + bars - 1:
                kind = "piano" if keys in ("distorted", "guitar") else keys
                strike(kind, base, bpb * 1.5, chord, 0.3)
                continue
            if keys == "piano" and style.genre in ("ballad", "classical", "waltz", "folk"):
                arp = (root + 12, *chord, chord[0] + 12, *chord[1:2])
                for i in range(bpb * 2):
                    play("piano", base + i / 2, 1.5, arp[i % len(arp)], 0.28 * soft, -0.15)
            elif keys == "piano":
                for beat in range(0, bpb, 2):
                    strike("piano", base + beat, 1.9, chord, 0.22 * soft, -0.1)
            elif keys == "epiano":
                hits = ((0, bpb),) if style.lofi else ((0, 1.4), (1.5, 2.4))
                for beat, length in hits:
                    strike("epiano", base + beat, length, chord, 0.25 * soft, -0.1)
            elif keys == "guitar":
                pattern = ((0, 1), (1, 1), (1.5, 0), (2.5, 0), (3, 1), (3.5, 0))
                for i, (beat, down) in enumerate(pattern):
                    if beat < bpb:
                        gain = 0.2 * soft * (1 if i % 2 == 0 else 0.8)
                        notes = chord if down else chord[::-1]
                        strike("guitar", base + beat, 1.0, notes, gain, -0.25, spread=strum)
            elif keys == "distorted":
                power = (root + 12, root + 19)
                if section == "chorus":
                    strike("distorted", base, bpb, power, 0.3, -0.3)
                    strike("distorted", base, bpb, power, 0.3, 0.3, delay=int(0.011 * SR))
                else:
                    for i in range(bpb * 2):
                        strike("distorted", base + i / 2, 0.4, power, 0.22, -0.3)
            elif keys == "organ" and style.drums == "reggae":
                for beat in (1, 3):
                    if beat < bpb:
                        strike("organ", base + beat, 0.35, chord, 0.25, 0.2)
            elif keys == "bell":
                arp = (*chord, chord[0] + 12)
                for i in range(bpb * 2):
                    play("bell", base + i / 2, 1.0, arp[(i * 3) % len(arp)] + 12, 0.12, 0.2)
            else:  # pad, strings, organ: the chord held through the bar
                strike(keys, base, bpb, chord, 0.22 * soft)
            if style.pad and (section in ("chorus", "bridge", "outro") or style.energy < 0.3):
                strike(style.pad, base, bpb, (chord[0] - 12, *chord[2:]), 0.13, -0.35)
                strike(style.pad, base, bpb, chord[1:2], 0.13, 0.35)

    lead = np.zeros(track.n, dtype=np.float32)  # mono: the echo spreads it
    sung = plan.voice is not None and plan.syllables
    busy = {int(s[0] // bpb) for s in plan.syllables} if sung else set()
    for beat, beats, midi, vel in plan.melody:
        bar = int(beat // bpb)
        section = _section_at(plan, bar)[0]
        if sung and (section not in ("intro", "outro") or bar in busy):
            continue
        if section == "intro" and bar < plan.sections[0][2] // 2:
            continue
        at = frame_of(beat)
        wave = ins.note(
            style.lead, midi + 12 * (style.lead == "bell"), int((beats * spb + 0.08) * SR), bright
        )
        wave = wave[: max(0, track.n - at)]
        lead[at : at + len(wave)] += np.float32(0.3 * vel) * wave
    _echo(track, lead, int(spb * 0.75 * SR), (0.18, 0.08))
    if style.lofi:
        _smooth(track, 7)
        rng = rng_for("crackle", plan.seed)
        clicks = rng.integers(0, track.n, size=int(track.n / SR * 6))
        track.left[clicks] += rng.uniform(-0.15, 0.15, len(clicks)).astype(np.float32)
        track.right[clicks] += rng.uniform(-0.15, 0.15, len(clicks)).astype(np.float32)
    elif bright < 0.8:
        _smooth(track, 3)
