"""The admin's lists of jobs, songs, files and events never count a whole table."""

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studio.admin import paginator
from studio.models import Song

BIG_LISTS = ["job", "song", "asset", "activityevent"]


@pytest.fixture
def admin_client(db) -> Client:
    user = User.objects.create_superuser("root", "root@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", BIG_LISTS)
def test_big_lists_count_only_up_to_the_cap(admin_client, model):
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(reverse(f"admin:studio_{model}_changelist")).status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if re.search(r"COUNT\(", q["sql"])]
    table = f"studio_{model}"
    # The list's own counts (not, say, a page header's count of unread mentions).
    head = r'SELECT COUNT\(\*\)(?: AS "__count")? FROM (?:\(SELECT .*? FROM )?'
    own = re.compile(head + re.escape(f'"{table}"'))
    on_table = [sql for sql in counts if own.match(sql)]
    assert on_table, counts
    assert all(f"LIMIT {paginator.COUNT_CAP}" in sql for sql in on_table), on_table
    # No date_hierarchy: its year links read the date of every row.
    assert not any("DISTINCT" in q["sql"] and table in q["sql"] for q in queries.captured_queries)


def test_the_count_stops_at_the_cap(team, admin_client, monkeypatch):
    monkeypatch.setattr(paginator, "COUNT_CAP", 3)
    for n in range(5):
        Song.objects.create(workspace=team.workspace, music_id=f"m-{n}", title=f"Song {n}")
    page = admin_client.get(reverse("admin:studio_song_changelist")).content.decode()
    assert "3 songs" in page
