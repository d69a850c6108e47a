"""Songs through the API: the library's search and pages, one song, rename, trash and
restore, and the archived files with Range; every write refused to a read-only token and
every id of another workspace answered 404."""

import pytest
from django.core.files.base import ContentFile

from studio.models import ActivityEvent, Asset, AssetKind, Relation, ReviewStatus, Song
from tests.factories import make_song

AUDIO = b"ID3" + bytes(range(256)) * 40


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_list_pages_by_cursor_newest_first(team, reader_api):
    songs = [make_song(team.workspace, team.owner, title=f"Theme {n}") for n in range(5)]
    first = reader_api.get("/api/v1/songs", {"limit": 2}).json()
    assert [s["title"] for s in first["items"]] == ["Theme 4", "Theme 3"]
    assert first["previous_cursor"] == ""
    assert first["next_cursor"]
    second = reader_api.get("/api/v1/songs", {"limit": 2, "after": first["next_cursor"]}).json()
    assert [s["title"] for s in second["items"]] == ["Theme 2", "Theme 1"]
    back = reader_api.get("/api/v1/songs", {"limit": 2, "before": second["previous_cursor"]})
    assert [s["title"] for s in back.json()["items"]] == ["Theme 4", "Theme 3"]
    assert first["items"][0]["url"] == f"/api/v1/songs/{songs[-1].id}"


def test_list_uses_the_library_filters_and_search(team, reader_api):
    make_song(team.workspace, team.owner, title="Forest dawn", prompt="ambient forest birds")
    liked = make_song(team.workspace, team.editor, title="Neon drive", favourite=True)
    make_song(team.workspace, team.owner, title="Approved one", review_status=ReviewStatus.APPROVED)

    def titles(**params):
        response = reader_api.get("/api/v1/songs", params)
        assert response.status_code == 200, response.content
        return {song["title"] for song in response.json()["items"]}

    assert titles(q="forest") == {"Forest dawn"}
    assert titles(fav="1") == {"Neon drive"}
    assert titles(member=str(team.editor.pk)) == {liked.title}
    assert titles(review="approved") == {"Approved one"}
    assert titles(sort="title") == {"Approved one", "Forest dawn", "Neon drive"}
    ordered = reader_api.get("/api/v1/songs", {"sort": "title"}).json()["items"]
    assert [s["title"] for s in ordered] == ["Approved one", "Forest dawn", "Neon drive"]


def test_a_mangled_cursor_or_filter_is_a_400_problem(team, reader_api):
    for params in ({"after": "garbage!"}, {"sort": "sideways"}, {"limit": 0}, {"limit": "x"}):
        response = reader_api.get("/api/v1/songs", params)
        assert response.status_code == 400, params
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["detail"]


def test_another_workspace_sees_none_of_it(team, other_api, keys):
    song = make_song(team.workspace, team.owner)
    mine = make_song(keys.other_workspace, None, title="Theirs")
    assert [s["title"] for s in other_api.get("/api/v1/songs").json()["items"]] == ["Theirs"]
    for method, url, body in (
        ("get", f"/api/v1/songs/{song.id}", None),
        ("patch", f"/api/v1/songs/{song.id}", {"title": "Stolen"}),
        ("post", f"/api/v1/songs/{song.id}/trash", None),
        ("post", f"/api/v1/songs/{song.id}/restore", None),
        ("get", f"/api/v1/songs/{song.id}/files/audio", None),
    ):
        response = getattr(other_api, method)(url, body, content_type="application/json")
        assert response.status_code == 404, url
    assert Song.objects.get(pk=song.pk).title == song.title
    assert other_api.get(f"/api/v1/songs/{mine.id}").status_code == 200


def test_one_song_with_files_lineage_and_review(team, reader_api):
    parent = make_song(team.workspace, team.owner, title="Root")
    song = make_song(team.workspace, team.owner, parent=parent, title="Extended")
    child = make_song(team.workspace, team.owner, parent=song, relation=Relation.COVER)
    song.audio_file.save("x.mp3", ContentFile(AUDIO))
    stem = Asset.objects.create(song=song, workspace=team.workspace, kind=AssetKind.STEM)
    stem.file.save("vocals.mp3", ContentFile(AUDIO))
    Asset.objects.create(
        song=song, workspace=team.workspace, kind=AssetKind.VIDEO, remote_url="https://x/v.mp4"
    )
    body = reader_api.get(f"/api/v1/songs/{song.id}").json()
    assert body["parent"]["id"] == str(parent.id)
    assert [c["id"] for c in body["children"]] == [str(child.id)]
    assert body["review_status"] == "draft"
    assert body["relation"] == "extend"
    files = {f["kind"]: f for f in body["files"]}
    assert files["audio"]["url"] == f"/api/v1/songs/{song.id}/files/audio"
    assert files["stem"]["url"] == f"/api/v1/files/{stem.id}"
    assert files["video"]["url"] is None
    assert files["video"]["archived"] is False


def test_files_stream_with_range(team, reader_api):
    song = make_song(team.workspace, team.owner)
    song.audio_file.save("x.mp3", ContentFile(AUDIO))
    url = f"/api/v1/songs/{song.id}/files/audio"
    whole = reader_api.get(url)
    assert whole.status_code == 200
    assert whole["Content-Type"] == "audio/mpeg"
    assert b"".join(whole.streaming_content) == AUDIO
    part = reader_api.get(url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 10-19/{len(AUDIO)}"
    assert b"".join(part.streaming_content) == AUDIO[10:20]


def test_files_not_yet_copied_say_so(team, reader_api):
    song = make_song(team.workspace, team.owner, audio_url="https://cdn.example/a.mp3")
    response = reader_api.get(f"/api/v1/songs/{song.id}/files/audio")
    assert response.status_code == 404
    assert "copied" in response.json()["detail"]
    assert reader_api.get(f"/api/v1/songs/{song.id}/files/bogus").status_code == 404
    pending = Asset.objects.create(
        song=song, workspace=team.workspace, kind=AssetKind.STEM, remote_url="https://x/s.mp3"
    )
    response = reader_api.get(f"/api/v1/files/{pending.id}")
    assert response.status_code == 404
    assert "copied" in response.json()["detail"]


def test_read_only_tokens_cannot_change_songs(team, reader_api):
    song = make_song(team.workspace, team.owner, title="Keep")
    for method, url in (
        ("patch", f"/api/v1/songs/{song.id}"),
        ("post", f"/api/v1/songs/{song.id}/trash"),
        ("post", f"/api/v1/songs/{song.id}/restore"),
    ):
        response = getattr(reader_api, method)(
            url, {"title": "New"}, content_type="application/json"
        )
        assert response.status_code == 403, url
        assert "read-only" in response.json()["detail"]
    song.refresh_from_db()
    assert song.title == "Keep"
    assert song.deleted_at is None


def test_rename_trash_and_restore(team, editor_api):
    song = make_song(team.workspace, team.owner, title="Old")
    url = f"/api/v1/songs/{song.id}"
    renamed = editor_api.patch(url, {"title": "New name"}, content_type="application/json")
    assert renamed.status_code == 200
    assert renamed.json()["title"] == "New name"
    bad = editor_api.patch(url, {"title": ""}, content_type="application/json")
    assert bad.status_code == 400
    assert "title" in bad.json()["errors"]
    assert editor_api.post(f"{url}/trash").status_code == 200
    assert Song.objects.get(pk=song.pk).deleted_at is not None
    assert editor_api.get(url).status_code == 404
    restored = editor_api.post(f"{url}/restore")
    assert restored.status_code == 200
    assert restored.json()["title"] == "New name"
    assert editor_api.post(f"{url}/restore").status_code == 404  # not in the trash any more
    verbs = set(ActivityEvent.objects.values_list("verb", flat=True))
    assert {"song_renamed", "song_deleted", "song_restored"} <= verbs
    assert ActivityEvent.objects.filter(actor=team.owner).count() == 3  # the token's maker
