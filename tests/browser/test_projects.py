"""Projects in a real browser: drag to reorder, and play the project as a queue."""

import io
import math
import struct
import wave

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from studio.models import Workspace
from studio.models.projects import Project
from studio.projects import contents as projects
from tests.factories import make_song

pytestmark = pytest.mark.django_db(transaction=True)


def tone(seconds: float = 4.0, hz: float = 440.0, rate: int = 8000) -> bytes:
    """A short sine-wave WAV: real, playable audio."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = (
            int(12000 * math.sin(2 * math.pi * hz * n / rate)) for n in range(int(seconds * rate))
        )
        out.writeframes(b"".join(struct.pack("<h", f) for f in frames))
    return buffer.getvalue()


def archived_song(workspace, user, title: str, seconds: float = 4.0):
    song = make_song(workspace, user, title=title, duration=seconds)
    song.audio_file.save(f"{title.lower()}.wav", ContentFile(tone(seconds)))
    return song


def test_drag_reorders_and_play_all_plays_the_first(studio, login, shot):
    owner = User.objects.create_user("owner", "owner@example.com", "pw")
    workspace = Workspace.objects.get(memberships__user=owner)
    project = Project.objects.create(workspace=workspace, name="Launch trailer")
    for title in ("Alpha", "Bravo", "Charlie"):
        projects.add_song(project, archived_song(workspace, owner, title))
    page = login(owner, f"/projects/{project.id}/")
    titles = page.locator("#project-songs li .entry-title > a")
    expect(titles).to_have_text(["Alpha", "Bravo", "Charlie"])
    shot(page, "project")

    page.drag_and_drop("#project-songs li:nth-child(3)", "#project-songs li:nth-child(1)")
    expect(page.locator("#order-status")).to_have_text("Order saved.")
    assert [s.title for s in projects.ordered_songs(project)] == ["Charlie", "Alpha", "Bravo"]
    page.reload()
    expect(titles).to_have_text(["Charlie", "Alpha", "Bravo"])

    page.evaluate("() => document.querySelectorAll('audio').forEach(a => { a.muted = true; })")
    page.click("#project-play")
    # Through the player bar, the project as its queue.
    page.wait_for_function(
        "() => { const a = document.getElementById('player-audio');"
        " return a && a.currentTime > 0.3; }"
    )
    expect(page.locator("#player [data-part=title]")).to_have_text("Charlie")
    expect(page.locator("#player [data-part=count]")).to_have_text("3")
    shot(page, "project-playing")
