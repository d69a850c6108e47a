"""A viewer cannot add songs to projects, so is not offered to."""

from django.urls import reverse

from tests.factories import make_song


def test_viewers_are_not_offered_add_to_project(team, viewer_client, editor_client):
    song = make_song(team.workspace, team.owner)
    link = reverse("projects:song_projects", args=[song.id])
    for page in (reverse("library:library"), reverse("library:song", args=[song.id])):
        assert link not in viewer_client.get(page).content.decode(), page
        assert link in editor_client.get(page).content.decode(), page
