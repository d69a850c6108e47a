"""Two people in two browsers: what one does shows on the other's open library and song
page without a reload, through each page's one live poll."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import expect

from studio.models import Membership, Role, Song, Workspace

pytestmark = pytest.mark.django_db(transaction=True)

# The poll runs every 3 s; the rest is room for a busy machine.
SOON = 6_000


def test_a_teammates_work_shows_without_a_reload(studio, login, browser, shot):
    owner = User.objects.create_user("owner", "owner@example.com", "pw")
    workspace = Workspace.objects.get(memberships__user=owner)
    editor = User.objects.create_user("editor", "editor@example.com", "pw")
    Membership.objects.create(workspace=workspace, user=editor, role=Role.EDITOR)
    editor.profile.current_workspace = workspace
    editor.profile.save()

    watcher = login(editor, "/")  # the editor's library, open and left alone
    watcher.evaluate("() => { window.notReloaded = true; }")
    maker = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    client = Client()
    client.force_login(owner)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    maker.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": studio.url}])

    # The owner starts a song: the editor's library shows its job card, then the song.
    maker.goto(studio.url + "/create/")
    maker.fill("#id_sound_prompt", "dreamy synth-pop with a warm bass line")
    maker.fill("#id_title", "Team Song")
    maker.click("button.big")
    expect(watcher.locator("article.card.job")).to_have_count(1, timeout=SOON)
    song_card = watcher.locator("article.card:not(.job)", has_text="Team Song")
    expect(song_card).to_have_count(1, timeout=SOON + 10_000)  # the emulator's time too
    song = Song.objects.get(title="Team Song")
    # The owner, back on the library after starting it, is told it is ready to play.
    expect(maker.locator("#done-notices")).to_contain_text(
        "“Team Song” is ready to play.", timeout=SOON
    )
    # Playable once announced: the card offers play only when the files are the studio's.
    expect(song_card.locator("[data-player=play]")).to_be_visible(timeout=SOON)

    # The editor opens the song in a second tab; the library stays open in the first.
    song_tab = watcher.context.new_page()
    song_tab.goto(f"{studio.url}/songs/{song.id}/")
    song_tab.evaluate("() => { window.notReloaded = true; }")

    # The owner renames it: both of the editor's pages show the new title.
    maker.goto(f"{studio.url}/songs/{song.id}/")
    maker.click("details.inline-edit summary:text('Rename')")
    maker.fill("#id_title", "Team Song (mixed)")
    maker.click("details.inline-edit[open] button[type=submit]")
    expect(song_tab.locator("#song-title")).to_have_text("Team Song (mixed)", timeout=SOON)
    expect(watcher.locator(f"#song-{song.id} h3")).to_have_text("Team Song (mixed)", timeout=SOON)

    # A comment and a review status.
    maker.fill("#id_body", "The bass is great here")
    maker.click("#comment-form button[type=submit]")
    expect(song_tab.locator("#threads")).to_contain_text("The bass is great here", timeout=SOON)
    expect(watcher.locator(f"#song-{song.id} .comment-count")).to_have_text(
        "1 comment", timeout=SOON
    )
    shot(song_tab, "live-song-page")

    # The owner trashes it: it leaves the library, and the song page says so.
    maker.click("details.inline-edit summary:text('Delete')")
    maker.click("details.inline-edit[open] button.danger")
    expect(watcher.locator(f"#song-{song.id}")).to_have_count(0, timeout=SOON)
    expect(song_tab.locator("#live-notice")).to_contain_text("trash", timeout=SOON)
    shot(watcher, "live-library")
    assert watcher.evaluate("() => window.notReloaded === true")
    assert song_tab.evaluate("() => window.notReloaded === true")
