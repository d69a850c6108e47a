"""Takes in a real browser: Create asks for two, and they land side by side."""

import time

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from studio.models import Job, Song

WAIT = 60_000

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_takes_land_side_by_side(studio, login, shot, page):
    page.set_default_timeout(WAIT)
    user = User.objects.create_user("taker", "t@example.com", "pw-taker-long-enough")
    login(user, "/create/")
    page.fill("#id_sound_prompt", "bright disco with a slap bass")
    page.fill("#id_title", "Mirror Ball")
    page.select_option("#id_takes", "2")
    page.click("button.big")
    expect(page.locator("h1")).to_have_text("Takes", timeout=WAIT)
    assert Job.objects.filter(take_batch__isnull=False).count() == 2
    takes = page.locator("article.take")
    expect(takes).to_have_count(2, timeout=WAIT)
    # Both finish without a reload, each with its own play button, next to each other.
    expect(page.locator("article.take [data-player=play]")).to_have_count(2, timeout=WAIT)
    first, second = takes.nth(0).bounding_box(), takes.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 2
    assert second["x"] > first["x"] + first["width"] / 2
    shot(page, "takes")

    # Played once its file is in the studio (copied right after the job; slow when the
    # machine is busy), so the check below is about playing, not about waiting.
    deadline = time.monotonic() + WAIT / 1000
    done = Song.objects.filter(job__take_batch__isnull=False, archive_status="done")
    while done.count() < 2:
        assert time.monotonic() < deadline, "the takes' files were never copied in"
        time.sleep(0.2)
    takes.nth(1).locator("[data-player=play]").click()
    page.wait_for_function(
        "() => { const a = document.getElementById('player-audio');"
        " return !a.paused && a.currentTime > 0.1; }"
    )
    takes.nth(1).locator("text=Keep this one").click()
    # It says first what happens to the other take, and waits for the answer.
    confirm = takes.nth(1).locator("details.confirm[open]")
    expect(confirm).to_contain_text("the other take goes to the trash")
    confirm.locator("button[type=submit]").click()
    expect(page.locator("h1#song-title")).to_have_text("Mirror Ball", timeout=WAIT)
    assert Song.objects.filter(deleted_at__isnull=False).count() == 1
    assert Song.objects.filter(favourite=True).count() == 1
