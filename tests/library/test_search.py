"""Library search: the database's own full-text search finds what the plain filter finds,
words as prefixes, kept in step with every write."""

import html
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from studio.db import search
from studio.models import Song
from tests.factories import make_song

LIBRARY = reverse("library:library")

SONGS = {
    "Neon": dict(title="Neon Nights", prompt="synthwave, retro drums", lyrics=""),
    "Rain": dict(title="Rain", prompt="lofi beats", lyrics="[Verse]\nRain on the window pane"),
    "Ocean": dict(
        title="Ocean Drive", prompt="Synthpop with a saxophone", lyrics="drive all night"
    ),
    "Piano": dict(title="Quiet", prompt="solo piano, slow", lyrics="Moonlight over water"),
    "Empty": dict(title="", prompt="", lyrics=""),
}
QUERIES = [
    "synthw",
    "SYNTH",
    "night",
    "rain",
    "drive night",
    "moon water",
    "piano slow",
    "sax",
    "neon rain",
    "verse",
    "zzz",
    "retro, drums!",
]


@pytest.fixture
def library(team) -> dict[str, Song]:
    return {name: make_song(team.workspace, team.owner, **f) for name, f in SONGS.items()}


def found(way, text: str) -> set[str]:
    songs = Song.objects.all()
    return {s.title for s in way(songs, search.words(text))}


def test_the_database_search_is_not_the_plain_filter(db):
    expected = {"postgresql": search.postgresql, "sqlite": search.fts5}[connection.vendor]
    assert search.chosen(connection.alias) is expected


@pytest.mark.parametrize("text", QUERIES)
def test_database_search_and_plain_filter_find_the_same(library, text):
    assert found(search.chosen(connection.alias), text) == found(search.plain, text)


def test_words_are_prefixes_in_any_case_and_all_needed(library):
    way = search.chosen(connection.alias)
    assert found(way, "synthw") == {"Neon Nights"}
    assert found(way, "Synth") == {"Neon Nights", "Ocean Drive"}
    assert found(way, "drive night") == {"Ocean Drive"}
    assert found(way, "ynthwave") == set()  # a word's start, not any part of it
    assert search.matching(Song.objects.all(), "  ,;  ").count() == len(SONGS)


def test_search_follows_renames_edits_and_deletions(library):
    way = search.chosen(connection.alias)
    song = library["Rain"]
    song.title = "Storm"
    song.save()
    assert found(way, "storm") == {"Storm"}
    Song.objects.filter(pk=song.pk).update(lyrics="thunder rolls")
    assert found(way, "thunder") == {"Storm"}
    assert found(way, "window") == set()
    Song.objects.filter(pk=library["Neon"].pk).delete()
    assert found(way, "synthw") == set()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers")
def test_triggers_come_back_after_a_migrate(library):
    # What a later migration's table rebuild does to the songs table's triggers.
    with connection.cursor() as cursor:
        for name in search.FTS_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
        cursor.execute("DELETE FROM studio_song_fts")
    call_command("migrate", verbosity=0)
    way = search.chosen(connection.alias)
    assert found(way, "moonlight") == {"Quiet"}
    Song.objects.filter(pk=library["Piano"].pk).update(title="Nocturne")
    assert found(way, "nocturne") == {"Nocturne"}


def test_library_search_keeps_its_filters_and_hides_trash(library, team, owner_client):
    Song.objects.filter(pk=library["Ocean"].pk).update(deleted_at=timezone.now())
    html = owner_client.get(LIBRARY, {"q": "synth"}).content.decode()
    assert ">Neon Nights</a>" in html
    assert "Ocean Drive" not in html
    html = owner_client.get(LIBRARY, {"q": "synth", "fav": "1"}).content.decode()
    assert "No songs match" in html


def test_best_match_puts_title_hits_first_and_pages_through_ties(team, owner_client):
    lyric = make_song(team.workspace, team.owner, title="Blue", lyrics="a harbour in the rain")
    titled = make_song(team.workspace, team.owner, title="Harbour Lights", lyrics="")
    for n in range(30):  # equal matches: the cursor must still walk each once
        make_song(team.workspace, team.owner, title=f"Tie {n}", prompt="harbour sounds")
    seen, params = [], {"q": "harb", "sort": "best"}
    while True:
        page = owner_client.get(LIBRARY, params).content.decode()
        seen += re.findall(r'<article class="card" id="song-([0-9a-f-]+)"', page)
        following = re.search(r'<a href="\?([^"]*)" rel="next">', page)
        if not following:
            break
        params = QueryDict(html.unescape(following.group(1))).dict()
    assert len(seen) == len(set(seen)) == 32
    if search.best_first(Song.objects.all(), "harb") is not None:
        assert seen[0] == str(titled.pk)
        assert seen.index(str(titled.pk)) < seen.index(str(lyric.pk))


def test_best_match_ranks_only_the_newest_matches(team, owner_client, monkeypatch):
    monkeypatch.setattr(search, "RANK_WINDOW", 5)
    songs = [make_song(team.workspace, team.owner, title=f"Glow {n}") for n in range(8)]
    page = owner_client.get(LIBRARY, {"q": "glow", "sort": "best"}).content.decode()
    shown = set(re.findall(r'<article class="card" id="song-([0-9a-f-]+)"', page))
    if search.best_first(Song.objects.all(), "glow") is not None:
        assert shown == {str(s.pk) for s in songs[-5:]}
    else:
        assert len(shown) == 8


def test_best_match_window_holds_the_newest_matches_not_the_newest_songs(
    team, owner_client, monkeypatch
):
    monkeypatch.setattr(search, "RANK_WINDOW", 5)
    start = timezone.now() - timedelta(hours=1)
    matches = [
        make_song(team.workspace, team.owner, title=f"Glow {n}", created_at=start) for n in range(3)
    ]
    for n in range(6):  # newer songs that do not match
        make_song(team.workspace, team.owner, title=f"Dusk {n}", prompt="calm")
    page = owner_client.get(LIBRARY, {"q": "glow", "sort": "best"}).content.decode()
    shown = set(re.findall(r'<article class="card" id="song-([0-9a-f-]+)"', page))
    assert shown == {str(s.pk) for s in matches}


def test_postgresql_search_words_are_written_into_the_statement():
    # A prepared statement is planned without its parameters: the words must be in its text
    # for PostgreSQL to choose the index that suits them.
    songs = search.postgresql(Song.objects.all(), ["synthw", "love"])
    sql, params = songs.query.sql_with_params()
    assert "'''synthw'':* & ''love'':*'" in sql
    assert not any("synthw" in str(param) for param in params)
    rank = search.postgresql_rank(["it"])
    assert rank.params == []
    assert "'''it'':*'" in rank.sql
    assert search._tsquery(["a'b"]) == "'''a''b'':*'"  # a quote stays inside the literal


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
@pytest.mark.django_db(transaction=True)  # each request its own transaction, as in production
def test_a_search_is_planned_for_its_words(team, owner_client, monkeypatch):
    from studio.lib import keyset
    from studio.library import listing as library

    make_song(team.workspace, team.owner, title="Neon Nights")
    seen = []
    original = keyset.paginate

    def spy(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SHOW plan_cache_mode")
            seen.append(cursor.fetchone()[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(library, "paginate", spy)
    for query in ({"q": "neon"}, {"q": "neon", "sort": "best"}, {}):
        assert owner_client.get(reverse("library:library"), query).status_code == 200
    # A search never runs on a plan made for other words; the plain library keeps its own.
    assert seen == ["force_custom_plan", "force_custom_plan", "auto"]


def test_best_match_names_its_window_by_key_without_searching_again(library):
    # With the search again, PostgreSQL may AND the window's keys with every match of the
    # search index: a common word's whole posting list read to rank 200 songs.
    ranked = search.best_first(Song.objects.all(), "synth")
    if ranked is None:
        pytest.skip("the plain filter does not rank")
    window, _rank = ranked
    sql = str(window.query)
    assert "@@" not in sql
    assert "MATCH" not in sql
    assert {song.title for song in window} == {"Neon Nights", "Ocean Drive"}
