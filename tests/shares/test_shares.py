"""Share links: who makes and revokes them, what a guest can reach with one (only the
shared song or project), expiry with fixed times, downloads and guest comments."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from studio.models import Comment, Workspace
from studio.models.projects import Project
from studio.models.shares import ShareLink, token_digest
from studio.projects import contents as projects
from studio.shares import links as shares
from tests.conftest import make_user
from tests.factories import make_song

# A month from today: a link works for at most a year.
LATER = (timezone.localdate() + timedelta(days=30)).isoformat()
PAST = date(2000, 1, 1)


@pytest.fixture
def song(team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    song = make_song(team.workspace, team.owner, title="Client Cut", duration=90.0)
    song.audio_file.save("cut.mp3", ContentFile(b"ID3 client cut"))
    return song


def make_link(client, song, **options) -> str:
    """Make a link as `client` does from the song page; the token from the settings page."""
    data = {"expires_on": LATER, **options}
    response = client.post(reverse("shares:share_song", args=[song.id]), data)
    assert response.status_code == 302, response.content
    page = client.get(response["Location"]).content.decode()
    return re.search(r'value="http://testserver/s/([A-Za-z0-9_-]{43})/"', page).group(1)


def issue(target, **fields) -> tuple[ShareLink, str]:
    kind = "song" if hasattr(target, "music_id") else "project"
    fields.setdefault("expires_on", date(2999, 12, 31))
    return ShareLink.issue(workspace=target.workspace, **{kind: target}, **fields)


def test_an_editor_makes_a_link_that_plays_for_anyone(team, song, editor_client):
    token = make_link(editor_client, song)
    link = ShareLink.objects.get()
    assert link.token_digest == token_digest(token)
    assert token not in link.token_digest
    assert len(token) == 43  # 256 bits
    guest = Client()
    response = guest.get(reverse("shares:share_page", args=[token]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Client Cut" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert '<meta name="robots" content="noindex, nofollow">' in html
    audio = reverse("shares:share_media", args=[token, song.id, "audio"])
    assert audio in html
    played = guest.get(audio)
    assert played.status_code == 200
    assert b"".join(played.streaming_content) == b"ID3 client cut"
    # The page links nowhere else in the studio.
    links = set(re.findall(r'(?:href|src|action)="(/[^"]*)"', html))
    assert all(u.startswith((f"/s/{token}/", "/static/")) for u in links), links


def test_the_page_offers_no_download_unless_the_link_allows_it(team, song, owner_client):
    token = make_link(owner_client, song)
    guest = Client()
    audio = reverse("shares:share_media", args=[token, song.id, "audio"])
    assert (
        "?download=1" not in guest.get(reverse("shares:share_page", args=[token])).content.decode()
    )
    assert guest.get(audio, {"download": "1"}).status_code == 403
    token = make_link(owner_client, song, allow_downloads="1")
    assert "?download=1" in guest.get(reverse("shares:share_page", args=[token])).content.decode()
    response = guest.get(audio.replace(audio.split("/")[2], token), {"download": "1"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]


def test_viewers_and_outsiders_cannot_make_or_revoke_links(
    team, song, viewer_client, outsider_client, owner_client
):
    url = reverse("shares:share_song", args=[song.id])
    assert viewer_client.post(url, {"expires_on": LATER}).status_code == 403
    assert outsider_client.post(url, {"expires_on": LATER}).status_code == 404
    project = Project.objects.create(workspace=team.workspace, name="EP")
    purl = reverse("shares:share_project", args=[project.id])
    assert viewer_client.post(purl, {"expires_on": LATER}).status_code == 403
    assert outsider_client.post(purl, {"expires_on": LATER}).status_code == 404
    assert not ShareLink.objects.exists()
    make_link(owner_client, song)
    link = ShareLink.objects.get()
    revoke = reverse("shares:share_revoke", args=[link.id])
    assert viewer_client.post(revoke).status_code == 403
    assert outsider_client.post(revoke).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_a_link_needs_a_day_that_is_not_over(team, song, owner_client):
    url = reverse("shares:share_song", args=[song.id])
    for value, reason in (
        ("", "Choose the last day"),
        ("soon", "YYYY-MM-DD"),
        ("2000-01-01", "over"),
        ("9999-12-31", "at most a year"),
    ):
        response = owner_client.post(url, {"expires_on": value}, follow=True)
        assert reason in response.content.decode(), value
    assert not ShareLink.objects.exists()


def test_a_link_lasts_at_most_a_year(team, song, owner_client):
    url = reverse("shares:share_song", args=[song.id])
    today = timezone.localdate()
    # 365 days ahead is never past the same day next year, 367 always is (leap years too).
    too_late = today + timedelta(days=367)
    response = owner_client.post(url, {"expires_on": too_late.isoformat()}, follow=True)
    assert "at most a year" in response.content.decode()
    assert not ShareLink.objects.exists()
    last = today + timedelta(days=365)
    assert owner_client.post(url, {"expires_on": last.isoformat()}).status_code == 302
    assert ShareLink.objects.get().expires_on == last


def test_revoked_links_404_everywhere(team, song, editor_client):
    token = make_link(editor_client, song, allow_comments="1", allow_downloads="1")
    link = ShareLink.objects.get()
    editor_client.post(reverse("shares:share_revoke", args=[link.id]))
    guest = Client()
    assert guest.get(reverse("shares:share_page", args=[token])).status_code == 404
    assert (
        guest.get(reverse("shares:share_media", args=[token, song.id, "audio"])).status_code == 404
    )
    response = guest.post(reverse("shares:share_comment", args=[token]), {"song": str(song.id)})
    assert response.status_code == 404
    settings_page = editor_client.get(reverse("workspaces:workspace_settings")).content.decode()
    assert "revoked" in settings_page
    assert "Client Cut" in settings_page


def test_expiry_counts_the_whole_last_day(team, song, settings):
    settings.TIME_ZONE = "UTC"
    link, token = issue(song, expires_on=date(2030, 3, 10))
    assert shares.find(token, datetime(2030, 3, 10, 23, 59, 59, tzinfo=UTC)) == link
    assert shares.find(token, datetime(2030, 3, 11, 0, 0, 0, tzinfo=UTC)) is None
    assert shares.find(token, datetime(2029, 1, 1, tzinfo=UTC)) == link


def test_an_expired_link_404s(team, song):
    _link, token = issue(song, expires_on=PAST)
    guest = Client()
    assert guest.get(reverse("shares:share_page", args=[token])).status_code == 404
    assert (
        guest.get(reverse("shares:share_media", args=[token, song.id, "audio"])).status_code == 404
    )


def test_unknown_and_malformed_tokens_404(team, song):
    issue(song)
    guest = Client()
    for token in ("x" * 43, "short", "a" * 200, "%00"):
        assert guest.get(f"/s/{token}/").status_code == 404


def test_a_guest_reaches_only_what_was_shared(team, song, settings):
    other = make_song(team.workspace, team.owner, title="Unreleased")
    elsewhere_owner = make_user("eve")
    foreign = make_song(Workspace.objects.get(memberships__user=elsewhere_owner), elsewhere_owner)
    _link, token = issue(song)
    guest = Client()
    html = guest.get(reverse("shares:share_page", args=[token])).content.decode()
    assert "Unreleased" not in html
    for target in (other, foreign):
        assert (
            guest.get(reverse("shares:share_media", args=[token, target.id, "audio"])).status_code
            == 404
        )
    assert (
        guest.get(reverse("shares:share_media", args=[token, song.id, "video"])).status_code == 404
    )
    # The studio's own views still want a login.
    assert guest.get(reverse("library:song", args=[song.id])).status_code == 302
    assert guest.get(reverse("library:song_media", args=[song.id, "audio"])).status_code == 302
    assert (
        guest.get(reverse("shares:share_zip", args=[token])).status_code == 404
    )  # a song, not a project


def test_a_project_link_plays_its_songs_in_order_and_nothing_else(team, song, settings):
    project = Project.objects.create(workspace=team.workspace, name="Ad spots")
    second = make_song(team.workspace, team.owner, title="Second spot")
    outside = make_song(team.workspace, team.owner, title="Not in it")
    projects.add_song(project, second)
    projects.add_song(project, song)
    _link, token = issue(project, allow_downloads=True)
    guest = Client()
    html = guest.get(reverse("shares:share_page", args=[token])).content.decode()
    assert html.index("Second spot") < html.index("Client Cut")
    assert "Not in it" not in html
    assert (
        guest.get(reverse("shares:share_media", args=[token, song.id, "audio"])).status_code == 200
    )
    assert (
        guest.get(reverse("shares:share_media", args=[token, outside.id, "audio"])).status_code
        == 404
    )
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
    }
    assert guest.get(reverse("shares:share_zip", args=[token])).status_code == 202  # being built
    response = guest.get(reverse("shares:share_zip", args=[token]))
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert b"02 Client Cut.mp3" in b"".join(response.streaming_content)
    # A song taken out of the project is out of the link too.
    projects.remove_song(project, song.id)
    assert (
        guest.get(reverse("shares:share_media", args=[token, song.id, "audio"])).status_code == 404
    )


def test_zip_download_needs_the_link_to_allow_downloads(team, song):
    project = Project.objects.create(workspace=team.workspace, name="EP")
    projects.add_song(project, song)
    _link, token = issue(project)
    assert Client().get(reverse("shares:share_zip", args=[token])).status_code == 403


def test_guests_comment_with_a_name_and_see_only_their_links_comments(team, song, owner_client):
    owner_client.post(
        reverse("reviews:comment_post", args=[song.id]), {"body": "Internal: mix v2 is better"}
    )
    closed, closed_token = issue(song)
    link, token = issue(song, allow_comments=True)
    guest = Client()
    url = reverse("shares:share_comment", args=[token])
    assert (
        guest.post(
            reverse("shares:share_comment", args=[closed_token]), {"song": str(song.id)}
        ).status_code
        == 403
    )
    response = guest.post(url, {"song": str(song.id), "body": "Love the intro"})
    assert response.status_code == 400
    assert "Say who you are" in response.content.decode()
    response = guest.post(
        url, {"song": str(song.id), "name": "Dana (client)", "body": "Love the intro", "at": "0:12"}
    )
    assert response.status_code == 302
    comment = Comment.objects.get(share=link)
    assert (comment.author, comment.guest_name, comment.at_seconds) == (None, "Dana (client)", 12.0)
    html = guest.get(reverse("shares:share_page", args=[token])).content.decode()
    assert "Love the intro" in html
    assert "Internal: mix v2" not in html
    team_page = owner_client.get(reverse("library:song", args=[song.id])).content.decode()
    assert "Dana (client) (guest)" in team_page
    assert "Love the intro" in team_page
    other = make_song(team.workspace, team.owner)
    response = guest.post(url, {"song": str(other.id), "name": "Dana", "body": "x"})
    assert response.status_code == 404
    assert closed.comments.count() == 0


def test_links_are_listed_in_settings_for_members(team, song, owner_client, viewer_client):
    make_link(owner_client, song, allow_downloads="1")
    html = viewer_client.get(reverse("workspaces:workspace_settings")).content.decode()
    assert "Share links" in html
    assert "Client Cut" in html
    assert "listen, download" in html
    assert "Revoke" not in html
    assert "/s/" not in html


def test_the_owner_is_told_that_guests_without_downloads_can_still_record(
    team, song, editor_client
):
    html = editor_client.get(reverse("library:song", args=[song.id])).content.decode()
    assert "Without downloads, guests still hear the full song in full quality" in html
    assert "can also record it" in html


def test_the_new_link_is_shown_where_it_was_made_with_a_copy_button(team, song, owner_client):
    response = owner_client.post(
        reverse("shares:share_song", args=[song.id]), {"expires_on": LATER}
    )
    assert response["Location"] == reverse("library:song", args=[song.id]) + "#new-share"
    page = owner_client.get(reverse("library:song", args=[song.id])).content.decode()
    assert 'id="new-share-url"' in page
    assert 'data-copy="new-share-url"' in page
    # Shown once, and not on the settings page.
    assert (
        'id="new-share-url"'
        not in owner_client.get(reverse("library:song", args=[song.id])).content.decode()
    )
    project = Project.objects.create(workspace=team.workspace, name="EP")
    owner_client.post(reverse("shares:share_project", args=[project.id]), {"expires_on": LATER})
    other = make_song(team.workspace, team.owner)
    # Another page does not take it: the project's page does.
    assert (
        'id="new-share-url"'
        not in owner_client.get(reverse("library:song", args=[other.id])).content.decode()
    )
    page = owner_client.get(reverse("projects:project", args=[project.id])).content.decode()
    assert 'id="new-share-url"' in page


def test_the_owner_changes_the_last_day_within_a_year(team, song, owner_client, viewer_client):
    link, _token = issue(song, created_by=team.owner)
    url = reverse("shares:share_expiry", args=[link.id])
    day = timezone.localdate() + timedelta(days=200)
    response = owner_client.post(url, {"expires_on": day.isoformat()})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.expires_on == day
    too_late = timezone.localdate() + timedelta(days=400)
    response = owner_client.post(url, {"expires_on": too_late.isoformat()})
    assert response.status_code == 400
    assert "at most a year" in response.content.decode()
    assert owner_client.post(url, {"expires_on": "2000-01-01"}).status_code == 400
    assert viewer_client.post(url, {"expires_on": day.isoformat()}).status_code == 403
    # A link is made for at most a year too.
    made = owner_client.post(
        reverse("shares:share_song", args=[song.id]), {"expires_on": too_late.isoformat()}
    )
    assert made.status_code == 302
    assert ShareLink.objects.count() == 1


def test_revoking_asks_first(team, song, owner_client):
    issue(song, created_by=team.owner)
    html = owner_client.get(reverse("workspaces:workspace_settings")).content.decode()
    assert '<details class="confirm revoke">' in html
    assert "Whoever has this link can no longer open it." in html
