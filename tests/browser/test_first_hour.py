"""What hurt a new user in their first hour, each checked in a real browser."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from studio.models import Asset, AssetKind, Job
from tests.ui.factories import make_song

WAIT = 40_000  # ms: a job takes ~3 s in the emulator, plus the poll's 3 s rhythm

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def owner(db) -> User:
    return User.objects.create_user("nova", "nova@example.com", "pw-nova-long-enough")


def workspace_of(user: User):
    return user.memberships.get().workspace


def test_song_page_shows_every_video_by_style(studio, login, page, shot, owner):
    song = make_song(workspace_of(owner), owner, title="Three Styles")
    start = timezone.now() - timedelta(hours=3)
    for hours, preset in enumerate(["simple", "modern", "player"]):
        Asset.objects.create(
            song=song,
            workspace=song.workspace,
            kind=AssetKind.VIDEO,
            label=preset,
            file=f"{preset}.mp4",
            created_at=start + timedelta(hours=hours),
        )
    login(owner, f"/songs/{song.id}/")
    videos = page.locator("#files figure.video-item")
    expect(videos).to_have_count(3)
    expect(videos.locator("figcaption strong")).to_have_text(["Player", "Modern", "Simple"])
    shot(page, "song-videos")


def test_extend_past_the_end_is_refused_on_the_form(studio, login, page, owner):
    song = make_song(workspace_of(owner), owner, title="Two Minutes", duration=120.0)
    login(owner, f"/songs/{song.id}/")
    page.locator("#panel-extend summary").click()
    page.fill("#id_extend_starts", "999")
    page.fill("#id_extend_sound_prompt", "keep going")
    page.locator("#panel-extend button[type=submit]").click()
    panel = page.locator("#panel-extend")
    expect(panel).to_have_attribute("open", "")
    expect(panel.locator(".field-error")).to_contain_text("The song is 2:00")
    assert not Job.objects.filter(parent=song).exists()
