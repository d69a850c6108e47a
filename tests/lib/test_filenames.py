"""File names from titles in any script, their ASCII fallback, the download header, and
names kept apart inside one archive."""

import io
import zipfile

import pytest

from studio.lib.filenames import MAX_BYTES, UniqueNames, ascii_name, content_disposition, file_name
from studio.lib.zipstream import stream_zip


@pytest.mark.parametrize(
    ("title", "ext", "expected"),
    [
        ("上海夜曲", ".mp3", "上海夜曲.mp3"),
        ("東京ラーメン", "mp3", "東京ラーメン.mp3"),
        ("서울에서", ".wav", "서울에서.wav"),
        ("Café del Mar", ".mp3", "Café del Mar.mp3"),
        ("AC/DC: Live?", ".mp3", "AC DC Live.mp3"),
        ('a<b>c"d|e*f\\g', "", "a b c d e f g"),
        ("  line\nbreak\t tab  ", ".mp3", "line break tab.mp3"),
        ("...", ".mp3", "untitled.mp3"),
        ("", ".mp3", "untitled.mp3"),
        (None, ".mp3", "untitled.mp3"),
        ("trailing dots..", ".mp3", "trailing dots.mp3"),
        ("con", ".mp3", "_con.mp3"),
        ("LPT1.take", ".mp3", "_LPT1.take.mp3"),
        ("e\u0301", "", "é"),  # composed, as file systems compare names
    ],
)
def test_file_name_keeps_the_title_less_what_file_systems_refuse(title, ext, expected):
    assert file_name(title, ext) == expected


def test_file_name_is_cut_to_whole_characters_within_the_byte_limit():
    name = file_name("夜" * 300, ".mp3")
    assert name.endswith("夜.mp3")
    assert len(name.encode()) <= MAX_BYTES
    assert file_name("", ".zip", fallback="project") == "project.zip"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sea Song.mp3", "Sea Song.mp3"),
        ("Café.mp3", "Cafe.mp3"),
        ("上海夜曲.mp3", "song.mp3"),
        ("上海 Nights.mp3", "Nights.mp3"),
        ("上海夜曲", "song"),
    ],
)
def test_ascii_name_keeps_what_ascii_can_say(name, expected):
    assert ascii_name(name, "song") == expected


def test_content_disposition_gives_the_utf8_name_after_the_ascii_one():
    assert content_disposition("Sea Song.mp3") == 'attachment; filename="Sea Song.mp3"'
    assert content_disposition("上海夜曲.mp3", "song") == (
        'attachment; filename="song.mp3"; '
        "filename*=UTF-8''%E4%B8%8A%E6%B5%B7%E5%A4%9C%E6%9B%B2.mp3"  # 上海夜曲.mp3
    )
    assert content_disposition("50% off; ok.mp3") == 'attachment; filename="50% off; ok.mp3"'
    assert content_disposition("Café.mp3", attachment=False) == (
        "inline; filename=\"Cafe.mp3\"; filename*=UTF-8''Caf%C3%A9.mp3"
    )


def test_unique_names_number_the_second_and_later_alike_names():
    names = UniqueNames()
    given = [
        names.add(n) for n in ["上海夜曲.mp3", "上海夜曲.mp3", "上海夜曲.MP3", "notes", "notes"]
    ]
    assert given == ["上海夜曲.mp3", "上海夜曲 (2).mp3", "上海夜曲 (3).MP3", "notes", "notes (2)"]
    assert names.add("上海夜曲 (2).mp3") == "上海夜曲 (2) (2).mp3"


def test_zip_entries_with_chinese_names_are_marked_utf8():
    data = b"".join(stream_zip([("上海夜曲.mp3", b"ID3"), ("plain.txt", io.BytesIO(b"x"))]))
    archive = zipfile.ZipFile(io.BytesIO(data))
    chinese, plain = archive.infolist()
    assert chinese.filename == "上海夜曲.mp3"
    assert chinese.flag_bits & 0x800
    assert plain.filename == "plain.txt"
    assert "上海夜曲.mp3".encode() in data  # the name itself, as UTF-8 bytes
