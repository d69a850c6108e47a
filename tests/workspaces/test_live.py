"""Live pages: what one member does shows on the others' open pages through the page's one
poll, which answers an empty 204 while nothing changed in the workspace."""

import re

import pytest
from django.urls import reverse

from contract.producer import Action
from studio.jobs import lifecycle
from studio.models import Job, JobStatus, Song, Workspace
from studio.models.workspaces import touch
from tests.factories import make_job, make_song

POLL = reverse("library:library_poll")


def version(team) -> int:
    return Workspace.objects.get(pk=team.workspace.pk).live_version


def page_version(html: str, url: str) -> str:
    """The version a page's poller asks about."""
    found = re.search(re.escape(url) + r'\?(?:[^"]*&amp;)?v=(\d+)"', html)
    assert found, "the page has no live poll"
    return found.group(1)


def test_touch_bumps_the_version_only_once_the_write_commits(
    team, django_capture_on_commit_callbacks
):
    before = version(team)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        touch(team.workspace.pk)
    assert version(team) == before  # not yet: a page must never see a version before its rows
    for callback in callbacks:
        callback()
    assert version(team) == before + 1


def test_idle_library_poll_is_an_empty_204(team, viewer_client, django_assert_max_num_queries):
    make_song(team.workspace, team.owner, title="Night Drive")
    html = viewer_client.get(reverse("library:library")).content.decode()
    seen = page_version(html, POLL)
    with django_assert_max_num_queries(4):  # session, user, profile, membership + workspace
        response = viewer_client.get(POLL, {"v": seen})
    assert response.status_code == 204
    assert response.content == b""


def test_a_rename_shows_in_a_teammates_open_library(
    team, editor_client, viewer_client, django_capture_on_commit_callbacks
):
    song = make_song(team.workspace, team.owner, title="Night Drive")
    html = viewer_client.get(reverse("library:library")).content.decode()
    seen = page_version(html, POLL)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("library:song_rename", args=[song.id]), {"title": "Day Walk"})
    response = viewer_client.get(POLL, {"v": seen})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('\n<section id="results"') or html.lstrip().startswith(
        '<section id="results"'
    )
    assert "Day Walk" in html
    assert "Night Drive" not in html
    # The new poller asks about the new version: the next idle poll is a 204 again.
    assert viewer_client.get(POLL, {"v": page_version(html, POLL)}).status_code == 204


def test_the_poll_keeps_the_pages_filters(team, viewer_client, django_capture_on_commit_callbacks):
    make_song(team.workspace, team.owner, title="Kept", favourite=True)
    make_song(team.workspace, team.owner, title="Filtered out")
    with django_capture_on_commit_callbacks(execute=True):
        touch(team.workspace.pk)
    html = viewer_client.get(POLL, {"v": "0", "fav": "1"}).content.decode()
    assert "Kept" in html
    assert "Filtered out" not in html
    assert "fav=1&amp;v=" in html


def test_trash_and_restore_show_in_a_teammates_library(
    team, owner_client, viewer_client, django_capture_on_commit_callbacks
):
    song = make_song(team.workspace, team.owner, title="Soon Gone")
    seen = str(version(team))
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("library:song_delete", args=[song.id]))
    html = viewer_client.get(POLL, {"v": seen}).content.decode()
    assert "Soon Gone" not in html
    seen = page_version(html, POLL)
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("library:song_restore", args=[song.id]))
    html = viewer_client.get(POLL, {"v": seen}).content.decode()
    assert "Soon Gone" in html


def test_job_progress_and_a_new_job_bump_the_version(team, django_capture_on_commit_callbacks):
    job = make_job(team.workspace, team.owner, status=JobStatus.ON_QUEUE, progress=10)
    before = version(team)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.apply_parsed(job, _running(job, 55))
    assert version(team) == before + 1
    # A poll's lease or count is not something a page shows: no bump.
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.claim(Job.objects.get(pk=job.pk), lifecycle.poll_lease())
    assert version(team) == before + 1


def _running(job, progress):
    from contract.parsing import JobResult

    return JobResult(
        job_id=job.provider_job_id,
        status="ON_QUEUE",
        action="music",
        progress=progress,
        quota=None,
        message="",
        mv="",
        musics=(),
        title="",
        lyrics="",
        file_url="",
        video_url="",
        raw={},
    )


def test_outsiders_poll_their_own_workspace_only(
    team, outsider_client, django_capture_on_commit_callbacks
):
    make_song(team.workspace, team.owner, title="Secret Song")
    with django_capture_on_commit_callbacks(execute=True):
        touch(team.workspace.pk)
    html = outsider_client.get(POLL, {"v": "999"}).content.decode()
    assert "Secret Song" not in html
    song = Song.objects.get(title="Secret Song")
    poll = reverse("library:song_poll", args=[song.id])
    assert outsider_client.get(poll, {"v": "0"}).status_code == 404


def test_song_page_shows_a_teammates_comment_rename_and_review_status(
    team, owner_client, viewer_client, django_capture_on_commit_callbacks
):
    song = make_song(team.workspace, team.owner, title="Night Drive")
    poll = reverse("library:song_poll", args=[song.id])
    html = viewer_client.get(reverse("library:song", args=[song.id])).content.decode()
    seen = page_version(html, poll)
    assert viewer_client.get(poll, {"v": seen}).status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(
            reverse("reviews:comment_post", args=[song.id]), {"body": "Love the bass"}
        )
        owner_client.post(reverse("library:song_rename", args=[song.id]), {"title": "Day Walk"})
        owner_client.post(reverse("reviews:review_status", args=[song.id]), {"status": "approved"})
    response = viewer_client.get(poll, {"v": seen})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="song-title" hx-swap-oob="true">Day Walk</h1>' in html
    assert '<div id="threads" hx-swap-oob="true">' in html
    assert "Love the bass" in html
    assert '<div id="review-status" hx-swap-oob="true">' in html
    assert "Approved" in html
    # The comment form being typed into is not swapped.
    assert 'id="comment-form"' not in html
    assert viewer_client.get(poll, {"v": page_version(html, poll)}).status_code == 204


def test_song_page_says_when_a_teammate_trashed_the_song(
    team, owner_client, viewer_client, outsider_client, django_capture_on_commit_callbacks
):
    song = make_song(team.workspace, team.owner)
    poll = reverse("library:song_poll", args=[song.id])
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("library:song_delete", args=[song.id]))
    response = viewer_client.get(poll, {"v": "0"})
    assert response.status_code == 200
    assert "moved to the trash" in response.content.decode()
    assert outsider_client.get(poll, {"v": "0"}).status_code == 404


@pytest.mark.parametrize("running", [True, False])
def test_takes_page_polls_live(team, viewer_client, django_capture_on_commit_callbacks, running):
    import uuid

    batch = uuid.uuid4()
    status = JobStatus.ON_QUEUE if running else JobStatus.SUCCESS
    make_job(team.workspace, team.owner, action=Action.MUSIC, status=status, take_batch=batch)
    url = reverse("library:takes", args=[batch])
    html = viewer_client.get(url).content.decode()
    seen = page_version(html, url)
    headers = {"HX-Request": "true"}
    assert viewer_client.get(url, {"v": seen}, headers=headers).status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        touch(team.workspace.pk)
    response = viewer_client.get(url, {"v": seen}, headers=headers)
    assert response.status_code == 200
    assert 'id="takes"' in response.content.decode()
