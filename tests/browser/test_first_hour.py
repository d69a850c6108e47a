"""What hurt a new user in their first hour, each checked in a real browser."""

from datetime import timedelta

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from emulator.media import cover_png, video_mp4
from emulator.synth import SAMPLE_RATE, Audio
from studio.models import ArchiveStatus, Asset, AssetKind, Job, JobStatus, Membership, Role
from tests.factories import make_job, make_song

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


def test_a_video_still_being_copied_plays_once_it_is_in(studio, login, page, owner):
    song = make_song(workspace_of(owner), owner, title="Fresh Video")
    video = Asset.objects.create(
        song=song,
        workspace=song.workspace,
        kind=AssetKind.VIDEO,
        label="simple",
        archive_status=ArchiveStatus.PENDING,
    )
    login(owner, f"/songs/{song.id}/")
    player = page.locator("#files video.video")
    player.evaluate("v => { v.muted = true; v.play().catch(() => {}); }")
    # The file answers 404 while it is copied; the page keeps trying.
    expect(player).to_have_attribute("data-tries", "1")
    silence = Audio({"mix": np.zeros((SAMPLE_RATE, 2), dtype=np.float32)})
    mp4 = video_mp4(silence, cover_png({"seed": 1, "prompt": "quiet"}), "simple")
    video.file.save("fresh.mp4", ContentFile(mp4))
    Asset.objects.filter(pk=video.pk).update(archive_status=ArchiveStatus.DONE)
    page.wait_for_function(
        "() => document.querySelector('#files video.video').readyState >= 2", timeout=20_000
    )
    assert player.evaluate("v => v.error") is None


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


def test_lyrics_assistant_never_replaces_typed_lyrics(studio, login, page, shot, owner):
    page.set_default_timeout(WAIT)
    login(owner, "/create/")
    page.fill("#id_lyrics_text", "[Verse]\nMy own first line")
    page.locator("details.assistant summary").click()
    page.fill("#id_lyrics_prompt", "rain on a tin roof")
    page.click("#lyrics-go")
    offer = page.locator("#lyrics-offer")
    expect(offer.locator("#lyrics-draft")).to_be_visible(timeout=WAIT)
    # Still what the user typed, with the assistant's lyrics offered beside it.
    assert page.input_value("#id_lyrics_text") == "[Verse]\nMy own first line"
    shot(page, "create-lyrics-offer")
    draft = offer.locator("#lyrics-draft").text_content()
    offer.locator("[data-lyrics-choice=append]").click()
    value = page.input_value("#id_lyrics_text")
    assert value.startswith("[Verse]\nMy own first line\n\n")
    assert value.endswith(draft)
    expect(offer.locator(".offer-choices")).to_be_hidden()


def test_failed_cards_are_dismissed_and_found_under_the_filter(studio, login, page, owner):
    workspace = workspace_of(owner)
    make_job(workspace, owner, status=JobStatus.FAILED, error="Refused one")
    make_job(workspace, owner, status=JobStatus.FAILED, error="Refused two")
    login(owner)
    cards = page.locator("article.job.is-failed")
    expect(cards).to_have_count(2)
    page.evaluate("window.__sameDocument = true")
    cards.first.locator("button:has-text('Dismiss')").click()
    expect(cards).to_have_count(1)
    assert page.evaluate("window.__sameDocument") is True  # no reload
    page.click("button:has-text('Dismiss all failed')")
    expect(page.locator(".messages")).to_contain_text("Dismissed 1 failed job")
    expect(cards).to_have_count(0)
    page.select_option("select[name=status]", "failed")
    expect(cards).to_have_count(2)


def test_a_bookmarked_create_page_as_viewer_explains_itself(studio, login, page, shot, owner):
    viewer = User.objects.create_user("vic", "vic@example.com", "pw-vic-long-enough")
    Membership.objects.create(workspace=workspace_of(owner), user=viewer, role=Role.VIEWER)
    viewer.profile.current_workspace = workspace_of(owner)
    viewer.profile.save()
    login(viewer, "/create/")
    expect(page.locator(".error-page h1")).to_contain_text("do that here")
    expect(page.locator(".error-page")).to_contain_text("ask an owner for editor rights")
    expect(page.locator("header.topbar")).to_be_visible()
    page.click(".error-page a:has-text('Go to the library')")
    expect(page).to_have_url(studio.url + "/")
    page.goto(studio.url + "/songs/00000000-0000-0000-0000-000000000000/")
    expect(page.locator(".error-page h1")).to_have_text("Nothing here")
    shot(page, "error-404")


def test_reinviting_keeps_the_mailed_link_working(studio, login, page, browser, owner):
    login(owner, "/workspace/members/")
    page.fill("#id_email", "dora@example.com")
    page.click("text=Send invitation")
    first = page.input_value(".copy-field")
    page.fill("#id_email", "dora@example.com")
    page.click("text=Send invitation")
    expect(page.locator(".new-invite")).to_contain_text("The link sent before still works")
    assert page.input_value(".copy-field") == first
    guest = browser.new_context().new_page()
    guest.goto(first)
    expect(guest.locator("h1")).to_have_text(f"Join {workspace_of(owner).name}")
    guest.context.close()


def test_drop_a_file_to_upload_it_under_its_name(studio, login, page, shot, owner, tmp_path):
    import io
    import math
    import struct
    import wave

    page.set_default_timeout(WAIT)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        frames = (int(8000 * math.sin(2 * math.pi * 330 * n / 16000)) for n in range(16000))
        out.writeframes(b"".join(struct.pack("<h", value) for value in frames))
    login(owner, "/upload/")
    expect(page.locator("main")).to_contain_text("up to 50 MB")
    page.evaluate(
        """bytes => {
            const file = new File([new Uint8Array(bytes)], "Morning Hum.wav", {type: "audio/wav"});
            const data = new DataTransfer();
            data.items.add(file);
            const zone = document.getElementById("dropzone");
            zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: data, bubbles: true}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true}));
        }""",
        list(buffer.getvalue()),
    )
    expect(page.locator("#drop-name")).to_have_text("Chosen: Morning Hum.wav")
    shot(page, "upload-dropped")
    page.click("main form button[type=submit]")
    expect(page).to_have_url(studio.url + "/", timeout=WAIT)
    expect(page.locator("article.card:not(.job) h3")).to_have_text("Morning Hum", timeout=WAIT)


def test_footer_says_the_studio_runs_on_the_emulator(studio, login, page, owner, settings):
    settings.TTAPI_API_KEY = ""
    login(owner)
    expect(page.locator("footer")).to_contain_text("running on the built-in emulator")


def test_costs_show_on_buttons_and_the_held_mp3_is_free(studio, login, page, owner, settings):
    settings.TTAPI_API_KEY = ""
    song = make_song(workspace_of(owner), owner, title="Priced", audio_file="songs/p.mp3")
    login(owner, f"/songs/{song.id}/")
    page.locator("#panel-extend summary").click()
    expect(page.locator("#panel-extend button[type=submit]")).to_contain_text("≈ 3 credits")
    expect(page.locator("#budget-line")).to_contain_text("nothing costs money")
    expect(page.locator("#files a:has-text('MP3')")).to_have_attribute(
        "href", f"/songs/{song.id}/media/audio/?download=1"
    )
    expect(page.locator("#files button:has-text('Prepare MP3')")).to_have_count(0)
    expect(page.locator("#files button:has-text('Prepare WAV')")).to_contain_text("≈ 1 credit")


def test_family_tree_is_drawn_as_a_tree(studio, login, page, shot, owner):
    workspace = workspace_of(owner)
    root = make_song(workspace, owner, title="Aurora", duration=95)
    first = make_song(workspace, owner, parent=root, title="Aurora (extension)")
    make_song(workspace, owner, parent=first, title="Aurora (cover)", relation="cover")
    make_song(workspace, owner, parent=root, title="Aurora (variation)", relation="variation")
    login(owner, f"/songs/{root.id}/")
    nodes = page.locator("#family li.node")
    expect(nodes).to_have_count(4)
    expect(nodes.nth(0)).to_have_class("node current")
    for n in range(4):
        node = nodes.nth(n)
        expect(node.locator(".tree-play")).to_have_count(1)
        expect(node.locator(".badge")).to_have_count(1)
        # The whole title shows (it may wrap, with the badge and duration below it).
        title = node.locator(".node-title > *").first
        assert title.evaluate("n => n.scrollWidth <= n.clientWidth + 1")
    # Connectors line up: the child's elbow sits one column right of its parent's.
    elbow = page.locator("#family li.node").nth(2).locator(".g-elbow").bounding_box()
    tee = page.locator("#family li.node").nth(1).locator(".g-tee").bounding_box()
    assert abs(elbow["x"] - (tee["x"] + tee["width"])) < 1
    text = page.locator("#family .tree").inner_text()
    assert "└" not in text
    shot(page, "song-family-tree")


def test_clicking_the_waveform_marks_the_extend_point(studio, login, page, owner):
    song = make_song(workspace_of(owner), owner, title="Marker", duration=120.0)
    login(owner, f"/songs/{song.id}/")
    wave = page.locator("#waveform")
    expect(wave).to_have_attribute("data-ready", "true", timeout=WAIT)
    box = wave.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)
    expect(page.locator("#panel-extend")).to_have_attribute("open", "")
    starts = float(page.input_value("#id_extend_starts"))
    assert 50 < starts < 70
    expect(page.locator("#waveform [part~='marker']")).to_have_count(1)
    expect(page.locator("#panel-replace")).not_to_have_attribute("open", "")
    # A second click moves the one marker.
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] / 2)
    expect(page.locator("#waveform [part~='marker']")).to_have_count(1)
    assert float(page.input_value("#id_extend_starts")) < 40


def test_on_its_way_message_goes_when_the_song_is_done(studio, login, page, owner):
    page.set_default_timeout(WAIT)
    login(owner, "/create/")
    page.fill("#id_sound_prompt", "warm lofi with soft keys")
    page.click("button.big")
    expect(page.locator(".messages")).to_contain_text("on its way")
    expect(page.locator("article.card:not(.job)")).to_have_count(1, timeout=WAIT)
    # Gone once nothing is running or being copied any more, without a reload.
    page.evaluate("window.__sameDocument = true")
    expect(page.locator("input[name=j]")).to_have_count(0, timeout=3 * WAIT)
    expect(page.locator(".message.until-done")).to_have_count(0)
    # In its place, the notice that the song can be played.
    expect(page.locator(".messages")).to_contain_text("ready to play")
    assert page.evaluate("window.__sameDocument") is True


PAGES = {
    "library": "/",
    "create": "/create/",
    "song": "/songs/{song}/",
    "upload": "/upload/",
    "workspaces": "/workspaces/",
    "settings": "/workspace/settings/",
    "members": "/workspace/members/",
    "usage": "/workspace/usage/",
    "activity": "/workspace/activity/",
    "staff": "/staff/",
    "error-404": "/songs/00000000-0000-0000-0000-000000000000/",
}
WIDE = (
    "() => Array.from(document.querySelectorAll('body *'))"
    ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1"
    " && getComputedStyle(e).position !== 'fixed')"
    ".slice(0, 5).map(e => e.tagName + '.' + e.className)"
)


def test_every_page_at_desktop_and_phone_width(studio, login, page, shot, owner):
    owner.is_staff = True
    owner.save()
    workspace = workspace_of(owner)
    for name in ("bob", "carol-with-a-rather-long-username"):
        member = User.objects.create_user(name, f"{name}@example.com", "pw-long-enough-1")
        Membership.objects.create(workspace=workspace, user=member, role=Role.EDITOR)
    song = make_song(workspace, owner, title="A Song Title Long Enough To Need Two Lines Here")
    make_song(workspace, owner, parent=song, title="Its extension")
    make_job(workspace, owner, status=JobStatus.FAILED, error="The music service refused it.")
    login(owner)
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for name, path in PAGES.items():
            page.goto(studio.url + path.format(song=song.id))
            shot(page, f"page-{name}-{width}")
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (
                name,
                page.evaluate(WIDE),
            )
        if width == 390:
            page.goto(studio.url + "/")
            header = page.locator("header.topbar").bounding_box()
            assert header["height"] <= 140, header  # the songs start on the first screen
            page.click("summary[data-menu=workspace]")
            menu = page.locator("details.dropdown[open] > ul").bounding_box()
            assert menu["x"] >= 0, menu
            assert menu["x"] + menu["width"] <= width, menu
            shot(page, "phone-workspace-menu")


# The contrast ratio (WCAG 2) of an element's text against the backgrounds behind it, each
# translucent layer laid over the next one down.
CONTRAST = """(e) => {
  const rgba = (c) => {
    const m = c.match(/[\\d.]+/g).map(Number);
    return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1];
  };
  const layers = [];
  for (let n = e; n; n = n.parentElement) layers.push(rgba(getComputedStyle(n).backgroundColor));
  let back = [0, 0, 0];
  for (const [r, g, b, a] of layers.reverse()) {
    back = [r, g, b].map((v, i) => v * a + back[i] * (1 - a));
  }
  const channel = (v) => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  const weights = [0.2126, 0.7152, 0.0722];
  const lum = (c) => c.slice(0, 3).map(channel).reduce((s, v, i) => s + v * weights[i], 0);
  const [a, b] = [lum(rgba(getComputedStyle(e).color)), lum(back)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def test_song_page_is_legible_and_touchable_on_a_phone(studio, login, page, owner):
    workspace = workspace_of(owner)
    root = make_song(workspace, owner, title="Tide", duration=95)
    make_song(workspace, owner, parent=root, title="Tide (extension)")
    page.set_viewport_size({"width": 390, "height": 844})
    login(owner, f"/songs/{root.id}/")
    # The current node's muted words sit on its tinted background: still 4.5:1 at least.
    muted = page.locator("#family li.current .muted").first
    assert muted.evaluate(CONTRAST) >= 4.5
    # The player bar's title link and seek slider are touch targets of 24 px or more.
    for part in ("title", "seek"):
        box = page.locator(f"#player [data-part={part}]").bounding_box()
        assert box["height"] >= 24, (part, box)
