"""A share link in a real browser: opened in a fresh context, with no account and no
session, it plays the song."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from studio.models import Workspace
from studio.models.shares import ShareLink
from tests.browser.test_projects import archived_song

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_share_link_plays_for_a_guest_without_login(studio, login, browser, shot):
    owner = User.objects.create_user("owner", "owner@example.com", "pw")
    workspace = Workspace.objects.get(memberships__user=owner)
    song = archived_song(workspace, owner, "For the client", seconds=6.0)

    # The owner makes the link on the song page and copies it right there.
    page = login(owner, f"/songs/{song.id}/")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=studio.url)
    page.click("details.share-new summary")
    later = timezone.localdate() + timedelta(days=30)
    page.fill("input[name=expires_on]", later.isoformat())
    page.check("input[name=allow_comments]")
    page.click("details.share-new button[type=submit]")
    expect(page.locator("#new-share-url")).to_be_visible()
    url = page.input_value("#new-share-url")
    assert re.fullmatch(re.escape(studio.url) + r"/s/[A-Za-z0-9_-]{43}/", url)
    page.click("[data-copy=new-share-url]")
    expect(page.locator("[data-copy=new-share-url]")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == url
    page.locator("#new-share").scroll_into_view_if_needed()
    shot(page, "share-new-link-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#new-share").scroll_into_view_if_needed()
    shot(page, "share-new-link-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert ShareLink.objects.get().allow_comments

    guest = browser.new_context()
    assert guest.cookies() == []
    visit = guest.new_page()
    response = visit.goto(url)
    assert response.status == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    expect(visit.locator("h1")).to_have_text("For the client")
    visit.eval_on_selector("#share-audio", "a => { a.muted = true; return a.play(); }")
    visit.wait_for_function(
        "() => { const a = document.querySelector('#share-audio');"
        " return a.readyState >= 2 && a.duration > 5 && a.currentTime > 0.3; }"
    )
    shot(visit, "share-page")
    # A guest comment with a name lands on the team's song page.
    visit.fill("#id_name", "Dana")
    visit.fill("#id_body", "Great opening")
    visit.click("#comment-form button[type=submit]")
    expect(visit.locator(".threads")).to_contain_text("Great opening")
    guest.close()
