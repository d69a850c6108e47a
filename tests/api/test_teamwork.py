"""Projects and reviews through the API."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile

from studio.models import Comment, Mention, ReviewStatus, Song
from studio.models.projects import Project
from tests.factories import make_song

JSON = "application/json"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_projects_create_add_reorder_remove_and_zip(team, editor_api, settings):
    a = make_song(team.workspace, team.owner, title="Alpha")
    b = make_song(team.workspace, team.owner, title="Beta")
    a.audio_file.save("a.mp3", ContentFile(b"ID3" + b"a" * 100))
    created = editor_api.post("/api/v1/projects", {"name": "  Level 1  "}, content_type=JSON)
    assert created.status_code == 201
    assert created.json()["name"] == "Level 1"
    url = f"/api/v1/projects/{created.json()['id']}"
    for song in (a, b, a):  # adding twice keeps one
        added = editor_api.post(f"{url}/songs", {"song_id": str(song.id)}, content_type=JSON)
        assert added.status_code == 200
    assert [s["title"] for s in added.json()["songs"]] == ["Alpha", "Beta"]
    order = {"song_ids": [str(b.id), str(a.id)]}
    moved = editor_api.put(f"{url}/order", order, content_type=JSON)
    assert [s["title"] for s in moved.json()["songs"]] == ["Beta", "Alpha"]
    stale = editor_api.put(f"{url}/order", {"song_ids": [str(a.id)]}, content_type=JSON)
    assert stale.status_code == 409
    assert "each of the project's songs" in stale.json()["detail"]
    twice = editor_api.put(f"{url}/order", {"song_ids": [str(a.id)] * 2}, content_type=JSON)
    assert twice.status_code == 409
    listed = editor_api.get("/api/v1/projects").json()
    assert [p["name"] for p in listed] == ["Level 1"]
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
    }
    preparing = editor_api.get(f"{url}/zip")  # the worker builds it (here: at once)
    assert preparing.status_code == 202
    assert preparing["Retry-After"] == "2"
    archive = editor_api.get(f"{url}/zip")
    assert archive.status_code == 200
    assert archive["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    assert names == ["02 Alpha.mp3", "MISSING.txt"]
    assert editor_api.delete(f"{url}/songs/{b.id}").status_code == 200
    assert editor_api.delete(f"{url}/songs/{b.id}").status_code == 404
    assert [s["title"] for s in editor_api.get(url).json()["songs"]] == ["Alpha"]


def test_projects_refuse_bad_names_readers_and_strangers(team, editor_api, reader_api, other_api):
    blank = editor_api.post("/api/v1/projects", {"name": "   "}, content_type=JSON)
    assert blank.status_code == 400
    assert "name" in blank.json()["errors"]
    assert reader_api.post("/api/v1/projects", {"name": "x"}, content_type=JSON).status_code == 403
    project = Project.objects.create(workspace=team.workspace, name="Ours")
    song = make_song(team.workspace, team.owner)
    url = f"/api/v1/projects/{project.id}"
    body = {"song_id": str(song.id)}
    assert reader_api.get(url).status_code == 200
    assert reader_api.post(f"{url}/songs", body, content_type=JSON).status_code == 403
    assert other_api.get(url).status_code == 404
    assert other_api.post(f"{url}/songs", body, content_type=JSON).status_code == 404
    assert other_api.get(f"{url}/zip").status_code == 404
    assert other_api.get("/api/v1/projects").json() == []
    assert not project.entries.exists()


def test_a_song_of_another_workspace_is_not_added(team, keys, other_api):
    ours = make_song(team.workspace, team.owner)
    theirs = Project.objects.create(workspace=keys.other_workspace, name="Theirs")
    response = other_api.post(
        f"/api/v1/projects/{theirs.id}/songs", {"song_id": str(ours.id)}, content_type=JSON
    )
    assert response.status_code == 404
    assert not theirs.entries.exists()


def test_comments_and_review_status(team, editor_api, reader_api, other_api):
    song = make_song(team.workspace, team.owner, duration=90.0)
    url = f"/api/v1/songs/{song.id}"
    posted = editor_api.post(
        f"{url}/comments", {"body": "Louder drums @bob", "at": 12.5, "end": 20}, content_type=JSON
    )
    assert posted.status_code == 201, posted.content
    comment = Comment.objects.get()
    assert comment.author == team.owner
    assert comment.at_seconds == 12.5
    assert Mention.objects.filter(user=team.editor).exists()
    reply = editor_api.post(
        f"{url}/comments",
        {"body": "Done", "parent_id": str(comment.id)},
        content_type=JSON,
    )
    assert reply.status_code == 201
    assert reply.json()["parent_id"] == str(comment.id)
    late = editor_api.post(f"{url}/comments", {"body": "x", "at": 500}, content_type=JSON)
    assert late.status_code == 400
    assert "at" in late.json()["errors"]
    listed = reader_api.get(f"{url}/comments").json()
    assert [c["body"] for c in listed] == ["Louder drums @bob", "Done"]
    assert reader_api.post(f"{url}/comments", {"body": "hi"}, content_type=JSON).status_code == 403
    assert other_api.get(f"{url}/comments").status_code == 404

    approved = editor_api.put(f"{url}/review", {"status": "approved"}, content_type=JSON)
    assert approved.json() == {"status": "approved", "changed": True}
    assert Song.objects.get(pk=song.pk).review_status == ReviewStatus.APPROVED
    again = editor_api.put(f"{url}/review", {"status": "approved"}, content_type=JSON)
    assert again.json()["changed"] is False
    bad = editor_api.put(f"{url}/review", {"status": "great"}, content_type=JSON)
    assert bad.status_code == 400
    assert "draft" in bad.json()["detail"]
    assert (
        reader_api.put(f"{url}/review", {"status": "draft"}, content_type=JSON).status_code == 403
    )
    assert other_api.put(f"{url}/review", {"status": "draft"}, content_type=JSON).status_code == 404
