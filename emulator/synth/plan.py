"""Composition: a seed, a prompt and lyrics become a plan (tempo, key, sections, chords, notes).

A plan is cheap to make and fully decides the audio, so `duration()` needs only the plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from emulator.synth.words import Style, rng_for, stable_int, style_for

SAMPLE_RATE = 44100
TAIL_SECONDS = 2.0  # ring-out after the last bar

MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)
PROGRESSIONS = {
    "major": ((0, 4, 5, 3), (0, 5, 3, 4), (5, 3, 0, 4), (0, 3, 4, 3), (0, 2, 3, 4), (3, 0, 4, 5)),
    "minor": ((0, 5, 2, 6), (0, 3, 6, 2), (0, 6, 5, 6), (0, 3, 4, 0), (0, 5, 3, 4), (5, 6, 0, 0)),
}

# (beat, beats, midi, velocity)
Note = tuple[float, float, int, float]
# (beat, beats, midi, vowel, onset consonant class: "p" plosive, "f" fricative, "n" voiced, "")
Syllable = tuple[float, float, int, str, str]


@dataclass(frozen=True)
class Voice:
    """A singer: formant scale (vocal tract size), register and expression."""

    formant_shift: float
    register: int  # midi note at the middle of the range
    vibrato_rate: float
    vibrato_depth: float  # semitones
    breath: float
    brightness: float


@dataclass(frozen=True)
class Plan:
    seed: int
    style: Style
    bpm: float
    root: int  # pitch class of the key
    mode: str
    beats_per_bar: int
    sections: tuple[tuple[str, int, int], ...]  # (kind, first bar, bars)
    chords: tuple[tuple[int, ...], ...]  # per bar: bass root midi, then the voiced chord tones
    melody: tuple[Note, ...]  # the tune, played by the lead where nobody sings
    syllables: tuple[Syllable, ...]
    voice: Voice | None
    weirdness: float = 0.5

    @property
    def bars(self) -> int:
        return len(self.chords)

    @property
    def seconds_per_beat(self) -> float:
        return 60.0 / self.bpm

    @property
    def frames(self) -> int:
        beats = self.bars * self.beats_per_bar
        return round((beats * self.seconds_per_beat + TAIL_SECONDS) * SAMPLE_RATE)

    def bar_frames(self) -> float:
        return self.beats_per_bar * self.seconds_per_beat * SAMPLE_RATE


# ---- lyrics ---------------------------------------------------------------------------------

_TAG = re.compile(r"^\s*[\[(]\s*([a-zA-Z\- ]+?)\s*\d*\s*[\])]\s*$")
_VOWELS = "aeiouyàáâäèéêëìíîïòóôöùúûü"
_VOWEL_OF = {"a": "a", "e": "e", "i": "i", "y": "i", "o": "o", "u": "u"}


def parse_lyrics(text: str) -> list[tuple[str, list[str]]]:
    """Sections of sung lines: [(kind, lines)], kind from tags like [Verse] or [Chorus]."""
    sections: list[tuple[str, list[str]]] = []
    kind, lines, tagged = "", [], False
    untagged_count = 0

    def close() -> None:
        nonlocal lines, untagged_count
        if lines:
            name = kind
            if not name:
                name = ("verse", "chorus")[untagged_count % 2]
                untagged_count += 1
            sections.append((name, lines))
        lines = []

    for raw in text.splitlines():
        line = raw.strip()
        tag = _TAG.match(line)
        if tag:
            close()
            word = tag.group(1).lower()
            kind = next(
                (k for k in ("chorus", "bridge", "intro", "outro", "verse") if k in word), "verse"
            )
            if word.startswith("pre") or word == "hook":
                kind = "chorus" if word == "hook" else "verse"
            tagged = True
        elif not line:
            if not tagged:
                close()
        else:
            words = re.sub(r"\([^)]*\)", " ", line)
            if re.search(r"[A-Za-z0-9\u00c0-\uffff]", words):
                lines.append(words)
    close()
    return sections


def syllables_of(line: str) -> list[tuple[str, str]]:
    """(vowel, onset class) for each sung syllable of a line, by a vowel-group rule."""
    out: list[tuple[str, str]] = []
    for word in re.findall(r"[^\W\d_]+|\d+", line.lower()):
        if word.isdigit():
            out.extend(("e", "n") for _ in word)
            continue
        groups = list(re.finditer(f"[{_VOWELS}]+", word))
        if len(groups) > 1 and word.endswith("e") and groups[-1].group() == "e" and len(word) > 3:
            groups = groups[:-1]  # silent final e
        if not groups:
            out.append(("e", _onset(word[0])))
            continue
        prev = 0
        for g in groups:
            onset = word[prev : g.start()]
            vowel = _VOWEL_OF.get(_plain(g.group()[0]), "a")
            out.append((vowel, _onset(onset[-1:] if onset else "")))
            prev = g.end()
    return out


def _plain(ch: str) -> str:
    table = str.maketrans("àáâäèéêëìíîïòóôöùúûü", "aaaaeeeeiiiioooouuuu")
    return ch.translate(table)


def _onset(ch: str) -> str:
    if not ch:
        return ""
    if ch in "pbtdkgqc":
        return "p"
    if ch in "sfzvhxj":
        return "f"
    return "n"


# ---- harmony and melody ---------------------------------------------------------------------


def scale_of(mode: str) -> tuple[int, ...]:
    return MINOR if mode == "minor" else MAJOR


def chord_for(root: int, mode: str, degree: int, sevenths: bool) -> tuple[int, ...]:
    """Bass root (octave 2) then chord tones voiced between G3 and A4."""
    scale = scale_of(mode)
    steps = (0, 2, 4, 6) if sevenths else (0, 2, 4)
    pcs = [(root + scale[(degree + s) % 7]) % 12 for s in steps]
    if mode == "minor" and degree == 4:
        pcs[1] = (pcs[1] + 1) % 12  # raised leading tone: a major V in minor
    bass = 36 + pcs[0]
    tones = sorted(55 + (pc - 55) % 12 for pc in pcs)
    return (bass, *tones)


def _progression(rng: np.random.Generator, mode: str) -> tuple[int, ...]:
    options = PROGRESSIONS["minor" if mode == "minor" else "major"]
    return options[int(rng.integers(len(options)))]


def _degree_pitch(root: int, mode: str, degree: int, center: int) -> int:
    """Midi pitch of a scale degree index (any integer) around `center`."""
    scale = scale_of(mode)
    octave, step = divmod(degree, 7)
    return _base(root, center) + 12 * octave + scale[step]


def _base(root: int, center: int) -> int:
    """The key's root nearest to a few semitones under `center`: degree 0 of a phrase."""
    return root + 12 * round((center - 4 - root) / 12)


def _phrase(
    rng: np.random.Generator,
    onsets: list[float],
    lengths: list[float],
    chords_at: list[tuple[int, ...]],
    root: int,
    mode: str,
    center: int,
    lift: int,
    weirdness: float,
) -> list[int]:
    """Pitches for one phrase: a scale walk that lands on chord tones on strong beats."""
    scale = scale_of(mode)
    degree = lift + int(rng.integers(-1, 3))
    pitches = []
    for i, onset in enumerate(onsets):
        degree += int(rng.choice((-2, -1, -1, 0, 1, 1, 2)))
        degree = int(np.clip(degree, -3, 9))
        pitch = _degree_pitch(root, mode, degree, center)
        strong = abs(onset - round(onset)) < 1e-6 or i == len(onsets) - 1
        if strong:
            tones = chords_at[i][1:]
            best = min(
                range(-12, 13), key=lambda d: (min((pitch + d - t) % 12 for t in tones), abs(d))
            )
            pitch += best
        if weirdness > 0.6 and rng.random() < (weirdness - 0.6):
            pitch += int(rng.choice((-1, 1)))  # a blue note now and then
        while pitch > center + 9:  # keep the tune in a singable range
            pitch -= 12
        while pitch < center - 9:
            pitch += 12
        pitches.append(pitch)
        degree = _nearest_degree(pitch, root, scale, center)
    return pitches


def _nearest_degree(pitch: int, root: int, scale: tuple[int, ...], center: int) -> int:
    rel = pitch - _base(root, center)
    octave, pc = divmod(rel, 12)
    step = min(range(7), key=lambda s: abs(scale[s] - pc))
    return octave * 7 + step


def _rhythm(rng: np.random.Generator, count: int, slots: int) -> list[tuple[int, int]]:
    """(start slot, length in slots) for `count` notes spread over `slots` eighth-note slots."""
    count = max(1, min(count, slots - 1))
    usable = slots - 2 if count <= slots - 2 else slots - 1
    step = usable / count
    starts = []
    for i in range(count):
        pos = int(i * step + (rng.random() * 0.6 if step > 1.5 else 0))
        starts.append(max(pos, starts[-1] + 1 if starts else 0))
    starts = [min(s, slots - count + i) for i, s in enumerate(starts)]
    lengths = [
        b - a for a, b in zip(starts, [*starts[1:], min(slots, starts[-1] + 3)], strict=True)
    ]
    return list(zip(starts, lengths, strict=True))


# ---- the plan -------------------------------------------------------------------------------


def seed_of(recipe: dict) -> int:
    raw = recipe.get("seed")
    if isinstance(raw, bool) or raw is None or raw == "":
        return stable_int("seed", recipe.get("prompt", ""), recipe.get("lyrics", ""))
    if isinstance(raw, int):
        return raw
    text = str(raw).strip()
    return int(text) if text.isdigit() else stable_int("seed", text)


def voice_for(seed: int) -> Voice:
    rng = rng_for("voice", seed)
    female = rng.random() < 0.5
    return Voice(
        formant_shift=float(rng.uniform(1.08, 1.22) if female else rng.uniform(0.88, 1.0)),
        register=int(rng.integers(64, 70) if female else rng.integers(52, 58)),
        vibrato_rate=float(rng.uniform(4.8, 6.2)),
        vibrato_depth=float(rng.uniform(0.15, 0.45)),
        breath=float(rng.uniform(0.02, 0.08)),
        brightness=float(rng.uniform(0.7, 1.2)),
    )


def compose(
    seed: int,
    prompt: str = "",
    lyrics: str = "",
    sing: bool = True,
    weirdness: float = 0.5,
    target_seconds: float | None = None,
    bpm: float | None = None,
    root: int | None = None,
    mode: str | None = None,
    intro: bool = True,
    mv: str = "",
    min_seconds: float = 0.0,
    pulse: bool = False,
) -> Plan:
    """A new song; key and tempo may be imposed (extend, replace, a requested tempo with
    `pulse`: see `style_for`)."""
    rng = rng_for("compose", seed, prompt, lyrics)
    style = style_for(prompt, seed, pulse)
    if mv.endswith(("0.8", "1.0")):
        style = replace(style, brightness=style.brightness * 0.7)
    if bpm is None:
        lo, hi = style.bpm_range
        bpm = float(rng.integers(lo, hi + 1))
    if root is None:
        root = int(rng.integers(12))
    if mode is None:
        mode = style.mode or ("minor" if rng.random() < 0.45 else "major")
    bpb = style.beats_per_bar
    bar_seconds = bpb * 60.0 / bpm
    sung = parse_lyrics(lyrics) if (sing and lyrics.strip()) else []

    sections: list[tuple[str, int]] = []  # (kind, bars)
    lines_of: list[list[str]] = []
    if intro:
        sections.append(("intro", 4 if bar_seconds < 3 else 2))
        lines_of.append([])
    if sung:
        for kind, lines in sung:
            bars = sum(_line_bars(line, bpb) for line in lines)
            sections.append((kind if kind not in ("intro", "outro") else "verse", bars))
            lines_of.append(lines)
    else:
        if target_seconds is None:
            target_seconds = 30 + 170 * float(rng.beta(2.2, 2.0))
        body = max(4, round(target_seconds / bar_seconds) - sum(b for _, b in sections) - 4)
        cycle = ("verse", "chorus", "verse", "chorus", "bridge", "chorus", "chorus")
        i = 0
        while body > 0:
            bars = min(8, body)
            if bars < 4 and sections:
                break
            sections.append((cycle[i % len(cycle)], bars))
            lines_of.append([])
            body -= bars
            i += 1
    extra = 0
    while (sum(b for _, b in sections) + 4) * bar_seconds + TAIL_SECONDS < min_seconds:
        sections.append((("verse", "chorus")[extra % 2], 8))  # instrumental, to fill a span
        lines_of.append([])
        extra += 1
    sections.append(("outro", 4))
    lines_of.append([])

    progs = {k: _progression(rng, mode) for k in ("verse", "chorus", "bridge")}
    progs["intro"] = progs["verse"]
    progs["outro"] = (*progs["chorus"][:3], 0)
    chords: list[tuple[int, ...]] = []
    layout: list[tuple[str, int, int]] = []
    for kind, bars in sections:
        layout.append((kind, len(chords), bars))
        prog = progs[kind]
        for b in range(bars):
            degree = prog[b % len(prog)]
            if kind == "outro" and b == bars - 1:
                degree = 0
            chords.append(chord_for(root, mode, degree, style.sevenths))

    plan = Plan(
        seed=seed,
        style=style,
        bpm=bpm,
        root=root,
        mode=mode,
        beats_per_bar=bpb,
        sections=tuple(layout),
        chords=tuple(chords),
        melody=(),
        syllables=(),
        voice=None,
        weirdness=weirdness,
    )
    plan = replace(plan, melody=tuple(make_melody(plan, rng_for("melody", seed, prompt))))
    if sung:
        plan = replace(
            plan,
            voice=voice_for(seed),
            syllables=tuple(sing_lines(plan, lines_of, voice_for(seed).register)),
        )
    return plan


def _line_bars(line: str, bpb: int) -> int:
    count = len(syllables_of(line))
    per_bar = bpb * 2
    return 1 if count <= per_bar - 2 else 2 if count <= 2 * per_bar - 2 else 4


def make_melody(plan: Plan, rng: np.random.Generator) -> list[Note]:
    """An instrumental tune: a two-bar motif per section kind, varied as it repeats."""
    bpb = plan.beats_per_bar
    slots = 4 * bpb  # eighth notes in two bars
    energy = plan.style.energy
    motifs: dict[str, list[tuple[int, int]]] = {}
    notes: list[Note] = []
    center = 67
    for kind, first, bars in plan.sections:
        if kind not in motifs:
            count = int(np.clip(round(slots * (0.25 + 0.4 * energy)), 3, slots - 2))
            motifs[kind] = _rhythm(rng, count, slots)
        rhythm = motifs[kind]
        lift = {"chorus": 3, "bridge": 1}.get(kind, 0)
        phrase_rng = rng_for("phrase", plan.seed, kind)
        for start in range(first, first + bars - 1, 2):
            onsets = [s / 2 for s, _ in rhythm]
            lens = [n / 2 for _, n in rhythm]
            chords_at = [plan.chords[start + int(o // bpb)] for o in onsets]
            pitches = _phrase(
                phrase_rng,
                onsets,
                lens,
                chords_at,
                plan.root,
                plan.mode,
                center,
                lift,
                plan.weirdness,
            )
            base = start * bpb
            for o, n, p in zip(onsets, lens, pitches, strict=True):
                notes.append((base + o, n * 0.95, p, 0.7 + 0.3 * (o % 1 == 0)))
    return notes


def sing_lines(plan: Plan, lines_of: list[list[str]], register: int) -> list[Syllable]:
    """Syllables timed from the lyrics: each line over its bars on an eighth-note grid."""
    bpb = plan.beats_per_bar
    out: list[Syllable] = []
    for (kind, first, _bars), lines in zip(plan.sections, lines_of, strict=True):
        bar = first
        lift = {"chorus": 2, "bridge": 1}.get(kind, 0)
        for index, line in enumerate(lines):
            sylls = syllables_of(line)
            bars = _line_bars(line, bpb)
            slots = bars * bpb * 2
            rng = rng_for("line", plan.seed, kind, index, len(sylls))
            rhythm = _rhythm(rng, len(sylls), slots)
            sylls = sylls[: len(rhythm)]
            onsets = [s / 2 for s, _ in rhythm]
            lens = [n / 2 for _, n in rhythm]
            chords_at = [plan.chords[min(bar + int(o // bpb), plan.bars - 1)] for o in onsets]
            pitches = _phrase(
                rng,
                onsets,
                lens,
                chords_at,
                plan.root,
                plan.mode,
                register,
                lift,
                plan.weirdness,
            )
            base = bar * bpb
            for o, n, p, (vowel, onset) in zip(onsets, lens, pitches, sylls, strict=True):
                out.append((base + o, n * 0.92, p, vowel, onset))
            bar += bars
    return out


def fit_lines(plan: Plan, lyrics: str, seed: int, sing: bool = True) -> Plan:
    """The same backing with a new vocal line: the lyrics laid over the plan's sections."""
    if not sing:
        return replace(plan, syllables=(), voice=None)
    voice = voice_for(seed)
    lines = [ln for _, ls in parse_lyrics(lyrics) for ln in ls] or ["oh oh oh oh", "ah ah ah ah"]
    lines_of: list[list[str]] = []
    cursor = 0
    for kind, _first, bars in plan.sections:
        chosen: list[str] = []
        if kind not in ("intro", "outro"):
            used = 0
            while True:
                line = lines[cursor % len(lines)]
                need = _line_bars(line, plan.beats_per_bar)
                if used + need > bars:
                    if used == 0:  # a long line in a short section: sing its first words
                        words = line.split()
                        while (
                            len(words) > 1
                            and _line_bars(" ".join(words), plan.beats_per_bar) > bars
                        ):
                            words = words[: len(words) // 2]
                        if _line_bars(" ".join(words), plan.beats_per_bar) <= bars:
                            chosen.append(" ".join(words))
                            cursor += 1
                    break
                chosen.append(line)
                used += need
                cursor += 1
        lines_of.append(chosen)
    plan = replace(plan, seed=seed, voice=voice)
    return replace(plan, syllables=tuple(sing_lines(plan, lines_of, voice.register)))


def restyle(plan: Plan, prompt: str, seed: int, mv: str = "") -> Plan:
    """Same notes, tempo and length; instruments and singer from a new prompt and seed."""
    style = style_for(prompt, seed)
    if mv.endswith(("0.8", "1.0")):
        style = replace(style, brightness=style.brightness * 0.7)
    style = replace(style, beats_per_bar=plan.beats_per_bar)
    voice = voice_for(seed) if plan.voice is not None else None
    return replace(plan, seed=seed, style=style, voice=voice)
