"""Encoders for the emulator's media: WAV, MP3, cover art, video (decoding is in mediatools)."""

from __future__ import annotations

import io
import struct
import subprocess
import tempfile
from pathlib import Path

import lameenc
import numpy as np
from PIL import Image, ImageDraw, ImageFont

import mediatools
from emulator.synth import STEM_NAMES, Audio
from emulator.synth.ops import recipe_seed
from emulator.synth.words import rng_for, style_for

MP3_BITRATE = 160  # kbps; with quality 7 lame runs at a few hundred times real time
MP3_QUALITY = 7
VIDEO_SIZE = 480
VIDEO_FPS = {"simple": 1, "player": 8, "modern": 10}


def _signal(audio: Audio, stem: str | None) -> np.ndarray:
    if stem is None:
        return audio.mix
    if stem not in audio.stems:
        raise KeyError(f"no stem {stem!r}; stems are {', '.join(STEM_NAMES)}")
    return audio.stems[stem]


def _pcm16(samples: np.ndarray) -> bytes:
    """Interleaved little-endian 16-bit PCM of float samples in [-1, 1]."""
    scaled = np.multiply(samples, 32767.0, dtype=np.float32)
    np.clip(scaled, -32768, 32767, out=scaled)
    return scaled.astype("<i2").tobytes()


def wav_bytes(audio: Audio, stem: str | None = None) -> bytes:
    """16-bit PCM stereo WAV of the mix, or of one stem."""
    data = _pcm16(_signal(audio, stem))
    rate = audio.sample_rate
    fmt = struct.pack("<IHHIIHH", 16, 1, 2, rate, rate * 4, 4, 16)
    size = struct.pack("<I", 36 + len(data))
    return b"".join(
        (b"RIFF", size, b"WAVE", b"fmt ", fmt, b"data", struct.pack("<I", len(data)), data)
    )


def mp3_bytes(audio: Audio, stem: str | None = None) -> bytes:
    """MP3 (lameenc, constant bit rate) of the mix, or of one stem."""
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(MP3_BITRATE)
    encoder.set_in_sample_rate(audio.sample_rate)
    encoder.set_channels(2)
    encoder.set_quality(MP3_QUALITY)
    return bytes(encoder.encode(_pcm16(_signal(audio, stem)))) + bytes(encoder.flush())


# ---- cover art ------------------------------------------------------------------------------

PALETTES = {
    "minor": ((18, 24, 58), (74, 44, 122), (40, 110, 160), (190, 200, 235)),
    "major": ((255, 170, 80), (240, 90, 110), (250, 220, 120), (255, 245, 225)),
    "calm": ((20, 60, 70), (60, 150, 140), (160, 210, 190), (235, 245, 240)),
    "loud": ((25, 10, 15), (200, 30, 50), (250, 120, 30), (250, 235, 210)),
}


def _cover_inputs(recipe: dict) -> tuple[int, str, str]:
    """Seed, prompt and title for a recipe, looking through its parents."""
    seed = recipe_seed(recipe)
    prompt = title = ""
    node: object = recipe
    while isinstance(node, dict):
        prompt = prompt or str(node.get("prompt") or "")
        title = title or str(node.get("title") or "")
        node = node.get("parent")
    return seed, prompt, title


def cover_png(recipe: dict, size: int = 512) -> bytes:
    """Deterministic square cover art: colours and shapes from the seed and the prompt's mood."""
    seed, prompt, _title = _cover_inputs(recipe)
    style = style_for(prompt, seed)
    rng = rng_for("cover", seed, prompt)
    if style.energy >= 0.8:
        mood = "loud"
    elif style.energy <= 0.3:
        mood = "calm"
    else:
        mood = style.mode or ("minor" if seed % 2 else "major")
    palette = np.array(PALETTES[mood], dtype=np.float32)
    palette = np.clip(palette + rng.uniform(-25, 25, palette.shape), 0, 255)

    # Background: a diagonal gradient between the first two colours.
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / max(size - 1, 1)
    angle = rng.uniform(0, np.pi)
    t = np.clip((np.cos(angle) * xx + np.sin(angle) * yy + 0.2) / 1.6, 0, 1)[..., None]
    background = palette[0] * (1 - t) + palette[1] * t
    image = Image.fromarray(background.astype(np.uint8), "RGB")

    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    shapes = int(rng.integers(5, 12))
    for i in range(shapes):
        colour = (*(int(c) for c in palette[2 + i % 2]), int(rng.integers(50, 150)))
        cx, cy = rng.uniform(0, size, 2)
        r = rng.uniform(0.05, 0.35) * size
        box = (cx - r, cy - r, cx + r, cy + r)
        kind = ("disc", "ring", "wave")[int(rng.integers(3))] if style.energy > 0.3 else "ring"
        if kind == "disc":
            draw.ellipse(box, fill=colour)
        elif kind == "ring":
            draw.ellipse(box, outline=colour, width=max(2, size // 60))
        else:
            xs = np.linspace(0, size, 40)
            amp, freq = rng.uniform(0.02, 0.08) * size, rng.uniform(1, 4)
            pts = [(float(x), float(cy + amp * np.sin(freq * x / size * 2 * np.pi))) for x in xs]
            draw.line(pts, fill=colour, width=max(2, size // 80))
    image = Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")
    buf = io.BytesIO()
    image.save(buf, "PNG", optimize=False)
    return buf.getvalue()


# ---- video ----------------------------------------------------------------------------------


def _video_frame(cover: bytes, title: str) -> Image.Image:
    image = Image.open(io.BytesIO(cover)).convert("RGB").resize((VIDEO_SIZE, VIDEO_SIZE))
    if title:
        draw = ImageDraw.Draw(image, "RGBA")
        draw.rectangle((0, 0, VIDEO_SIZE, 44), fill=(0, 0, 0, 130))
        font = ImageFont.load_default(size=24)
        draw.text((14, 9), title[:40], fill=(255, 255, 255), font=font)
    return image


def video_mp4(audio: Audio, cover: bytes, preset: str = "simple", title: str = "") -> bytes:
    """Playable MP4 (H.264 + AAC, yuv420p, faststart) of the cover and the mix.

    Presets: "simple" (still cover), "player" (cover + progress bar), "modern" (cover + an
    animated waveform).
    """
    if preset not in VIDEO_FPS:
        raise ValueError(f"unknown video preset {preset!r}")
    fps = VIDEO_FPS[preset]
    seconds = max(audio.seconds, 0.1)
    with tempfile.TemporaryDirectory(prefix="video-") as tmp:
        folder = Path(tmp)
        _video_frame(cover, title).save(folder / "cover.png")
        (folder / "audio.wav").write_bytes(wav_bytes(audio))
        if preset == "simple":
            graph = "[0:v]format=yuv420p[v]"
        elif preset == "player":
            graph = (
                f"color=c=white:s={VIDEO_SIZE}x8:r={fps}[bar];"
                f"[0:v]drawbox=x=0:y={VIDEO_SIZE - 8}:w={VIDEO_SIZE}:h=8:"
                "color=black@0.5:t=fill[bg];"
                f"[bg][bar]overlay=x='-w+w*t/{seconds:.3f}':y={VIDEO_SIZE - 8}:shortest=1,"
                "format=yuv420p[v]"
            )
        else:
            graph = (
                f"[1:a]showwaves=s={VIDEO_SIZE}x140:mode=cline:rate={fps}:colors=white,format=rgba[w];"
                f"[0:v][w]overlay=x=0:y={VIDEO_SIZE - 160}:shortest=1,format=yuv420p[v]"
            )
        command = [
            mediatools.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
            "-loop", "1", "-framerate", str(fps), "-i", str(folder / "cover.png"),
            "-i", str(folder / "audio.wav"),
            "-filter_complex", graph, "-map", "[v]", "-map", "1:a",
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage", "-r", str(fps),
            "-crf", "30", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-aac_coder", "fast", "-b:a", "128k",
            "-t", f"{seconds:.3f}", "-movflags", "+faststart", str(folder / "out.mp4"),
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, timeout=600, check=False)  # noqa: S603
        if done.returncode != 0:
            raise RuntimeError(f"ffmpeg failed: {done.stderr.decode(errors='replace')[-500:]}")
        return (folder / "out.mp4").read_bytes()
