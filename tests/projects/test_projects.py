"""Projects: who may see and change them, ordering, adding from a card, the zip."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from studio.models import Workspace
from studio.models.projects import Project, ProjectSong
from studio.projects import contents as projects
from tests.conftest import make_user
from tests.factories import make_song

IMMEDIATE_TASKS = {
    "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
}


@pytest.fixture
def project(team):
    return Project.objects.create(workspace=team.workspace, name="Release", created_by=team.owner)


def order(project) -> list:
    return [song.title for song in projects.ordered_songs(project)]


def filled(team, project, *titles):
    songs = [make_song(team.workspace, team.owner, title=title) for title in titles]
    for song in songs:
        projects.add_song(project, song)
    return songs


def url(name, project, **kw):
    return reverse(name, args=[project.id])


CHANGES = tuple(f"projects:project_{c}" for c in ("rename", "delete", "add", "remove", "move"))


def test_outsider_gets_404_everywhere(team, project, outsider_client):
    (song,) = filled(team, project, "One")
    for name in ("projects:project", "projects:project_zip"):
        assert outsider_client.get(url(name, project)).status_code == 404
    for name in (*CHANGES, "projects:project_order"):
        response = outsider_client.post(url(name, project), {"song": str(song.id), "name": "x"})
        assert response.status_code == 404
    assert outsider_client.get(reverse("projects:song_projects", args=[song.id])).status_code == 404
    assert "Release" not in outsider_client.get(reverse("projects:project_list")).content.decode()


def test_anonymous_is_sent_to_log_in(project, client):
    assert client.get(url("projects:project", project)).status_code == 302
    assert client.get(url("projects:project_zip", project)).status_code == 302


def test_viewer_sees_but_may_not_change(team, project, viewer_client):
    a, b = filled(team, project, "One", "Two")
    html = viewer_client.get(url("projects:project", project)).content.decode()
    assert "One" in html
    assert "Two" in html
    assert "Play all" in html
    assert url("projects:project_move", project) not in html
    assert "draggable" not in html
    assert viewer_client.get(url("projects:project_zip", project)).status_code == 202  # being built
    assert "Release" in viewer_client.get(reverse("projects:project_list")).content.decode()
    for name in CHANGES:
        data = {"song": str(a.id), "name": "Renamed", "direction": "down"}
        assert viewer_client.post(url(name, project), data).status_code == 403
    data = {"song": [str(b.id), str(a.id)]}
    assert viewer_client.post(url("projects:project_order", project), data).status_code == 403
    assert viewer_client.post(reverse("projects:project_list"), {"name": "Mine"}).status_code == 403
    assert order(project) == ["One", "Two"]
    assert Project.objects.get().name == "Release"


def test_editor_creates_a_project_with_a_song_from_its_card(team, editor_client):
    song = make_song(team.workspace, team.owner, title="Hook")
    library = editor_client.get(reverse("library:library")).content.decode()
    assert reverse("projects:song_projects", args=[song.id]) in library
    back = reverse("projects:song_projects", args=[song.id])
    response = editor_client.post(
        reverse("projects:project_list"),
        {"name": "  Summer   ad ", "song": str(song.id), "next": back},
    )
    assert response.status_code == 302
    assert response["Location"] == back
    project = Project.objects.get()
    assert project.name == "Summer ad"
    assert order(project) == ["Hook"]
    assert "in it" in editor_client.get(back).content.decode()


def test_a_project_needs_a_name(team, editor_client):
    response = editor_client.post(reverse("projects:project_list"), {"name": "   "})
    assert response.status_code == 400
    assert "Give the project a name." in response.content.decode()
    assert not Project.objects.exists()


def test_add_twice_keeps_one_entry_and_songs_of_other_workspaces_are_refused(
    team, project, editor_client
):
    (song,) = filled(team, project, "One")
    editor_client.post(url("projects:project_add", project), {"song": str(song.id)})
    assert ProjectSong.objects.count() == 1
    elsewhere = make_user("eve")
    foreign = make_song(Workspace.objects.get(memberships__user=elsewhere), elsewhere)
    response = editor_client.post(url("projects:project_add", project), {"song": str(foreign.id)})
    assert response.status_code == 404
    assert (
        editor_client.post(url("projects:project_add", project), {"song": "nope"}).status_code
        == 404
    )
    assert ProjectSong.objects.count() == 1


def test_arrows_move_songs_and_ends_stay_put(team, project, editor_client):
    a, _b, c = filled(team, project, "A", "B", "C")
    editor_client.post(
        url("projects:project_move", project), {"song": str(c.id), "direction": "up"}
    )
    assert order(project) == ["A", "C", "B"]
    editor_client.post(
        url("projects:project_move", project), {"song": str(a.id), "direction": "up"}
    )
    assert order(project) == ["A", "C", "B"]
    response = editor_client.post(url("projects:project_move", project), {"song": str(a.id)})
    assert response.status_code == 400
    editor_client.post(url("projects:project_remove", project), {"song": str(c.id)})
    assert order(project) == ["A", "B"]
    positions = list(ProjectSong.objects.order_by("position").values_list("position", flat=True))
    assert positions == [0, 1]


def test_drag_order_is_saved_and_a_stale_order_is_refused(team, project, editor_client):
    a, b, c = filled(team, project, "A", "B", "C")
    data = {"song": [str(c.id), str(a.id), str(b.id)]}
    assert editor_client.post(url("projects:project_order", project), data).status_code == 204
    assert order(project) == ["C", "A", "B"]
    stale = {"song": [str(a.id), str(b.id)]}
    response = editor_client.post(url("projects:project_order", project), stale)
    assert response.status_code == 409
    assert b"reload" in response.content
    bad = editor_client.post(url("projects:project_order", project), {"song": ["x"]})
    assert bad.status_code == 400
    assert order(project) == ["C", "A", "B"]


def test_deleted_songs_leave_the_project_play_list(team, project, owner_client):
    _a, b = filled(team, project, "Kept", "Gone")
    owner_client.post(reverse("library:song_delete", args=[b.id]))
    owner_client.get(reverse("library:library"))  # shows (and uses up) the "Deleted" message
    html = owner_client.get(url("projects:project", project)).content.decode()
    assert "Kept" in html
    assert f'id="entry-{b.id}"' not in html  # not played: shown as removed instead


def test_deleting_a_project_keeps_its_songs(team, project, editor_client):
    (song,) = filled(team, project, "One")
    assert editor_client.post(url("projects:project_delete", project)).status_code == 302
    assert not Project.objects.exists()
    song.refresh_from_db()
    assert song.deleted_at is None


def test_zip_holds_archived_files_in_order_and_names_the_missing(
    team, project, viewer_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    first, _pending, second = filled(team, project, "Intro", "Not yet", "Outro")
    first.audio_file.save("intro.mp3", ContentFile(b"ID3 intro audio"))
    second.audio_file.save("outro.wav", ContentFile(b"RIFF outro audio" * 10_000))
    settings.TASKS = IMMEDIATE_TASKS
    waiting = viewer_client.get(url("projects:project_zip", project))
    assert waiting.status_code == 202
    assert "Preparing the zip" in waiting.content.decode()
    assert viewer_client.get(url("projects:project_zip", project), headers={"HX-Request": "true"})[
        "HX-Redirect"
    ] == url("projects:project_zip", project)  # the waiting page's poll, once the worker built it
    response = viewer_client.get(url("projects:project_zip", project))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert 'filename="Release.zip"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == ["01 Intro.mp3", "03 Outro.wav", "MISSING.txt"]
    assert archive.read("01 Intro.mp3") == b"ID3 intro audio"
    assert archive.read("03 Outro.wav") == b"RIFF outro audio" * 10_000
    assert "02 Not yet: not copied to the studio yet" in archive.read("MISSING.txt").decode()
    assert archive.testzip() is None


def test_songs_in_the_trash_do_not_block_reordering(team, project, editor_client):
    a, gone, b, c = filled(team, project, "A", "Gone", "B", "C")
    editor_client.post(reverse("library:song_delete", args=[gone.id]))
    data = {"song": [str(c.id), str(b.id), str(a.id)]}
    assert editor_client.post(url("projects:project_order", project), data).status_code == 204
    assert order(project) == ["C", "B", "A"]
    editor_client.post(
        url("projects:project_move", project), {"song": str(c.id), "direction": "down"}
    )
    assert order(project) == ["B", "C", "A"]
    last = ProjectSong.objects.order_by("-position").first()
    assert last.song == gone
    assert last.position == 3


def test_a_new_project_with_a_foreign_song_is_not_made(team, editor_client):
    elsewhere = make_user("eve")
    foreign = make_song(Workspace.objects.get(memberships__user=elsewhere), elsewhere)
    response = editor_client.post(
        reverse("projects:project_list"), {"name": "X", "song": str(foreign.id)}
    )
    assert response.status_code == 404
    assert not Project.objects.exists()


def test_zip_names_keep_chinese_titles_in_utf8_and_never_twice(
    team, project, viewer_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    Project.objects.filter(pk=project.pk).update(name="上海 专辑")
    for song in filled(team, project, "上海夜曲", "上海夜曲"):
        song.audio_file.save("take.mp3", ContentFile(b"ID3 audio"))
    settings.TASKS = IMMEDIATE_TASKS
    assert viewer_client.get(url("projects:project_zip", project)).status_code == 202  # built
    response = viewer_client.get(url("projects:project_zip", project))
    disposition = response["Content-Disposition"]
    assert 'filename="project.zip"' in disposition  # the ASCII name for old clients
    assert "filename*=UTF-8''%E4%B8%8A%E6%B5%B7%20%E4%B8%93%E8%BE%91.zip" in disposition
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert names == ["01 上海夜曲.mp3", "02 上海夜曲.mp3"]
    # Bit 11: the names are UTF-8, so every unzip tool reads them as written.
    assert all(info.flag_bits & 0x800 for info in archive.infolist())
