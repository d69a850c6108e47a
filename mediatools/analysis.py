"""What a producer asks of a song: tempo, key, loudness, loudness range and true peak.

Loudness follows ITU-R BS.1770-4 / EBU R 128 through libebur128, the reference C
implementation, by its Python binding pyebur128 (MIT, 5 MB installed, no dependency):
integrated loudness (LUFS) and loudness range (LU, EBU Tech 3342) of the full signal in one
pass, 0.21 s of CPU for a 3-minute stereo song. Its true-peak mode costs 0.57 s more, so the
true peak is the Recommendation's own Annex 2 interpolator (4x oversampling, 48-tap
polyphase FIR) in numpy, 0.26 s. pyloudnorm (MIT) was measured too: 0.72 s for the
integrated loudness and 0.81 s for the loudness range of the same song, and no true peak;
with it comes scipy (140 MB).

Tempo and key are the standard algorithms over numpy's FFT on a mono copy at about 11 kHz:
onset strength by spectral flux, its autocorrelation weighted by a log-normal tempo prior
(the method of librosa's `tempo`), refined on the peak's multiples to a fraction of a BPM;
and a chroma vector matched against the Krumhansl-Schmuckler key profiles. librosa (ISC)
was measured for this and not taken: 420 MB installed with numba, llvmlite and
scikit-learn (41 s to install), 12 to 40 s of numba compilation on a fresh process's first
beat tracking (wall-clock, on this busy 2-core machine), and its tempo lies on a grid of
autocorrelation lags (129.2 for a 128 BPM click at its defaults). essentia is AGPL.

Only numpy is imported here; pyebur128 loads on the first measurement, so the emulator,
which imports mediatools, stays light.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

ANALYSIS_RATE = 11025  # tempo and key need nothing above 5.5 kHz
MIN_BPM, MAX_BPM = 60.0, 200.0
PRIOR_BPM, PRIOR_OCTAVES = 120.0, 1.0  # the tempo prior: log-normal, one octave wide
MIN_PULSE = 0.15  # how far a beat's autocorrelation peak must rise over the dip before it
MIN_ONSET = 1.0  # spectral flux (summed log-magnitude rises) of the strongest onset
MIN_KEY_FIT = 0.5  # correlation with the best key profile (noise: about 0.3; music: 0.6+)
PITCH_CLASSES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
# Krumhansl & Kessler (1982) probe-tone ratings, from the tonic up.
MAJOR_PROFILE = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
MINOR_PROFILE = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)
# ITU-R BS.1770-4 Annex 2: the 4x oversampling filter, one row of 12 taps per phase.
TRUE_PEAK_PHASES = np.array(
    [
        [0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000,
         -0.0594482421875, 0.1373291015625, 0.9721679687500, -0.1022949218750,
         0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500],
        [-0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250,
         -0.1665039062500, 0.4650878906250, 0.7797851562500, -0.2003173828125,
         0.1015625000000, -0.0582275390625, 0.0330810546875, -0.0189208984375],
        [-0.0189208984375, 0.0330810546875, -0.0582275390625, 0.1015625000000,
         -0.2003173828125, 0.7797851562500, 0.4650878906250, -0.1665039062500,
         0.0891113281250, -0.0517578125000, 0.0292968750000, -0.0291748046875],
        [-0.0083007812500, 0.0148925781250, -0.0266113281250, 0.0476074218750,
         -0.1022949218750, 0.9721679687500, 0.1373291015625, -0.0594482421875,
         0.0332031250000, -0.0196533203125, 0.0109863281250, 0.0017089843750],
    ],
    dtype=np.float32,
)  # fmt: skip
SILENCE_DB = -70.0  # BS.1770's absolute gate: quieter than this is no loudness at all
TRUE_PEAK_BLOCK = 1 << 16  # frames interpolated at a time: 256 KB, kept in cache (L2)
DECIMATE_BLOCK = 1 << 14  # output samples filtered at a time, for the same reason
CHUNK = 1 << 20  # frames per step where a whole song would need a large temporary


@dataclass(frozen=True)
class Analysis:
    """Figures of one song. Loudness figures are None for silence (below the -70 LUFS gate)."""

    seconds: float
    bpm: float | None  # None when no beat stands out (silence, noise)
    key: str | None  # "A minor", "Eb major"; None when there is no pitch
    lufs: float | None  # integrated loudness, LUFS
    lra: float | None  # loudness range, LU
    true_peak: float | None  # dBTP

    @property
    def tonic(self) -> str | None:
        return self.key.split()[0] if self.key else None

    @property
    def mode(self) -> str | None:
        return self.key.split()[1] if self.key else None


def _frames(samples: np.ndarray) -> np.ndarray:
    """Float32 (frames, channels), C order, from (n,) or (n, channels)."""
    x = np.asarray(samples, dtype=np.float32)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[1] < 1:
        raise ValueError("samples must be (frames,) or (frames, channels)")
    if not np.all(np.isfinite(x)):
        raise ValueError("samples must be finite")
    return np.ascontiguousarray(x)


def analyse(samples: np.ndarray, rate: int) -> Analysis:
    """Every figure of decoded audio: (frames,) or (frames, channels) floats in [-1, 1]."""
    if rate <= 0:
        raise ValueError("the sample rate must be positive")
    x = _frames(samples)
    lufs, lra = loudness(x, rate)
    mono, mono_rate = _downsampled_mono(x, rate)
    return Analysis(
        seconds=len(x) / rate,
        bpm=tempo(mono, mono_rate),
        key=key(mono, mono_rate),
        lufs=lufs,
        lra=lra,
        true_peak=true_peak(x),
    )


def analyse_file(data: bytes) -> Analysis:
    """Every figure of an audio file's bytes; a WAV keeps its rate and channels.

    Raises mediatools.DecodeError for what is not audio.
    """
    from mediatools.decoding import decode, read_wav

    wav = read_wav(data)
    samples, rate = wav if wav is not None else decode(data, channels=2, rate=44100)
    return analyse(samples, rate)


# --- Loudness ----------------------------------------------------------------------------


def loudness(samples: np.ndarray, rate: int) -> tuple[float | None, float | None]:
    """Integrated loudness (LUFS) and loudness range (LU) by libebur128.

    None for silence; a range of 0 when the song is shorter than one 3 s window.
    """
    import pyebur128

    if rate <= 0:
        raise ValueError("the sample rate must be positive")
    x = _frames(samples)
    if x.shape[1] > 5:
        raise ValueError("loudness is defined for up to 5 channels")
    mode = pyebur128.MeasurementMode
    state = pyebur128.R128State(x.shape[1], rate, mode.MODE_I | mode.MODE_LRA)
    for start in range(0, len(x), CHUNK):
        part = x[start : start + CHUNK]
        state.add_frames(part.ravel(), len(part))
    lufs = pyebur128.get_loudness_global(state)
    if not math.isfinite(lufs) or lufs < SILENCE_DB:
        return None, None
    return round(float(lufs), 2), round(float(pyebur128.get_loudness_range(state)), 2)


def true_peak(samples: np.ndarray) -> float | None:
    """The true peak in dBTP: the highest sample of a 4x oversampled copy (BS.1770-4 Annex 2).

    At least the sample peak; None for digital silence.
    """
    x = _frames(samples)
    if not len(x):
        return None
    taps = TRUE_PEAK_PHASES.shape[1]
    phases = [[float(c) for c in phase] for phase in TRUE_PEAK_PHASES]
    # An interpolated value is at most the largest of its 12 input samples times the sum of
    # the phase's absolute taps (2.02): blocks whose samples stay under the best peak found
    # divided by that cannot hold the true peak and are skipped, loudest blocks first.
    bound = float(np.abs(TRUE_PEAK_PHASES).sum(axis=1).max())
    top = 0.0
    for channel in x.T:
        channel = np.ascontiguousarray(channel)
        magnitude = np.abs(channel)
        top = max(top, float(magnitude.max()))
        starts = np.arange(0, len(channel), TRUE_PEAK_BLOCK)
        # A block's outputs read up to taps - 1 frames past its end.
        block_peaks = np.maximum.reduceat(magnitude, starts)
        block_peaks = np.maximum(block_peaks, np.roll(block_peaks, -1))
        y = np.empty(TRUE_PEAK_BLOCK, np.float32)
        term = np.empty(TRUE_PEAK_BLOCK, np.float32)
        for i in np.argsort(block_peaks)[::-1]:
            if block_peaks[i] * bound <= top:
                break  # every later block is quieter still
            part = channel[starts[i] : starts[i] + TRUE_PEAK_BLOCK + taps - 1]
            n = len(part) - taps + 1
            if n <= 0:
                continue
            for phase in phases:
                # Blocks of cache size keep the 12 multiply-adds out of main memory.
                np.multiply(part[:n], phase[0], out=y[:n])
                for j in range(1, taps):
                    np.multiply(part[j : j + n], phase[j], out=term[:n])
                    y[:n] += term[:n]
                top = max(top, float(y[:n].max()), -float(y[:n].min()))
    return round(20 * math.log10(top), 2) if top > 0 else None


def normalisation_gain(
    lufs: float | None, peak_dbtp: float | None, target: float = -14.0, ceiling: float = -1.0
) -> float:
    """The gain in dB that brings a song to `target` LUFS with its true peak at most `ceiling`.

    A linear gain moves loudness and true peak by the same dB, so when the target would push
    the peak over the ceiling the gain stops there and the song stays quieter than asked
    (no limiter alters the music). Silence gets 0.
    """
    if lufs is None or peak_dbtp is None:
        return 0.0
    return round(min(target - lufs, ceiling - peak_dbtp), 2)


def normalised(
    samples: np.ndarray, rate: int, target: float = -14.0, ceiling: float = -1.0
) -> tuple[np.ndarray, float]:
    """A copy at `target` LUFS (true peak <= `ceiling` dBTP), float32, and the gain in dB."""
    x = _frames(samples)
    lufs, _ = loudness(x, rate)
    gain = normalisation_gain(lufs, true_peak(x), target, ceiling)
    out = x * np.float32(10 ** (gain / 20))
    return (out[:, 0] if np.ndim(samples) == 1 else out), gain


# --- Tempo and key -----------------------------------------------------------------------


def _downsampled_mono(x: np.ndarray, rate: int) -> tuple[np.ndarray, int]:
    """The channels' mean, low-passed and decimated by an integer factor to about 11 kHz."""
    # Summed column by column: numpy reduces a 2-wide axis slowly.
    mono = x[:, 0].copy()
    for c in range(1, x.shape[1]):
        mono += x[:, c]
    mono *= np.float32(1 / x.shape[1])
    factor = max(1, rate // ANALYSIS_RATE)
    if factor == 1:
        return mono, rate
    # Windowed-sinc low-pass at 90 % of the new Nyquist, evaluated only at the kept samples,
    # a cache-sized block of outputs at a time.
    n_taps = 16 * factor
    t = np.arange(n_taps) - (n_taps - 1) / 2
    cutoff = 0.45 / factor
    h = 2 * cutoff * np.sinc(2 * cutoff * t) * np.hamming(n_taps)
    taps = [float(c) for c in h / h.sum()]
    count = len(mono) // factor
    half = n_taps // 2
    padded = np.zeros(count * factor + n_taps, np.float32)
    padded[half : half + count * factor] = mono[: count * factor]
    out = np.empty(count, np.float32)
    term = np.empty(DECIMATE_BLOCK, np.float32)
    for start in range(0, count, DECIMATE_BLOCK):
        n = min(DECIMATE_BLOCK, count - start)
        y, base = out[start : start + n], start * factor
        np.multiply(padded[base : base + n * factor : factor], taps[0], out=y)
        for j in range(1, n_taps):
            np.multiply(padded[base + j : base + j + n * factor : factor], taps[j], out=term[:n])
            y += term[:n]
    return out, rate // factor


def _spectra(x: np.ndarray, n_fft: int, hop: int) -> np.ndarray:
    """Magnitude STFT, (frames, n_fft // 2 + 1) float32, Hann window, in chunks of frames."""
    if len(x) < n_fft:
        x = np.concatenate([x, np.zeros(n_fft - len(x), np.float32)])
    frames = np.lib.stride_tricks.sliding_window_view(x, n_fft)[::hop]
    window = np.hanning(n_fft).astype(np.float32)
    out = np.empty((len(frames), n_fft // 2 + 1), np.float32)
    step = max(1, (1 << 22) // n_fft)
    for start in range(0, len(frames), step):
        out[start : start + step] = np.abs(np.fft.rfft(frames[start : start + step] * window))
    return out


def _parabolic(y: np.ndarray, i: int) -> float:
    """The position of the peak at i refined by a parabola through its neighbours."""
    if i <= 0 or i >= len(y) - 1:
        return float(i)
    a, b, c = y[i - 1], y[i], y[i + 1]
    denom = a - 2 * b + c
    return float(i) if denom >= 0 else i + 0.5 * (a - c) / denom


def tempo(mono: np.ndarray, rate: int) -> float | None:
    """Beats per minute of a mono signal, one decimal; None when nothing pulses."""
    hop, n_fft = max(1, rate // 86), 1024 if rate <= 16000 else 2048
    fps = rate / hop
    spectra = np.log1p(1000 * _spectra(np.asarray(mono, np.float32), n_fft, hop))
    flux = np.maximum(np.diff(spectra, axis=0), 0).sum(axis=1)
    if len(flux) < 4 or flux.max() < MIN_ONSET:
        return None  # nothing starts: silence, or as good as
    onset = flux - flux.mean()
    size = 1 << int(2 * len(onset) - 1).bit_length()
    spectrum = np.fft.rfft(onset, size)
    ac = np.fft.irfft(spectrum * np.conj(spectrum), size)[: len(onset)]
    if ac[0] <= 0:
        return None
    ac = ac / ac[0]
    lo, hi = math.floor(60 * fps / MAX_BPM), math.ceil(60 * fps / MIN_BPM)
    if hi + 2 >= len(ac):
        return None  # shorter than two beats at the slowest tempo
    lags = np.arange(lo, hi + 1)
    prior = np.exp(-0.5 * (np.log2(60 * fps / lags / PRIOR_BPM) / PRIOR_OCTAVES) ** 2)
    weighted = ac[lo : hi + 1] * prior
    # Candidates are the autocorrelation's own peaks that stand out of the dip before them.
    # Noise's autocorrelation wanders by about 1/sqrt(frames): a beat must rise well above.
    rise = max(MIN_PULSE, 4 / math.sqrt(len(onset)))
    peaks = [
        lag
        for lag in lags
        if ac[lag] > ac[lag - 1] and ac[lag] >= ac[lag + 1]
        and ac[lag] - ac[lag // 2 : lag].min() >= rise
    ]  # fmt: skip
    if not peaks:
        return None
    best = max(peaks, key=lambda lag: weighted[lag - lo])
    period = _parabolic(ac, best)
    # The k-th multiple of the period is k times sharper: refine on each that fits twice.
    for k in range(2, 17):
        guess = round(k * period)
        if guess + 3 >= len(ac) // 2:
            break
        window = ac[guess - 2 : guess + 3]
        if window.max() <= 0:
            break
        period = _parabolic(ac, guess - 2 + int(np.argmax(window))) / k
    return round(float(60 * fps / period), 1)


def chroma(mono: np.ndarray, rate: int) -> np.ndarray:
    """Energy per pitch class (C first), 12 values summing to 1 (zeros without pitch)."""
    n_fft = 4096 if rate <= 16000 else 8192
    spectra = _spectra(np.asarray(mono, np.float32), n_fft, n_fft // 2)
    freqs = np.fft.rfftfreq(n_fft, 1 / rate)
    band = (freqs >= 60) & (freqs <= 2000)  # the bass line up to the melody's harmonics
    midi = 69 + 12 * np.log2(freqs[band] / 440.0)
    classes = np.round(midi).astype(int) % 12
    # Magnitudes, not energies (one key right more of 16 synthesised songs); each frame
    # weighs the same (a loud chorus does not outvote a quiet verse), and only bins near a
    # semitone's centre count, so noise between notes is mostly left out.
    energy = spectra[:, band]
    energy /= energy.sum(axis=1, keepdims=True) + 1e-12
    near = np.abs(midi - np.round(midi)) < 0.3
    per_bin = energy.sum(axis=0) * near
    out = np.bincount(classes, weights=per_bin, minlength=12)
    total = out.sum()
    return out / total if total > 0 else out


def key(mono: np.ndarray, rate: int) -> str | None:
    """The key whose Krumhansl-Schmuckler profile best correlates with the chroma, or None."""
    c = chroma(mono, rate)
    if not np.any(c > 0) or np.ptp(c) < 1e-6:
        return None
    best, name = MIN_KEY_FIT, None  # below it the pitches fit no key (noise, a drum loop)
    for mode, profile in (("major", MAJOR_PROFILE), ("minor", MINOR_PROFILE)):
        for tonic in range(12):
            r = float(np.corrcoef(c, np.roll(profile, tonic))[0, 1])
            if r > best:
                best, name = r, f"{PITCH_CLASSES[tonic]} {mode}"
    return name
