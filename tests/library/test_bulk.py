"""Many library songs at once: trash (with its undo), restore, review status, add to a
project and a zip, one POST endpoint each; workspace isolation and a fixed query count."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studio.models import ActivityEvent, ReviewStatus, Song
from studio.models.projects import Project, ProjectSong
from studio.projects import contents as projects
from tests.factories import make_song

TRASH = reverse("library:bulk_trash")
RESTORE = reverse("library:bulk_restore")
STATUS = reverse("library:bulk_review_status")
ADD = reverse("library:bulk_add_to_project")
ZIP = reverse("library:bulk_download")
LIBRARY = reverse("library:library")


@pytest.fixture
def songs(team):
    return [make_song(team.workspace, team.owner, title=f"Cut {n}") for n in range(3)]


@pytest.fixture
def project(team):
    return Project.objects.create(workspace=team.workspace, name="Release", created_by=team.owner)


def ids(songs) -> list[str]:
    return [str(song.id) for song in songs]


def test_trash_many_then_undo_from_the_library(team, songs, editor_client):
    response = editor_client.post(TRASH, {"song": ids(songs[:2]), "next": LIBRARY + "?sort=new"})
    assert response.status_code == 302
    assert response["Location"] == LIBRARY + "?sort=new"
    assert Song.objects.in_trash().count() == 2
    assert ActivityEvent.objects.filter(verb="song_deleted").count() == 2
    page = editor_client.get(LIBRARY).content.decode()
    assert "2 songs moved to the trash." in page
    assert f'action="{RESTORE}" class="notice undo"' in page
    for song in songs[:2]:
        assert f'<input type="hidden" name="song" value="{song.id}">' in page
    # The undo is offered once; it restores exactly those songs.
    assert (
        f'action="{RESTORE}" class="notice undo"' not in editor_client.get(LIBRARY).content.decode()
    )
    editor_client.post(RESTORE, {"song": ids(songs[:2])})
    assert Song.objects.in_trash().count() == 0


def test_review_status_on_many(team, songs, editor_client):
    songs[0].review_status = ReviewStatus.APPROVED
    songs[0].save()
    editor_client.post(STATUS, {"song": ids(songs), "status": "approved"})
    assert set(Song.objects.values_list("review_status", flat=True)) == {"approved"}
    assert ActivityEvent.objects.filter(verb="review_status").count() == 2
    response = editor_client.post(STATUS, {"song": ids(songs), "status": "nonsense"})
    assert response.status_code == 400
    assert "review status" in response.content.decode()


def test_add_many_to_a_project_keeps_order_and_skips_those_held(
    team, songs, project, editor_client
):
    projects.add_song(project, songs[1])
    response = editor_client.post(ADD, {"song": ids(songs), "project": str(project.id)})
    assert response.status_code == 302
    assert [s.title for s in projects.ordered_songs(project)] == ["Cut 1", "Cut 0", "Cut 2"]
    assert ProjectSong.objects.count() == 3


def test_a_zip_of_the_chosen_songs(team, songs, viewer_client):
    songs[0].audio_file.save("a.mp3", ContentFile(b"ID3 first"))
    response = viewer_client.post(ZIP, {"song": ids(songs[:2])})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == ["Cut 0.mp3", "MISSING.txt"]
    assert "Cut 1: not copied" in archive.read("MISSING.txt").decode()


def test_isolation_outsiders_404_viewers_403(team, songs, project, viewer_client, outsider_client):
    for url, extra in ((TRASH, {}), (STATUS, {"status": "approved"}), (RESTORE, {})):
        assert viewer_client.post(url, {"song": ids(songs), **extra}).status_code == 403
        # Another workspace's songs are not found from the outsider's own workspace.
        assert outsider_client.post(url, {"song": ids(songs), **extra}).status_code == 404
    assert (
        viewer_client.post(ADD, {"song": ids(songs), "project": str(project.id)}).status_code == 403
    )
    assert (
        outsider_client.post(ADD, {"song": ids(songs), "project": str(project.id)}).status_code
        == 404
    )
    assert outsider_client.post(ZIP, {"song": ids(songs)}).status_code == 404
    assert Song.objects.in_trash().count() == 0
    assert set(Song.objects.values_list("review_status", flat=True)) == {"draft"}
    assert not ProjectSong.objects.exists()


def test_bad_choices_get_a_clear_400(team, songs, editor_client):
    assert editor_client.post(TRASH, {}).status_code == 400
    response = editor_client.post(TRASH, {"song": ["not-a-song"]})
    assert response.status_code == 400
    assert "not a song" in response.content.decode()


def _queries(client, url: str, data: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.post(url, data).status_code == 302
    return len(queries)


def test_query_count_does_not_grow_with_the_selection(team, editor_client):
    counts = {}
    for size in (2, 12):
        chosen = ids(make_song(team.workspace, team.owner) for _ in range(size))
        project = Project.objects.create(workspace=team.workspace, name=f"P{size}")
        counts[size] = [
            _queries(editor_client, TRASH, {"song": chosen}),
            _queries(editor_client, RESTORE, {"song": chosen}),
            _queries(editor_client, STATUS, {"song": chosen, "status": "approved"}),
            _queries(editor_client, ADD, {"song": chosen, "project": str(project.id)}),
        ]
    assert counts[2] == counts[12]


def test_restore_many_from_the_trash_page(team, songs, editor_client):
    editor_client.post(TRASH, {"song": ids(songs)})
    page = editor_client.get(reverse("library:trash")).content.decode()
    assert f'action="{RESTORE}" data-selection' in page
    for song in songs:
        assert f'name="song" value="{song.id}" form="bulk-form" data-pick' in page
    trash_page = reverse("library:trash")
    response = editor_client.post(RESTORE, {"song": ids(songs[:2]), "next": trash_page})
    assert response["Location"] == trash_page
    assert Song.objects.in_trash().get() == songs[2]
