"""The API's lists cost a fixed number of queries, however many rows the page holds."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from studio.models import Comment
from tests.factories import make_job, make_song


def queries(api, path: str, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path, params)
    assert response.status_code == 200, response.content
    return len(captured)


def add_rows(team, count: int) -> None:
    for _ in range(count):
        song = make_song(team.workspace, team.owner)
        Comment.objects.create(song=song, author=team.owner, body="nice")
        make_job(team.workspace, team.owner)


def test_song_and_job_lists_do_not_grow_with_their_pages(team, reader_api):
    reader_api.get("/api/v1/usage")  # the token's first use writes its last-used time
    add_rows(team, 2)
    few = [queries(reader_api, p, {"limit": 50}) for p in ("/api/v1/songs", "/api/v1/jobs")]
    add_rows(team, 10)
    many = [queries(reader_api, p, {"limit": 50}) for p in ("/api/v1/songs", "/api/v1/jobs")]
    assert few == many
