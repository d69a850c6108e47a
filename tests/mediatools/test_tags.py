"""Tags written on copies by mutagen (and the INFO chunk by hand), read back by others:
ffmpeg's metadata export and cover extraction, and a RIFF walk with the standard library."""

from __future__ import annotations

import io
import struct
import subprocess
import wave

import lameenc
import numpy as np
import pytest
from PIL import Image

import mediatools
from mediatools import tags

RATE = 44100
TITLE = "夜空中最亮的星"  # Chinese: UTF-8 all the way through


def pcm16(seconds: float = 1.0) -> bytes:
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2").tobytes()


def wav_file() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm16())
    return buffer.getvalue()


def mp3_file() -> bytes:
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(128)
    encoder.set_in_sample_rate(RATE)
    encoder.set_channels(1)
    encoder.set_quality(7)
    return bytes(encoder.encode(pcm16()) + encoder.flush())


def cover_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 90)).save(buffer, "PNG")
    return buffer.getvalue()


SONG = tags.Tags(
    title=TITLE,
    artist="Northern Lights Studio",
    album="Night Drive",
    track=3,
    track_count=12,
    cover=cover_png(),
    lyrics="第一行\nsecond line",
    bpm=127.6,
    key="A minor",
    song_id="01J9ZQ3V8K2M4N6P",
    comment="Made with care",
)


def ffmetadata(data: bytes, suffix: str, tmp_path) -> dict[str, str]:
    """ffmpeg's reading of a file's tags, as key -> value (continuation lines joined)."""
    path = tmp_path / f"song.{suffix}"
    path.write_bytes(data)
    done = subprocess.run(
        [mediatools.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(path),
         "-f", "ffmetadata", "-"],
        capture_output=True, timeout=60, check=True,
    )  # fmt: skip
    text = done.stdout.decode("utf-8").replace("\\\n", "\n")
    found: dict[str, str] = {}
    last = None
    for line in text.splitlines()[1:]:
        if "=" in line and not line.startswith(" "):
            last, _, value = line.partition("=")
            found.setdefault(last, value)
        elif last is not None:
            found[last] += "\n" + line
    return found


def ffmpeg_cover(data: bytes, suffix: str, tmp_path) -> bytes:
    path = tmp_path / f"cover-source.{suffix}"
    path.write_bytes(data)
    done = subprocess.run(
        [mediatools.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(path),
         "-map", "0:v", "-c", "copy", "-f", "image2pipe", "-"],
        capture_output=True, timeout=60, check=True,
    )  # fmt: skip
    return done.stdout


def riff_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:4] == b"RIFF"
    assert data[8:12] == b"WAVE"
    assert struct.unpack("<I", data[4:8])[0] == len(data) - 8
    chunks, pos = [], 12
    while pos < len(data):
        cid, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        chunks.append((cid, data[pos + 8 : pos + 8 + size]))
        pos += 8 + size + (size & 1)
    assert pos == len(data)
    return chunks


def riff_info(data: bytes) -> dict[str, str]:
    lists = [body for cid, body in riff_chunks(data) if cid == b"LIST" and body[:4] == b"INFO"]
    assert len(lists) == 1
    body, pos, found = lists[0], 4, {}
    while pos < len(body):
        cid, size = body[pos : pos + 4], struct.unpack("<I", body[pos + 4 : pos + 8])[0]
        found[cid.decode()] = body[pos + 8 : pos + 8 + size].rstrip(b"\0").decode("utf-8")
        pos += 8 + size + (size & 1)
    return found


def test_mp3_copy_carries_id3v24_read_back_by_ffmpeg(tmp_path):
    original = mp3_file()
    kept = bytes(original)
    tagged = tags.tag_mp3(original, SONG)
    assert original == kept  # the input is never altered
    assert tagged[:3] == b"ID3"
    assert tagged[3] == 4
    meta = ffmetadata(tagged, "mp3", tmp_path)
    assert meta["title"] == TITLE
    assert meta["artist"] == "Northern Lights Studio"
    assert meta["album"] == "Night Drive"
    assert meta["track"] == "3/12"
    assert meta["TBPM"] == "128"
    assert meta["TKEY"] == "Am"
    assert meta[tags.SONG_ID_FRAME] == "01J9ZQ3V8K2M4N6P"
    assert meta["lyrics-XXX"] == "第一行\nsecond line"
    assert meta["comment"] == "Made with care"
    assert ffmpeg_cover(tagged, "mp3", tmp_path) == SONG.cover
    # The audio is untouched: the same samples decode from both.
    before = mediatools.decode(original, channels=1, rate=RATE)[0]
    after = mediatools.decode(tagged, channels=1, rate=RATE)[0]
    assert np.array_equal(before, after)


def test_wav_copy_carries_riff_info_and_an_id3_chunk(tmp_path):
    original = wav_file()
    tagged = tags.tag_wav(original, SONG)
    info = riff_info(tagged)
    assert info == {
        "INAM": TITLE,
        "IART": "Northern Lights Studio",
        "IPRD": "Night Drive",
        "ITRK": "3",
        "ICMT": "Made with care",
        "ISFT": "Producer Studio",
    }
    ids = [cid for cid, _ in riff_chunks(tagged)]
    assert ids.index(b"LIST") < ids.index(b"data")
    assert b"id3 " in ids
    meta = ffmetadata(tagged, "wav", tmp_path)
    assert meta["title"] == TITLE
    assert meta["TKEY"] == "Am"
    assert meta["TBPM"] == "128"
    assert meta[tags.SONG_ID_FRAME] == "01J9ZQ3V8K2M4N6P"
    assert meta["lyrics-XXX"] == "第一行\nsecond line"
    assert ffmpeg_cover(tagged, "wav", tmp_path) == SONG.cover
    samples, rate = mediatools.read_wav(tagged)
    assert rate == RATE
    assert np.array_equal(samples, mediatools.read_wav(original)[0])


def test_tagging_again_replaces_the_old_tags():
    first = tags.tagged(wav_file(), SONG)
    second = tags.tagged(first, tags.Tags(title="Second", song_id="other"))
    assert riff_info(second) == {"INAM": "Second", "ISFT": "Producer Studio"}
    assert [cid for cid, _ in riff_chunks(second)].count(b"id3 ") == 1
    mp3 = tags.tagged(tags.tagged(mp3_file(), SONG), tags.Tags(title="Second"))
    assert TITLE.encode() not in mp3
    assert b"Second" in mp3


def test_a_file_is_tagged_into_a_new_file_never_over_the_original(tmp_path):
    source = tmp_path / "song.wav"
    source.write_bytes(wav_file())
    kept = source.read_bytes()
    tags.tag_file(source, tmp_path / "delivered.wav", SONG)
    assert source.read_bytes() == kept
    assert riff_info((tmp_path / "delivered.wav").read_bytes())["INAM"] == TITLE
    with pytest.raises(tags.TagError, match="original"):
        tags.tag_file(source, source, SONG)
    assert source.read_bytes() == kept


def test_what_cannot_be_tagged_is_refused_clearly():
    with pytest.raises(tags.TagError, match="not an MP3"):
        tags.tag_mp3(b"plain text, not audio" * 50, SONG)
    with pytest.raises(tags.TagError, match="not a WAV"):
        tags.tag_wav(b"RIFF\x04\x00\x00\x00WAVE", SONG)
    with pytest.raises(tags.TagError, match="JPEG or PNG"):
        tags.tag_wav(wav_file(), tags.Tags(title="x", cover=b"GIF89a..."))


@pytest.mark.parametrize(
    ("key", "code"),
    [("A minor", "Am"), ("Eb major", "Eb"), ("F# minor", "F#m"), ("", ""), ("H dur", "")],
)
def test_key_in_id3_notation(key, code):
    assert tags.key_code(key) == code
