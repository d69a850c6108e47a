"""Search in Chinese, Japanese and Korean text: a word is found anywhere inside a title, a
prompt or lyrics (they are written without spaces), alone or with English words, by the
database's own search as by the plain filter, and ranked as any other."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from studio.db import search
from studio.models import Song
from tests.factories import make_song

LIBRARY = reverse("library:library")

SONGS = {
    "上海夜曲": dict(prompt="synthwave, 爵士鼓", lyrics="【主歌】\n夜色里的上海\n【副歌】\n灯火"),
    "江边": dict(prompt="lofi 钢琴", lyrics="[Verse]\n风吹过黄浦江的岸边\n[Chorus]\n我们一起走"),
    "Bund": dict(prompt="synth bass", lyrics="我在上海等你"),
    "Neon Nights": dict(prompt="synth, retro drums", lyrics="夜曲 in the city"),
    "東京ラーメン": dict(prompt="city pop", lyrics="ラーメンを食べたい"),
    "서울에서": dict(prompt="k-pop ballad", lyrics="서울에서 만나요"),
    "Quiet": dict(prompt="solo piano", lyrics="Moonlight over water"),
}
QUERIES = {
    "夜曲": {"上海夜曲", "Neon Nights"},
    "上海夜曲": {"上海夜曲"},
    "海夜": {"上海夜曲"},  # across what a reader calls two words: the text has no spaces
    "黄浦江": {"江边"},
    "浦江的岸": {"江边"},
    "风": {"江边"},  # one character, first in a run
    "海": {"上海夜曲", "Bund"},  # one character, last in a run ("上海" in the lyrics)
    "上海 synth": {"上海夜曲", "Bund"},
    "上海synth": {"上海夜曲", "Bund"},
    "黄浦江 lofi": {"江边"},
    "synth 夜曲": {"上海夜曲", "Neon Nights"},
    "夜曲 piano": set(),
    "钢琴": {"江边"},
    "ラーメン": {"東京ラーメン"},
    "メン": {"東京ラーメン"},
    "東京": {"東京ラーメン"},
    "서울": {"서울에서"},
    "에서": {"서울에서"},
    "江上": set(),  # both characters are there, never one after the other
    "夜上海": set(),
    "moon": {"Quiet"},
}


@pytest.fixture
def library(team) -> dict[str, Song]:
    return {
        title: make_song(team.workspace, team.owner, title=title, **fields)
        for title, fields in SONGS.items()
    }


def found(way, text: str) -> set[str]:
    return {song.title for song in way(Song.objects.all(), search.words(text))}


@pytest.mark.parametrize("text", QUERIES)
def test_a_cjk_word_is_found_inside_the_text(library, text):
    assert found(search.chosen(connection.alias), text) == QUERIES[text]


@pytest.mark.parametrize("text", QUERIES)
def test_the_plain_filter_finds_the_same(library, text):
    assert found(search.plain, text) == QUERIES[text]


def test_the_library_page_finds_a_chinese_word_inside_a_title(library, owner_client):
    page = owner_client.get(LIBRARY, {"q": "夜曲"}).content.decode()
    assert ">上海夜曲</a>" in page
    assert ">Neon Nights</a>" in page
    assert "江边" not in page
    page = owner_client.get(LIBRARY, {"q": "黄浦江"}).content.decode()
    assert ">江边</a>" in page
    assert "上海夜曲" not in page


def test_search_follows_edits_of_chinese_text(library):
    way = search.chosen(connection.alias)
    Song.objects.filter(pk=library["Quiet"].pk).update(lyrics="外滩的月光")
    assert found(way, "月光") == {"Quiet"}
    assert found(way, "moon") == set()
    song = library["江边"]
    song.title = "外滩"
    song.save()
    assert found(way, "外滩") == {"外滩", "Quiet"}


def test_best_match_ranks_a_chinese_title_over_lyrics(team, owner_client):
    in_lyrics = make_song(team.workspace, team.owner, title="Blue", lyrics="一首夜曲")
    titled = make_song(team.workspace, team.owner, title="上海夜曲", lyrics="")
    page = owner_client.get(LIBRARY, {"q": "夜曲", "sort": "best"}).content.decode()
    seen = re.findall(r'<article class="card" id="song-([0-9a-f-]+)"', page)
    assert set(seen) == {str(in_lyrics.pk), str(titled.pk)}
    if search.best_first(Song.objects.all(), "夜曲") is not None:
        assert seen[0] == str(titled.pk)


def test_terms_split_where_cjk_text_starts_and_ends():
    assert search.words("上海synth, 夜曲!") == ["上海", "synth", "夜曲"]
    assert search.grams("上海夜曲 synth") == " 上海 海夜 夜曲 曲  synth"
    assert search.grams("a夜b") == "a 夜 b"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own function")
def test_postgresql_makes_the_same_pairs_as_python(db):
    texts = ["上海夜曲 synth", "【主歌】\n夜色里的上海", "ラーメン、서울에서 𠀀x", "", "plain"]
    with connection.cursor() as cursor:
        for text in texts:
            cursor.execute("SELECT studio_search_grams(%s)", [text])
            assert cursor.fetchone()[0] == search.grams(text)
