"""Tempo, key and loudness on the cards, the song page and A/B, and the player's equal
loudness: a loud song is turned down, and turning the setting off (kept in localStorage)
plays it as it is. Screenshots at 1280 and 390 px."""

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from studio.models import Relation, Song
from tests.browser.test_player import playable_song

WAIT = 20_000

pytestmark = pytest.mark.django_db(transaction=True)


def measure(song: Song, **figures) -> Song:
    Song.objects.filter(pk=song.pk).update(analysed_at=timezone.now(), lra=6.4, **figures)
    song.refresh_from_db()
    return song


def test_figures_and_equal_loudness(studio, login, shot, page):
    user = User.objects.create_user("fig", "fig@example.com", "pw-long-enough-1")
    workspace = user.memberships.get().workspace
    parent = measure(
        playable_song(workspace, user, "Neon Rain", 220.0),
        bpm=92.0, key="D minor", lufs=-16.8, true_peak=-2.1,
    )  # fmt: skip
    loud = playable_song(workspace, user, "Harbour Lights", 330.0)
    Song.objects.filter(pk=loud.pk).update(parent=parent, root=parent, relation=Relation.EXTEND)
    loud = measure(loud, bpm=128.0, key="A minor", lufs=-8.0, true_peak=-0.3)
    measure(
        playable_song(workspace, user, "Quiet Shore", 440.0),
        bpm=74.5, key="Eb major", lufs=-21.3, true_peak=-6.0,
    )  # fmt: skip

    page = login(user, "/")
    expect(page.locator(f"#song-{loud.pk} .figures")).to_have_text("128 BPM · A minor")
    shot(page, "figures-library-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator(f"#song-{loud.pk} .figures")).to_be_visible()
    shot(page, "figures-library-390")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{studio.url}/songs/{loud.pk}/")
    expect(page.locator(".figures-list")).to_contain_text("-8.0 LUFS")
    expect(page.locator(".playback-gain")).to_contain_text("turns this song down by 6.0 dB")
    expect(page.locator(".ab-figures")).to_contain_text("92.0 BPM")
    shot(page, "figures-song-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator(".figures-list")).to_be_visible()
    shot(page, "figures-song-390")

    # Played from the card: turned down by 6 dB (volume 10^(-6/20) = 0.50).
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(studio.url + "/")
    page.locator(f"#song-{loud.pk} .track-play").click()
    page.wait_for_function("() => !document.getElementById('player-audio').paused", timeout=WAIT)
    volume = page.evaluate("document.getElementById('player-audio').volume")
    assert abs(volume - 10 ** (-6 / 20)) < 0.01
    # A/B: the louder is turned down to the other's level. A: -6 dB; B: +2.8 dB to -14 LUFS,
    # capped at +1.1 by its -2.1 dBTP peak: 7.1 dB apart.
    page.goto(f"{studio.url}/songs/{loud.pk}/")
    ab = page.evaluate("['ab-a', 'ab-b'].map((id) => document.getElementById(id).volume)")
    assert abs(ab[0] - 10 ** (-7.1 / 20)) < 0.01
    assert ab[1] == 1

    # Off: played as it is, and remembered after a reload.
    page.locator(".pbar-queue summary").click()
    page.locator("[data-part=loudness]").uncheck()
    assert page.evaluate("document.getElementById('player-audio').volume") == 1
    assert page.evaluate("localStorage.getItem('studio-equal-loudness')") == "0"
    assert page.evaluate("document.getElementById('ab-a').volume") == 1
    page.reload()
    assert page.locator("[data-part=loudness]").is_checked() is False
