"""Tempo, key and loudness where people choose: cards, the song page, A/B, filters, sorts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from studio.library import figures
from studio.models import Song
from tests.factories import make_song

LIBRARY = reverse("library:library")


def measured(team, title, bpm, key, lufs, true_peak=-1.5, **fields):
    return make_song(
        team.workspace,
        team.owner,
        title=title,
        bpm=bpm,
        key=key,
        lufs=lufs,
        lra=5.2,
        true_peak=true_peak,
        analysed_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def three(team):
    return (
        measured(team, "Slow one", 82.4, "A minor", -22.0),
        measured(team, "Mid one", 120.0, "C major", -16.5),
        measured(team, "Fast one", 174.0, "A minor", -8.1, true_peak=0.3),
    )


def titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="[^"]+" title="([^"]+)"', html)


def test_cards_show_tempo_and_key(owner_client, three):
    html = owner_client.get(LIBRARY).content.decode()
    assert '<span class="figures">82 BPM · A minor</span>' in html
    assert '<span class="figures">174 BPM · A minor</span>' in html
    assert '<span class="figures">120 BPM · C major</span>' in html


def test_an_unmeasured_card_shows_no_figures(team, owner_client):
    make_song(team.workspace, team.owner, title="Plain")
    html = owner_client.get(LIBRARY).content.decode()
    assert 'class="figures"' not in html
    assert "data-gain" not in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"bpm_min": "100"}, {"Mid one", "Fast one"}),
        ({"bpm_max": "130"}, {"Slow one", "Mid one"}),
        ({"bpm_min": "100", "bpm_max": "130"}, {"Mid one"}),
        ({"key": "A minor"}, {"Slow one", "Fast one"}),
        ({"loudness": "quiet"}, {"Slow one"}),
        ({"loudness": "moderate"}, {"Mid one"}),
        ({"loudness": "very-loud"}, {"Fast one"}),
        ({"key": "C major", "loudness": "quiet"}, set()),
        # What is not a value is ignored, as the library's other filters ignore it.
        ({"bpm_min": "-5", "key": "H minor", "loudness": "deafening"}, None),
        ({"bpm_max": "99999999999999999999"}, None),
    ],
)
def test_figure_filters(team, owner_client, three, params, expected):
    make_song(team.workspace, team.owner, title="Unmeasured")
    response = owner_client.get(LIBRARY, params)
    assert response.status_code == 200
    found = set(titles(response.content.decode()))
    if expected is None:
        expected = {"Slow one", "Mid one", "Fast one", "Unmeasured"}
    assert found == expected


def test_sorts_by_tempo_and_loudness_put_unmeasured_songs_last(team, owner_client, three):
    make_song(team.workspace, team.owner, title="Unmeasured")
    fast = titles(owner_client.get(LIBRARY, {"sort": "fast"}).content.decode())
    assert fast == ["Fast one", "Mid one", "Slow one", "Unmeasured"]
    loud = titles(owner_client.get(LIBRARY, {"sort": "loud"}).content.decode())
    assert loud == ["Fast one", "Mid one", "Slow one", "Unmeasured"]


def test_sorted_by_tempo_pages_by_cursor(team, owner_client, settings, monkeypatch):
    from studio.library import listing as library

    monkeypatch.setattr(library, "PAGE_SIZE", 2)
    for i in range(5):
        measured(team, f"T{i}", 100 + i, "C major", -14.0)
    first = owner_client.get(LIBRARY, {"sort": "fast"}).content.decode()
    assert titles(first) == ["T4", "T3"]
    after = re.search(r'href="\?[^"]*after=([^"&]+)', first).group(1)
    second = owner_client.get(LIBRARY, {"sort": "fast", "after": after}).content.decode()
    assert titles(second) == ["T2", "T1"]


def test_figure_filters_keep_the_library_at_constant_queries(team, owner_client):
    def count(params) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(LIBRARY, params).status_code == 200
        return len(queries)

    params = {"bpm_min": "60", "sort": "loud", "loudness": "moderate"}
    measured(team, "One", 100.0, "C major", -16.0)
    small = count(params)
    for i in range(30):
        measured(team, f"More {i}", 90.0 + i, "A minor", -15.0 - i / 10)
    assert count(params) == small


def test_song_page_shows_every_figure_and_what_they_mean(owner_client, three):
    slow = three[0]
    html = owner_client.get(reverse("library:song", args=[slow.pk])).content.decode()
    for text in ("82.4 BPM", "A minor", "-22.0 LUFS", "5.2 LU", "-1.5 dBTP"):
        assert text in html, text
    assert "LUFS measure how loud a song sounds" in html
    assert "The true peak is the highest level" in html
    # -14 - (-22) = +8 dB would put the peak at +6.5 dBTP: the ceiling of -1 allows +0.5.
    assert "turns this song up by 0.5 dB" in html
    assert 'data-gain="0.5"' in html


def test_song_page_says_how_much_a_loud_song_is_turned_down(owner_client, three):
    loud = three[2]
    html = owner_client.get(reverse("library:song", args=[loud.pk])).content.decode()
    # -14 - (-8.1) = -5.9 dB; the peak needs only -1.3 dB: turned down by 5.9 dB.
    assert "turns this song down by 5.9 dB" in html


def test_unmeasured_song_page_says_so(team, owner_client):
    song = make_song(team.workspace, team.owner)
    html = owner_client.get(reverse("library:song", args=[song.pk])).content.decode()
    assert "Not measured yet." in html
    assert "data-gain" not in html


def test_ab_compare_shows_both_songs_figures(team, owner_client):
    parent = measured(team, "Parent", 96.0, "D minor", -12.0)
    child = measured(team, "Child", 128.0, "F major", -18.3, parent=parent)
    html = owner_client.get(reverse("library:song", args=[child.pk])).content.decode()
    table = html[html.index('<table class="ab-figures figures">') : html.index("</table>")]
    assert re.search(r"Tempo</th><td>128.0 BPM</td><td>96.0 BPM</td>", table)
    assert re.search(r"Key</th><td>F major</td><td>D minor</td>", table)
    assert re.search(r"Loudness</th><td>-18.3 LUFS</td><td>-12.0 LUFS</td>", table)
    # A: +4.3 dB to -14 LUFS, capped at +0.5 by its -1.5 dBTP peak; B: -2 dB.
    assert re.search(r'id="ab-a"[^>]* data-gain="0.5"', html)
    assert re.search(r'id="ab-b"[^>]* data-gain="-2"', html)


def test_playback_gain_follows_the_library():
    song = Song(lufs=-20.0, true_peak=-10.0)
    assert figures.playback_gain(song) == 6.0
    assert figures.playback_gain(Song(lufs=-6.0, true_peak=0.5)) == -8.0
    assert figures.playback_gain(Song()) is None
