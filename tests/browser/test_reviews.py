"""Reviews in a real browser: a comment pinned on the waveform becomes a marker there,
and clicking the marker seeks to its moment."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from studio.models import Comment, Workspace
from tests.browser.test_projects import archived_song

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_comment_pinned_on_the_waveform_is_a_marker_that_seeks(studio, login, shot):
    owner = User.objects.create_user("owner", "owner@example.com", "pw")
    workspace = Workspace.objects.get(memberships__user=owner)
    song = archived_song(workspace, owner, "Pinned", seconds=20.0)
    page = login(owner, f"/songs/{song.id}/")
    page.wait_for_function("() => document.querySelector('#waveform').dataset.ready === 'true'")

    # Click three quarters along the waveform: the player seeks there (15 s of 20).
    box = page.locator("#waveform").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] / 3)
    page.wait_for_function("() => Math.abs(window.studioWave.getCurrentTime() - 15) < 1")
    page.click("#pin-playhead")
    expect(page.locator("#id_at")).to_have_value(re.compile(r"^0:1[45](\.\d)?$"))
    page.fill("#id_body", "The bass drops out here")
    page.click("#comment-form button[type=submit]")

    marker = page.locator("#waveform .review-marker")
    expect(marker).to_have_count(1)
    comment = Comment.objects.get()
    assert 14 <= comment.at_seconds <= 16
    # The marker sits where the comment is: three quarters along the waveform.
    box = page.locator("#waveform").bounding_box()
    spot = marker.bounding_box()
    centre = spot["x"] + spot["width"] / 2
    assert abs(centre - (box["x"] + box["width"] * 0.75)) < box["width"] * 0.05
    shot(page, "review-marker")

    page.evaluate("() => window.studioWave.setTime(2)")
    marker.click()
    page.wait_for_function(
        "at => Math.abs(window.studioWave.getCurrentTime() - at) < 0.25", arg=comment.at_seconds
    )
    expect(page.locator(f"#comment-{comment.id}")).to_have_class("thread current")

    # The library card shows the open thread and the review status an editor set.
    page.select_option("#id_review_status", "in_review")
    # The status is saved before the library is opened (else the page may load first).
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.click(".review-status-form button[type=submit]")
    page.goto(studio.url + "/")
    card = page.locator(f"#song-{song.id}")
    expect(card.locator(".comment-count")).to_have_text("1 comment")
    expect(card.locator(".review-badge")).to_have_text("In review")
    shot(page, "library-review-card")
