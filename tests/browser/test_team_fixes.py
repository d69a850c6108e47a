"""What a team hit in its first week, in a real browser at 1280 and 390 px: choosing
several songs, an upload over the limit, stem buttons, full titles in the family tree, the
footer above the player bar and the usage tables on a phone."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from studio.models import Asset, AssetKind, JobStatus, Membership, Role, Song, Workspace
from studio.models.projects import Project
from studio.models.shares import ShareLink
from studio.projects import contents as projects
from tests.browser.test_projects import archived_song
from tests.factories import make_job, make_song

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def owner_and_workspace():
    owner = User.objects.create_user("owner", "owner@example.com", "pw")
    return owner, Workspace.objects.get(memberships__user=owner)


def both_widths(page, shot, name, locator=None):
    for label, size in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        if locator is not None:
            page.locator(locator).first.scroll_into_view_if_needed()
        shot(page, f"{name}-{label}")
    page.set_viewport_size(DESKTOP)


def test_choose_a_range_trash_it_and_undo(studio, login, shot):
    owner, workspace = owner_and_workspace()
    for n in range(4):
        make_song(workspace, owner, title=f"Take {n}")
    page = login(owner, "/")
    boxes = page.locator("[data-pick]")
    expect(boxes).to_have_count(4)
    download = page.locator("#bulk-form button[data-download]")
    expect(download).to_be_disabled()
    boxes.nth(0).click()
    boxes.nth(2).click(modifiers=["Shift"])
    expect(page.locator("[data-count]")).to_have_text("3 selected")
    expect(boxes.nth(1)).to_be_checked()
    expect(boxes.nth(3)).not_to_be_checked()
    expect(download).to_be_enabled()
    # Keyboard: Space on a box toggles it, Escape clears the selection.
    boxes.nth(3).focus()
    page.keyboard.press("Space")
    expect(page.locator("[data-count]")).to_have_text("4 selected")
    expect(page.locator("[data-select-all]")).to_be_checked()
    page.keyboard.press("Escape")
    expect(page.locator("[data-count]")).to_have_text("None selected")
    page.check("[data-select-all]")
    expect(page.locator("[data-count]")).to_have_text("4 selected")
    boxes.nth(3).click()  # three of four
    page.click("details.bulk-trash summary")
    expect(page.locator("details.bulk-trash p")).to_contain_text("an Undo follows")
    both_widths(page, shot, "bulk-confirm", "#bulk-form")
    page.click("details.bulk-trash button[type=submit]")
    expect(page.locator(".notice.undo")).to_contain_text("3 songs went to the trash.")
    expect(page.locator("[data-pick]")).to_have_count(1)
    assert Song.objects.in_trash().count() == 3
    both_widths(page, shot, "bulk-undo", ".notice.undo")
    page.click(".notice.undo button[type=submit]")
    expect(page.locator("[data-pick]")).to_have_count(4)
    assert Song.objects.in_trash().count() == 0

    # Restoring several from the trash page.
    page.locator("[data-pick]").nth(0).click()
    page.locator("[data-pick]").nth(1).click()
    page.click("details.bulk-trash summary")
    page.click("details.bulk-trash button[type=submit]")
    expect(page.locator("[data-pick]")).to_have_count(2)
    page.goto(f"{studio.url}/trash/")
    page.check("[data-select-all]")
    expect(page.locator("[data-count]")).to_have_text("2 selected")
    both_widths(page, shot, "trash-restore", "#bulk-form")
    page.click("#bulk-form button[type=submit]")
    expect(page.locator(".empty")).to_have_text("The trash is empty.")
    assert Song.objects.in_trash().count() == 0


def test_an_upload_over_the_limit_is_refused_before_sending(studio, login, shot, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    owner, _workspace = owner_and_workspace()
    page = login(owner, "/upload/")
    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    page.set_input_files(
        "#dropzone input[type=file]",
        {"name": "big.wav", "mimeType": "audio/wav", "buffer": b"RIFF" + b"\0" * (2 * 1024 * 1024)},
    )
    page.click("main form button[type=submit]")
    expect(page.locator("#file-too-big")).to_have_text(
        "The file is over the limit of 1 MB: choose a smaller one."
    )
    expect(page.locator("main form button[type=submit]")).not_to_have_attribute("aria-busy", "true")
    assert posts == []
    both_widths(page, shot, "upload-too-big", "#dropzone")


def test_stems_tree_footer_and_usage_fit(studio, login, shot):
    owner, workspace = owner_and_workspace()
    root = archived_song(workspace, owner, "Neon Street")
    for label in ("Vocals", "Drums"):
        Asset.objects.create(
            song=root, workspace=workspace, kind=AssetKind.STEM, label=label, archive_status="done"
        )
    long = "Neon Street after midnight with the long rain and the taxi lights"
    child = make_song(workspace, owner, parent=root, title=f"{long} · extend 3")
    page = login(owner, f"/songs/{child.id}/")
    title = page.locator(".tree li.current .node-title strong")
    expect(title).to_have_text(f"{long} · extend 3")
    # Shown whole: not cut with an ellipsis.
    assert title.evaluate("n => n.scrollWidth <= n.clientWidth + 1")
    both_widths(page, shot, "family-tree", "#family")

    page.goto(f"{studio.url}/songs/{root.id}/")
    stems = page.locator(".stems .track-play")
    expect(stems).to_have_count(2)
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        box = stems.first.bounding_box()
        assert abs(box["width"] - box["height"]) < 2, box  # round, not a wide oval
    both_widths(page, shot, "stems", ".stems")

    # A short page: the footer stays above the player bar.
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.goto(f"{studio.url}/projects/")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        footer = page.locator("footer.footer").bounding_box()
        bar = page.locator("#player").bounding_box()
        assert footer["y"] + footer["height"] <= bar["y"] + 1, (size, footer, bar)
    both_widths(page, shot, "footer", "footer.footer")

    # The usage tables at 390 px: nothing cut, the page itself no wider than the screen.
    for n in range(3):
        make_job(
            workspace,
            owner,
            status=JobStatus.SUCCESS,
            quota=Decimal(12 + n),
            params={"sound_prompt": "a very long prompt about neon streets and rain " * 3},
        )
    page.set_viewport_size(PHONE)
    page.goto(f"{studio.url}/workspace/usage/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Every cell on screen: no column left out of sight behind a scroll nobody sees.
    reach = """t => Array.from(t.querySelectorAll('tbody th, tbody td')).every(
        c => c.getBoundingClientRect().right <= innerWidth - 10)"""
    tables = page.locator("main table").all()
    assert len(tables) >= 3
    for table in tables:
        assert table.evaluate(reach)
    both_widths(page, shot, "usage", "main table")


def test_mentions_offer_the_workspace_members(studio, login, shot):
    owner, workspace = owner_and_workspace()
    for name in ("bob", "bea", "zed"):
        member = User.objects.create_user(name, f"{name}@example.com", "pw")
        Membership.objects.create(workspace=workspace, user=member, role=Role.EDITOR)
    User.objects.create_user("bill", "bill@example.com", "pw")  # not a member: never offered
    song = make_song(workspace, owner, title="Mention me")
    page = login(owner, f"/songs/{song.id}/")
    body = page.locator("#comment-form textarea[name=body]")
    body.click()
    body.press_sequentially("Nice bridge @b")
    options = page.locator(".mention-options [role=option]")
    expect(options).to_have_text(["@bea", "@bob"])
    expect(body).to_have_attribute("aria-activedescendant", "mention-option-0")
    both_widths(page, shot, "mentions", "#comment-form")
    body.press("ArrowDown")
    body.press("Enter")
    expect(body).to_have_value("Nice bridge @bob ")
    expect(options).to_have_count(0)
    body.press_sequentially("and @z")
    expect(options).to_have_text(["@zed"])
    body.press("Escape")
    expect(options).to_have_count(0)
    expect(body).to_have_value("Nice bridge @bob and @z")


def test_keep_asks_first_removed_songs_and_comment_errors(studio, login, shot, browser):
    owner, workspace = owner_and_workspace()
    batch = uuid.uuid4()
    takes = []
    for n in range(3):
        job = make_job(workspace, owner, status=JobStatus.SUCCESS, take_batch=batch)
        takes.append(make_song(workspace, owner, job=job, title=f"Take {n}"))
    page = login(owner, f"/takes/{batch}/")
    page.locator("details.confirm summary").first.click()
    expect(page.locator("details.confirm[open] p")).to_contain_text(
        "the other 2 takes go to the trash, where they can be restored"
    )
    assert Song.objects.in_trash().count() == 0  # opening it changed nothing
    both_widths(page, shot, "takes-keep-confirm", "details.confirm[open]")
    page.click("details.confirm[open] button[type=submit]")
    expect(page.locator("h1")).to_have_text("Take 0")
    assert Song.objects.in_trash().count() == 2

    # The project keeps a "removed" line for a trashed song; its share page says one was
    # withdrawn.
    project = Project.objects.create(workspace=workspace, name="Demo EP")
    for song in takes:
        projects.add_song(project, song)
    page.goto(f"{studio.url}/projects/{project.id}/")
    expect(page.locator(".removed-song")).to_have_count(2)
    both_widths(page, shot, "project-removed", ".removed-song")
    _link, token = ShareLink.issue(
        workspace=workspace,
        project=project,
        created_by=owner,
        expires_on=timezone.localdate() + timedelta(days=7),
    )
    guest = browser.new_context()
    visit = guest.new_page()
    visit.goto(f"{studio.url}/s/{token}/")
    expect(visit.locator(".notice.withdrawn")).to_have_text(
        "2 songs were withdrawn from this project by their owners."
    )
    both_widths(visit, shot, "share-withdrawn", ".notice.withdrawn")
    guest.close()

    # A comment at an impossible time comes back on the song page with the reason.
    page.goto(f"{studio.url}/songs/{takes[0].id}/")
    page.fill("#comment-form textarea[name=body]", "Love this part")
    page.fill("#comment-form input[name=at]", "soon")
    page.click("#comment-form button[type=submit]")
    expect(page.locator("#comment-form .field-error")).to_contain_text("minutes:seconds")
    expect(page.locator("#waveform")).to_be_visible()
    expect(page.locator("#comment-form textarea[name=body]")).to_have_value("Love this part")
    both_widths(page, shot, "comment-error", "#comment-form")
