"""The player bar: it keeps playing while the user moves between studio pages."""

import io
import itertools
import math
import struct
import time
import wave

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from studio.models import ArchiveStatus, Job, JobStatus, Song

WAIT = 20_000

pytestmark = pytest.mark.django_db(transaction=True)


def tone(seconds: int, pitch: float) -> bytes:
    """A quiet sine, 8 kHz mono: small, and long enough to play across a few pages."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        frames = (
            struct.pack("<h", int(3000 * math.sin(2 * math.pi * pitch * n / 8000)))
            for n in range(8000 * seconds)
        )
        wav.writeframes(b"".join(frames))
    return out.getvalue()


def playable_song(workspace, user, title: str, pitch: float = 220.0) -> Song:
    song = Song.objects.create(
        workspace=workspace,
        music_id=f"m-{title}",
        title=title,
        duration=60,
        peaks=[0.3, 0.9, 0.5, 0.7] * 40,
        archive_status=ArchiveStatus.DONE,
        created_by=user,
    )
    song.audio_file.save(f"{title}.wav", ContentFile(tone(60, pitch)), save=False)
    song.root = song
    song.save()
    return song


def position(page) -> float:
    return page.evaluate("document.getElementById('player-audio').currentTime")


def playing_later_than(page, seconds: float) -> None:
    page.wait_for_function(
        "t => { const a = document.getElementById('player-audio');"
        " return !a.paused && a.currentTime > t; }",
        arg=seconds,
        timeout=WAIT,
    )


def test_playback_survives_navigation(studio, login, shot, page):
    page.set_default_timeout(WAIT)
    user = User.objects.create_user("listener", "l@example.com", "pw-listener-long-enough")
    workspace = user.memberships.get().workspace
    first = playable_song(workspace, user, "Harbour Lights")
    playable_song(workspace, user, "Neon Rain", 330.0)
    # A job still running: the library polls for it, one request at a time, on every visit.
    Job.objects.create(workspace=workspace, user=user, action="music", status=JobStatus.ON_QUEUE)
    polls: list[float] = []
    page.on("request", lambda r: polls.append(time.monotonic()) if "/poll/" in r.url else None)
    with page.expect_request(lambda r: "/poll/" in r.url, timeout=2 * WAIT):
        login(user)
    card = page.locator("article.card", has_text="Harbour Lights")
    card.locator("[data-player=play]").click()
    playing_later_than(page, 0.3)
    expect(page.locator("#player [data-part=title]")).to_have_text("Harbour Lights")
    # The card gives only the song's id: its page and audio follow from the bar's patterns.
    expect(page.locator("#player [data-part=title]")).to_have_attribute(
        "href", f"/songs/{first.id}/"
    )
    assert page.evaluate("document.getElementById('player-audio').src").endswith(
        f"/songs/{first.id}/media/audio/"
    )
    # The same document and the same audio element all along: marked here, checked later.
    page.evaluate(
        "() => { window.__sameDocument = true;"
        " document.getElementById('player-audio').__mark = 1; }"
    )
    shot(page, "player-library")

    # Page one: the song page, by its link (boosted navigation).
    card.locator("h3 a").click()
    expect(page.locator("h1#song-title")).to_have_text("Harbour Lights")
    expect(page).to_have_url(f"{studio.url}/songs/{first.id}/")
    at_song = position(page)
    playing_later_than(page, at_song)
    expect(page.locator("#play-toggle")).to_have_attribute("aria-label", "Pause")
    expect(page.locator("audio")).to_have_count(1)  # one player on the song page
    shot(page, "player-song")

    # Page two: the members page from the workspace menu.
    page.locator("summary[data-menu=workspace]").click()
    page.click("text=Members")
    expect(page).to_have_url(f"{studio.url}/workspace/members/")
    later = position(page)
    assert later > at_song
    playing_later_than(page, later)
    assert page.evaluate("window.__sameDocument") is True
    assert page.evaluate("document.getElementById('player-audio').__mark") == 1
    shot(page, "player-members")

    # Back to the library with the browser's back button: still the same playback.
    page.go_back()
    expect(page.locator("h1#song-title")).to_have_text("Harbour Lights")
    with page.expect_request(lambda r: "/poll/" in r.url, timeout=2 * WAIT):
        page.go_back()
    expect(page.locator("article.card:not(.job)")).to_have_count(2)
    playing_later_than(page, later)
    assert page.evaluate("window.__sameDocument") is True
    page.wait_for_timeout(3500)
    # Each library visit polls on its own rhythm: never two pollers at once.
    gaps = [b - a for a, b in itertools.pairwise(polls)]
    assert len(polls) >= 3, gaps
    assert min(gaps) > 2, gaps


def test_queue_keyboard_and_waveform(studio, login, shot, page):
    page.set_default_timeout(WAIT)
    user = User.objects.create_user("queuer", "q@example.com", "pw-queuer-long-enough")
    workspace = user.memberships.get().workspace
    one = playable_song(workspace, user, "Song One")
    two = playable_song(workspace, user, "Song Two", 330.0)
    login(user)
    page.locator("article.card", has_text="Song One").locator("[data-player=play]").click()
    playing_later_than(page, 0.1)
    page.locator("article.card", has_text="Song Two").locator("[data-player=queue]").click()
    expect(page.locator("#player [data-part=count]")).to_have_text("2")

    # Space pauses and plays (focus on the page, not in a field); Shift+→ goes to the next.
    page.locator("h1").click()
    page.keyboard.press("Space")
    page.wait_for_function("() => document.getElementById('player-audio').paused")
    page.keyboard.press("Space")
    playing_later_than(page, 0.1)
    before = position(page)
    page.keyboard.press("ArrowRight")
    assert position(page) >= before + 4.5
    # Typing in the search field never drives the player.
    page.fill("#f-q", "")
    page.locator("#f-q").press("Space")
    assert page.evaluate("document.getElementById('player-audio').paused") is False
    page.locator("h1").click()
    page.keyboard.press("Shift+ArrowRight")
    expect(page.locator("#player [data-part=title]")).to_have_text("Song Two")
    assert page.evaluate("document.getElementById('player-audio').dataset.song") == str(two.id)

    # The song page of the song playing, from the bar's own link: a click on its waveform
    # seeks the bar there.
    page.evaluate("window.__sameDocument = true")
    page.locator("#player [data-part=title]").click()
    expect(page.locator("h1#song-title")).to_have_text("Song Two")
    assert page.evaluate("window.__sameDocument") is True
    wave = page.locator("#waveform")
    expect(wave).to_have_attribute("data-ready", "true")
    # Its stored peaks came along with the boosted page (htmx drops swapped <script>s).
    assert page.evaluate("JSON.parse(document.getElementById('song-peaks').textContent).length") > 0
    box = wave.bounding_box()
    wave.click(position={"x": box["width"] * 0.75, "y": box["height"] / 2})
    page.wait_for_function(
        "() => Math.abs(document.getElementById('player-audio').currentTime - 45) < 3"
    )
    shot(page, "player-song-seek")

    # A form sent with a mistake (boosted, answered 400) shows its errors; the bar plays on.
    page.click("header a[href='/create/']")
    expect(page).to_have_url(f"{studio.url}/create/")
    page.click("button.big")
    expect(page.locator("main")).to_contain_text("sound", timeout=WAIT)
    expect(
        page.locator("main .errorlist, main .form-errors, main [aria-invalid=true]").first
    ).to_be_visible()
    playing_later_than(page, 40)
    shot(page, "player-create-error")
    page.evaluate("document.getElementById('player-audio').pause()")

    # A plain full load of another song page: the bar comes back where it was, paused.
    page.goto(f"{studio.url}/songs/{one.id}/")
    expect(page.locator("#player [data-part=title]")).to_have_text("Song Two")
    assert position(page) > 40
    page.click("#play-toggle")  # this page's song, from its own button
    expect(page.locator("#player [data-part=title]")).to_have_text("Song One")
    playing_later_than(page, 0.05)
