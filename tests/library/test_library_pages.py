"""The library's pages by cursor: every sort walks each song once, both ways, pages do not
shift when songs are added, and a mangled cursor is a 400 with a message."""

import base64
import html
import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from studio.library.listing import PAGE_SIZE, SORTS
from studio.models import Song
from tests.factories import make_song

LIBRARY = reverse("library:library")
CARD = re.compile(r'<article class="card" id="song-([0-9a-f-]+)"')


def cards(page: str) -> list[str]:
    return CARD.findall(page)


def link(page: str, rel: str) -> dict | None:
    found = re.search(rf'<a href="\?([^"]*)" rel="{rel}">', page)
    return QueryDict(html.unescape(found.group(1))).dict() if found else None


@pytest.fixture
def catalogue(team) -> list[Song]:
    """Sixty songs with ties in every sort key: shared times, titles and lengths, and
    songs of unknown length."""
    base = timezone.now() - timedelta(days=1)
    songs = []
    for n in range(60):
        songs.append(
            make_song(
                team.workspace,
                team.owner,
                title=f"Track {n % 7}",
                duration=None if n % 5 == 0 else float(60 + n % 4),
                created_at=base + timedelta(minutes=n // 3),
            )
        )
    return songs


def walk(client, query: dict, rel: str, start: dict | None = None) -> list[list[str]]:
    pages, params = [], dict(query, **(start or {}))
    while True:
        response = client.get(LIBRARY, params)
        assert response.status_code == 200
        page = response.content.decode()
        pages.append(cards(page))
        following = link(page, rel)
        if following is None:
            return pages
        assert len(pages) < 10
        params = following


def expected(songs: list[Song], sort: str) -> list[str]:
    order, _, _ = SORTS[sort]
    rows = order.apply(Song.objects.filter(pk__in=[s.pk for s in songs])).order_by(
        *order.order_by()
    )
    return [str(pk) for pk in rows.values_list("pk", flat=True)]


@pytest.mark.parametrize("sort", list(SORTS))
def test_every_sort_walks_each_song_once_both_ways(catalogue, owner_client, sort):
    forward = walk(owner_client, {"sort": sort}, "next")
    assert [len(p) for p in forward] == [PAGE_SIZE, PAGE_SIZE, 60 - 2 * PAGE_SIZE]
    walked = [pk for page in forward for pk in page]
    assert walked == expected(catalogue, sort)
    if sort == "long":  # unknown lengths last, on every database
        by_id = {str(s.pk): s.duration or 0.0 for s in catalogue}
        lengths = [by_id[pk] for pk in walked]
        assert lengths == sorted(lengths, reverse=True)
        assert lengths[-1] == 0.0
    # Back from the last page: the same pages, and the first page has no "newer" link.
    last = owner_client.get(LIBRARY, {"sort": sort, **link_to_last(owner_client, sort)})
    start = link(last.content.decode(), "prev")
    backward = walk(owner_client, {"sort": sort}, "prev", start)
    assert backward == forward[:-1][::-1]


def link_to_last(client, sort: str) -> dict:
    params = {"sort": sort}
    while True:
        following = link(client.get(LIBRARY, params).content.decode(), "next")
        if following is None:
            return params
        params = following


def test_links_say_newer_and_older_and_keep_the_filters(catalogue, owner_client):
    first = owner_client.get(LIBRARY, {"q": "track"}).content.decode()
    assert "Older →" in first
    assert 'rel="prev"' not in first
    after = link(first, "next")
    assert after["q"] == "track"
    assert "after" in after
    second = owner_client.get(LIBRARY, after).content.decode()
    assert "← Newer" in second


def test_pages_do_not_shift_when_songs_are_added(catalogue, team, owner_client):
    first = owner_client.get(LIBRARY).content.decode()
    second_before = cards(owner_client.get(LIBRARY, link(first, "next")).content.decode())
    for n in range(5):
        make_song(team.workspace, team.owner, title=f"Fresh {n}")
    second_after = cards(owner_client.get(LIBRARY, link(first, "next")).content.decode())
    assert second_after == second_before


def test_trashed_songs_stay_out_of_cursor_pages(catalogue, owner_client):
    first = owner_client.get(LIBRARY).content.decode()
    following = link(first, "next")
    gone = cards(owner_client.get(LIBRARY, following).content.decode())[3]
    Song.objects.filter(pk=gone).update(deleted_at=timezone.now())
    assert gone not in cards(owner_client.get(LIBRARY, following).content.decode())


def _cursor(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "params",
    [
        {"after": "nonsense!"},
        {"after": "²"},
        {"before": "%%%"},
        {"after": _cursor({"a": 1})},
        {"after": _cursor(["2024-01-01T00:00:00+00:00"])},
        {"after": _cursor(["not a date", "8b2d098d-0635-4d91-b2c4-daf8abea397f"])},
        {"after": _cursor(["2024-01-01T00:00:00", "8b2d098d-0635-4d91-b2c4-daf8abea397f"])},
        {"after": _cursor(["2024-01-01T00:00:00+00:00", "not-a-uuid"])},
        {"after": _cursor([None, None])},
        {"sort": "long", "after": _cursor(["long", "2024-01-01T00:00:00+00:00", "x"])},
        {"after": "x" * 5000},
        {
            "after": _cursor(["2024-01-01T00:00:00+00:00", "8b2d098d-0635-4d91-b2c4-daf8abea397f"]),
            "before": _cursor(
                ["2024-01-01T00:00:00+00:00", "8b2d098d-0635-4d91-b2c4-daf8abea397f"]
            ),
        },
    ],
)
def test_a_mangled_cursor_is_a_400_with_a_message(catalogue, owner_client, params):
    response = owner_client.get(LIBRARY, params)
    assert response.status_code == 400
    assert b"page link is not valid" in response.content


def test_a_cursor_past_the_end_is_an_empty_page_not_an_error(catalogue, owner_client):
    far = _cursor(["2000-01-01T00:00:00+00:00", "00000000-0000-0000-0000-000000000000"])
    response = owner_client.get(LIBRARY, {"after": far})
    assert response.status_code == 200
    assert cards(response.content.decode()) == []


def test_a_deep_page_costs_the_queries_of_the_first(catalogue, owner_client):
    with CaptureQueriesContext(connection) as first:
        page = owner_client.get(LIBRARY, {"sort": "title"}).content.decode()
    with CaptureQueriesContext(connection) as deep:
        owner_client.get(LIBRARY, link(page, "next"))
    # The first page also loads the job cards; a later page has none to load.
    assert len(deep) <= len(first)
    sql = [q["sql"] for q in deep.captured_queries if "studio_song" in q["sql"]]
    assert sql
    assert not any("OFFSET" in q.upper() for q in sql)
