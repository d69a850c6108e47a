"""The emulator in Chinese: its lyricist writes Chinese lyrics under section markers for a
Chinese prompt, and songs keep Chinese titles through every action that carries them."""

from __future__ import annotations

import re

from emulator import lyrics

from .helpers import clip, run, song

HAN = re.compile(r"[\u4e00-\u9fff]")
MARKERS = ("[Verse 1]", "[Chorus]", "[Verse 2]", "[Bridge]")


def sung_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith("[")]


def test_the_lyrics_action_writes_chinese_for_a_chinese_prompt(emulator):
    result = run(emulator, "lyrics", {"prompt": "一首关于上海夜晚的爵士歌曲"})
    data = result["data"]
    assert all(marker in data["lyrics"] for marker in MARKERS)
    lines = sung_lines(data["lyrics"])
    assert len(lines) >= 16
    assert all(HAN.search(line) for line in lines)
    assert not re.search(r"[A-Za-z]", "".join(lines))  # no English line slipped in
    assert HAN.search(data["title"])
    assert data["musics"][0]["lyrics"] == data["lyrics"]
    again = run(emulator, "lyrics", {"prompt": "一首关于上海夜晚的爵士歌曲"})["data"]
    assert again["lyrics"] == data["lyrics"]
    assert again["title"] == data["title"]


def test_a_chinese_prompt_is_sung_on_its_theme():
    _title, words = lyrics.write("下雪的冬天，想家")  # noqa: RUF001 (a Chinese comma)
    assert re.search("雪|冬|寒冷|炉火|湖面", words)
    assert lyrics.theme_of("上海的霓虹") == "city"  # 上海 is a city, whatever 海 says
    assert lyrics.write("a song about the ocean")[1].startswith("[Verse 1]\n")
    assert not HAN.search(lyrics.write("a song about the ocean")[1])
    assert not lyrics.is_chinese("東京のラーメン")  # Japanese: kana among the Han


def test_a_song_for_a_chinese_prompt_gets_chinese_lyrics_and_title(emulator):
    music = song(emulator, sound_prompt="华语流行，钢琴，关于离别")  # noqa: RUF001
    assert "[Chorus]" in music["lyrics"]
    assert HAN.search(music["lyrics"])
    assert HAN.search(music["title"])


def test_chinese_titles_are_kept_by_songs_stems_and_clips(emulator):
    parent = song(emulator, title="上海夜曲", sound_prompt="爵士")
    assert parent["title"] == "上海夜曲"
    extended = run(emulator, "extend", {"music_id": parent["musicId"], "sound_prompt": "更多"})
    assert extended["data"]["musics"][0]["title"] == "上海夜曲"
    stems = run(emulator, "stems", {"music_id": parent["musicId"]})["data"]["musics"]
    assert stems[0]["title"] == "上海夜曲 (Vocals)"
    assert clip(emulator, title="黄浦江", sound_prompt="city pop")["title"] == "黄浦江"


def test_titles_made_from_chinese_words_stay_chinese_and_short():
    assert lyrics.title_for("上海的夜晚，爵士鼓与萨克斯风的慢歌") == "上海的夜晚"  # noqa: RUF001
    assert lyrics.title_for("", "【主歌】\n夜色里的上海\n") == "夜色里的上海"
    assert lyrics.title_for("", "[Verse]\n" + "夜" * 40) == "夜" * 16
    assert lyrics.title_for("calm piano ballad") == "Calm Piano Ballad"
