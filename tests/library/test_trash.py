"""The trash: delete moves a song there, editors restore it with its family, and the
sweep empties what has been there longer than TRASH_DAYS. Times are fixed, never today's."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from studio.jobs import sweep
from studio.library import trash
from studio.models import Asset, AssetKind, Song
from studio.models.activity import ActivityEvent, Verb
from tests.factories import make_song

NOW = datetime(2031, 3, 14, 12, 0, tzinfo=UTC)


@pytest.fixture
def family(team):
    """root → middle → leaf, all in the team's workspace."""
    root = make_song(team.workspace, team.owner, title="Root")
    middle = make_song(team.workspace, team.owner, parent=root, title="Middle")
    leaf = make_song(team.workspace, team.owner, parent=middle, title="Leaf")
    return root, middle, leaf


def delete(client, song):
    return client.post(reverse("library:song_delete", args=[song.id]))


def restore(client, song):
    return client.post(reverse("library:song_restore", args=[song.id]))


def test_delete_moves_to_the_trash_and_out_of_sight(team, owner_client, family):
    _, middle, leaf = family
    assert delete(owner_client, middle).status_code == 302
    middle.refresh_from_db()
    assert middle.deleted_at is not None
    # Lineage intact: the leaf still hangs from the middle song.
    assert Song.objects.get(pk=leaf.pk).parent_id == middle.pk
    library = owner_client.get(reverse("library:library"), {"q": "Middle"}).content.decode()
    assert str(middle.id) not in library
    assert owner_client.get(reverse("library:song", args=[middle.id])).status_code == 404
    tree = owner_client.get(reverse("library:song", args=[leaf.id])).content.decode()
    assert reverse("library:song", args=[middle.id]) not in tree  # no link to it from the family
    page = owner_client.get(reverse("library:trash")).content.decode()
    assert "Middle" in page
    assert reverse("library:song_restore", args=[middle.id]) in page
    assert ActivityEvent.objects.filter(verb=Verb.SONG_DELETED, song=middle).exists()


def test_restore_brings_back_the_song_with_its_family(team, editor_client, family):
    root, middle, leaf = family
    delete(editor_client, middle)
    response = restore(editor_client, middle)
    assert response.status_code == 302
    assert response["Location"] == reverse("library:song", args=[middle.id])
    page = editor_client.get(reverse("library:song", args=[middle.id])).content.decode()
    # Its parent and its child are in its tree again, each a link.
    assert reverse("library:song", args=[root.id]) in page
    assert reverse("library:song", args=[leaf.id]) in page
    from_root = editor_client.get(reverse("library:song", args=[root.id])).content.decode()
    assert reverse("library:song", args=[middle.id]) in from_root
    assert str(middle.id) in editor_client.get(reverse("library:library")).content.decode()
    assert "Middle" not in editor_client.get(reverse("library:trash")).content.decode()
    assert ActivityEvent.objects.filter(verb=Verb.SONG_RESTORED, song=middle).exists()


def test_roles(team, viewer_client, outsider_client, owner_client, family):
    _, middle, _ = family
    assert delete(viewer_client, middle).status_code == 403
    assert delete(outsider_client, middle).status_code == 404
    delete(owner_client, middle)
    assert viewer_client.get(reverse("library:trash")).status_code == 403
    assert restore(viewer_client, middle).status_code == 403
    assert restore(outsider_client, middle).status_code == 404
    # The outsider's own trash never shows another workspace's songs.
    assert "Middle" not in outsider_client.get(reverse("library:trash")).content.decode()
    assert Song.objects.get(pk=middle.pk).deleted_at is not None
    assert outsider_client.get(reverse("library:song_restore", args=[middle.id])).status_code == 405


def test_a_song_not_in_the_trash_cannot_be_restored(team, owner_client, family):
    root, _, _ = family
    assert restore(owner_client, root).status_code == 404


def test_past_the_window_it_cannot_be_restored(team, owner_client, family, settings):
    _, middle, _ = family
    settings.TRASH_DAYS = 30
    # The views go by the clock: a month and a day before now, whatever day it is.
    Song.objects.filter(pk=middle.pk).update(deleted_at=timezone.now() - timedelta(days=31))
    assert restore(owner_client, middle).status_code == 404
    assert "Middle" not in owner_client.get(reverse("library:trash")).content.decode()


def test_sweep_empties_old_trash_and_keeps_the_rest(team, family, settings, tmp_path):
    settings.TRASH_DAYS = 30
    settings.MEDIA_ROOT = tmp_path
    root, middle, leaf = family
    old = make_song(team.workspace, team.owner, title="Old and alone")
    recent = make_song(team.workspace, team.owner, title="Recent")
    for song in (old, middle, leaf, recent):
        song.audio_file.save("a.mp3", ContentFile(b"ID3 audio"), save=True)
    stem = Asset.objects.create(song=old, workspace=team.workspace, kind=AssetKind.STEM)
    stem.file.save("stem.mp3", ContentFile(b"ID3 stem"), save=True)
    paths = {s.pk: s.audio_file.name for s in (old, middle, leaf, recent)}
    stem_path = stem.file.name
    long_ago = NOW - timedelta(days=30, seconds=1)
    Song.objects.filter(pk__in=[old.pk, middle.pk]).update(deleted_at=long_ago)
    Song.objects.filter(pk=recent.pk).update(deleted_at=NOW - timedelta(days=29))

    assert sweep.sweep(NOW)["emptied"] == 2
    # Alone: the row and every file are gone.
    assert not Song.objects.filter(pk=old.pk).exists()
    assert not Asset.objects.filter(pk=stem.pk).exists()
    assert not default_storage.exists(paths[old.pk])
    assert not default_storage.exists(stem_path)
    # With a remix made from it: a bare node without files keeps the leaf's tree whole.
    bare = Song.objects.get(pk=middle.pk)
    assert not bare.audio_file
    assert not default_storage.exists(paths[middle.pk])
    leaf.refresh_from_db()
    assert leaf.parent_id == middle.pk
    assert leaf.root_id == root.pk
    # Younger than 30 days, or not deleted: untouched.
    assert default_storage.exists(paths[recent.pk])
    assert default_storage.exists(paths[leaf.pk])
    assert Song.objects.get(pk=recent.pk).deleted_at is not None
    # Nothing more to do; once the leaf is emptied too, the bare node goes as well.
    assert trash.empty(NOW) == 0
    Song.objects.filter(pk=leaf.pk).update(deleted_at=long_ago)
    assert trash.empty(NOW) == 1
    assert trash.empty(NOW) == 1
    assert not Song.objects.filter(pk__in=[middle.pk, leaf.pk]).exists()
    assert Song.objects.filter(pk=root.pk).exists()


def test_trash_days_is_a_setting(team, family, settings):
    _, middle, _ = family
    settings.TRASH_DAYS = 2
    Song.objects.filter(pk=middle.pk).update(deleted_at=NOW - timedelta(days=3))
    assert list(trash.trashed(team.workspace, NOW)) == []
    settings.TRASH_DAYS = 4
    assert list(trash.trashed(team.workspace, NOW)) == [Song.objects.get(pk=middle.pk)]
