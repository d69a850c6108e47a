"""What a new user does in the studio, in a real browser, against the emulator."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from studio.models import Job, Membership, Role, Song

WAIT = 40_000  # ms: a job takes ~3 s in the emulator, plus the poll's 3 s rhythm

pytestmark = pytest.mark.django_db(transaction=True)


def audio_ready(page, selector: str) -> None:
    """Play the element and wait until it has real data (readyState >= 2, a duration)."""
    # play() refuses while the file is still being copied; the player tries again itself.
    page.eval_on_selector(selector, "a => { a.muted = true; a.play().catch(() => null); }")
    page.wait_for_function(
        "s => { const a = document.querySelector(s); return a.readyState >= 2 && a.duration > 0; }",
        arg=selector,
        timeout=WAIT,
    )


def wait_for_jobs_to_finish(page) -> None:
    expect(page.locator("#song-jobs li.is-on_queue, #song-jobs li.is-submitting")).to_have_count(
        0, timeout=WAIT
    )


def test_new_user_makes_and_remixes_a_song(studio, page, shot):
    page.set_default_timeout(WAIT)
    # Sign up.
    page.goto(studio.url + "/accounts/signup/")
    page.fill("#id_username", "newcomer")
    page.fill("#id_email", "newcomer@example.com")
    page.fill("#id_password1", "a-long-and-fine-passphrase")
    page.fill("#id_password2", "a-long-and-fine-passphrase")
    page.click("form button[type=submit]")
    expect(page).to_have_url(studio.url + "/")
    expect(page.locator("text=No songs yet")).to_be_visible()
    shot(page, "library-empty")

    # Generate a song.
    page.click("a[href='/create/'][role=button]")
    page.fill("#id_sound_prompt", "dreamy synth-pop with a warm bass line")
    # The lyrics assistant writes into the lyrics box, without leaving the page.
    page.locator("details.assistant summary").click()
    page.fill("#id_lyrics_prompt", "first light over a quiet sea")
    page.click("#lyrics-go")
    expect(page.locator("#lyrics-status")).to_contain_text("Lyrics written", timeout=WAIT)
    expect(page.locator("#id_lyrics_text")).to_have_value(re.compile(r"\S[\s\S]{20,}"))
    page.fill("#id_title", "First Light")
    page.fill("#id_weirdness", "0.3")
    shot(page, "create")
    # An impatient second click, while the first is on its way, still makes one song.
    page.evaluate(
        "() => { const b = document.querySelector('button.big'); b.click();"
        " setTimeout(() => b.click(), 150); }"
    )
    expect(page).to_have_url(studio.url + "/", timeout=WAIT)  # the job is sent first
    job_card = page.locator("article.job")
    expect(job_card).to_have_count(1)
    assert Job.objects.filter(action="music").count() == 1
    shot(page, "library-running")

    # Watch it finish without reloading: the same document turns the card into a song.
    page.evaluate("window.__sameDocument = true")
    song_card = page.locator("article.card:not(.job)", has_text="First Light")
    expect(song_card).to_have_count(1, timeout=WAIT)
    assert page.evaluate("window.__sameDocument") is True
    expect(job_card).to_have_count(0)
    # Once its files are copied, the card gets its waveform picture, still without a reload.
    expect(song_card.locator("svg.wave path")).to_have_count(1, timeout=WAIT)
    assert page.evaluate("window.__sameDocument") is True
    shot(page, "library-done")

    # Play it through the player bar: its audio element loads real data.
    page.locator("article.card:not(.job) [data-player=play]").click()
    audio_ready(page, "#player-audio")

    # The song page: big player with the waveform drawn by wavesurfer.
    song = Song.objects.get(title="First Light")
    page.click("article.card:not(.job) h3 a")
    expect(page.locator("h1#song-title")).to_have_text("First Light")
    wave = page.locator("#waveform")
    expect(wave).to_have_attribute("data-ready", "true")
    audio_ready(page, "#player-audio")
    page.eval_on_selector("#player-audio", "a => a.pause()")
    shot(page, "song")

    # From the keyboard: [ and ] at the playing position mark a section.
    wave.focus()
    page.eval_on_selector("#player-audio", "a => { a.currentTime = 10; }")
    page.keyboard.press("[")
    page.eval_on_selector("#player-audio", "a => { a.currentTime = 20; }")
    page.keyboard.press("]")
    expect(page.locator("#id_replace_starts")).to_have_value("10.00")
    expect(page.locator("#id_replace_ends")).to_have_value("20.00")

    # Select a region by dragging across the waveform: it fills replace's start and end.
    box = wave.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.25, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.4, y, steps=8)
    page.mouse.move(box["x"] + box["width"] * 0.5, y, steps=8)
    page.mouse.up()
    expect(page.locator("#panel-replace")).to_have_attribute("open", "")
    starts = float(page.input_value("#id_replace_starts"))
    ends = float(page.input_value("#id_replace_ends"))
    assert 0 < starts < ends <= (song.duration or 1000)
    expect(page.locator("#region-readout")).to_contain_text("selected")
    shot(page, "song-region")
    page.fill("#id_replace_sound_prompt", "a soaring guitar solo")
    page.click("#panel-replace button[type=submit]")
    expect(page.locator("#song-jobs")).to_contain_text("Replace section")
    shot(page, "song-replace-running")

    # Extend from a point chosen by clicking the waveform.
    wave.click(position={"x": box["width"] * 0.8, "y": box["height"] / 2})
    point = float(page.input_value("#id_extend_starts"))
    assert point > 0
    expect(page.locator("#panel-extend")).to_have_attribute("open", "")  # the click opened it
    page.click("#panel-extend button[type=submit]")
    expect(page.locator(".message-success")).to_contain_text("Extend started")

    # Both children land in the family tree without a reload.
    tree = page.locator("#family")
    expect(tree.locator("a", has_text="First Light")).to_have_count(2, timeout=WAIT)
    expect(tree).to_contain_text("Replaced section")
    expect(tree).to_contain_text("Extension")
    replace_job = song.child_jobs.get(action="replace")
    assert replace_job.params["starts"] == pytest.approx(starts, abs=0.01)
    assert replace_job.params["ends"] == pytest.approx(ends, abs=0.01)
    assert song.child_jobs.get(action="extend").params["starts"] == pytest.approx(point, abs=0.01)
    wait_for_jobs_to_finish(page)

    # Split stems: one player per stem, each downloadable.
    page.click("text=Split into stems")
    stems = page.locator(".stems li")
    expect(stems.first).to_be_visible(timeout=WAIT)
    assert stems.count() >= 2
    # A stem plays through the player bar too.
    stems.first.locator("[data-player=play]").click()
    expect(page.locator("#player [data-part=title]")).to_contain_text("First Light · ")
    audio_ready(page, "#player-audio")
    with page.expect_download() as stem_download:
        stems.first.locator("a").click()
    assert stem_download.value.suggested_filename.lower().endswith((".mp3", ".wav"))

    # Download the MP3: the studio holds the song's MP3, so it is free, with nothing to prepare.
    expect(page.locator("#files button:has-text('Prepare MP3')")).to_have_count(0)
    mp3_link = page.locator("#files a", has_text=re.compile(r"^MP3"))
    expect(mp3_link).to_be_visible(timeout=WAIT)
    with page.expect_download() as mp3_download:
        mp3_link.click()
    path = mp3_download.value.path()
    assert mp3_download.value.suggested_filename.endswith(".mp3")
    with open(path, "rb") as handle:
        head = handle.read(4)
    assert head[:3] == b"ID3" or (head[0] == 0xFF and head[1] & 0xE0 == 0xE0)

    # Make a video, and play it.
    page.select_option("#id_video_preset", "player")
    page.click("text=Make a video")
    expect(page.locator("video.video")).to_be_visible(timeout=WAIT)
    # The emulator renders the video and the worker copies it in before it plays: on a busy
    # machine that alone can take most of a minute.
    page.wait_for_function(
        "() => { const v = document.querySelector('video.video'); v.muted = true;"
        " if (v.error) v.load(); v.play().catch(() => null);"
        " return v.readyState >= 2 && v.duration > 0; }",
        timeout=3 * WAIT,
        polling=500,
    )
    page.eval_on_selector("video.video", "v => v.pause()")
    shot(page, "song-files")

    # The family tree from a child: its ancestor is a link, A/B compare is offered.
    page.locator("#family a", has_text="First Light").first.click()
    expect(page.locator("#family li.current")).to_be_visible()
    expect(page.locator("#family a", has_text="First Light")).to_have_count(1)
    expect(page.locator("#ab-play")).to_be_visible()
    page.click("#ab-play")
    page.click(".ab-pick[data-ab=b]")
    expect(page.locator(".ab-pick[data-ab=b]")).to_have_attribute("aria-pressed", "true")
    page.click("#ab-play")
    shot(page, "song-child")


def test_viewer_listens_but_cannot_remix(studio, login, shot, page):
    owner = User.objects.create_user("owner1", "o@example.com", "pw-owner-long-enough")
    workspace = owner.memberships.get().workspace
    viewer = User.objects.create_user("listener", "l@example.com", "pw-viewer-long-enough")
    Membership.objects.create(workspace=workspace, user=viewer, role=Role.VIEWER)
    viewer.profile.current_workspace = workspace
    viewer.profile.save()
    song = Song.objects.create(
        workspace=workspace,
        music_id="m-viewer",
        title="Shared Tune",
        duration=30,
        peaks=[0.2, 0.6, 1.0, 0.5] * 40,
        created_by=owner,
    )
    song.root = song
    song.save()

    login(viewer)
    expect(page.locator("article.card", has_text="Shared Tune")).to_be_visible()
    expect(page.locator("a[href='/create/']")).to_have_count(0)
    expect(page.locator(".fav-btn")).to_have_count(0)
    shot(page, "library-viewer")

    page.click("text=Shared Tune")
    expect(page.locator("h1#song-title")).to_have_text("Shared Tune")
    expect(page.locator("section.remix")).to_have_count(0)
    expect(page.locator("form[action*='/do/']")).to_have_count(0)
    expect(page.locator("text=Download audio")).to_be_visible()
    status = page.evaluate(
        """async (url) => {
            const token = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken'];
            const r = await fetch(url, {method: 'POST', headers: {'X-CSRFToken': token},
                                        body: new URLSearchParams({preset: 'simple'})});
            return r.status;
        }""",
        f"/songs/{song.id}/do/generate-video/",
    )
    assert status == 403
    shot(page, "song-viewer")


def test_phone_layout(studio, login, shot, page):
    user = User.objects.create_user("phone", "p@example.com", "pw-phone-long-enough")
    workspace = user.memberships.get().workspace
    for n in range(3):
        song = Song.objects.create(
            workspace=workspace,
            music_id=f"m-phone-{n}",
            title=f"Pocket Song {n}",
            duration=95,
            peaks=[0.3, 0.9, 0.5, 0.7] * 30,
            created_by=user,
        )
        song.root = song
        song.save()
    page.set_viewport_size({"width": 390, "height": 844})
    login(user)
    cards = page.locator("article.card")
    expect(cards).to_have_count(3)
    shot(page, "library-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "() => Array.from(document.querySelectorAll('body *'))"
        ".filter(e => e.getBoundingClientRect().right > 391).slice(0, 5)"
        ".map(e => e.tagName + '.' + e.className)"
    )
    assert width <= 390, f"nothing sticks out sideways on a phone: {wide}"
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    page.click("text=Pocket Song 0")
    expect(page.locator("#waveform")).to_have_attribute("data-ready", "true")
    wide = page.evaluate(
        "() => Array.from(document.querySelectorAll('body *'))"
        ".filter(e => e.getBoundingClientRect().right > 391).slice(0, 5)"
        ".map(e => e.tagName + '.' + e.className + '#' + e.id)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide
    shot(page, "song-phone")


def test_upload_a_file_that_becomes_a_root_song(studio, login, shot, page, tmp_path):
    import math
    import struct
    import wave

    page.set_default_timeout(WAIT)
    path = tmp_path / "hum.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        frames = (int(8000 * math.sin(2 * math.pi * 220 * n / 16000)) for n in range(32000))
        out.writeframes(b"".join(struct.pack("<h", value) for value in frames))
    user = User.objects.create_user("uploader", "u@example.com", "pw-uploader-long-enough")
    login(user, "/upload/")
    page.set_input_files("#id_file", str(path))
    shot(page, "upload")
    page.click("main form button[type=submit]")
    expect(page).to_have_url(studio.url + "/")
    expect(page.locator("article.card:not(.job) .rel-upload")).to_have_count(1, timeout=WAIT)
    song = Song.objects.get(workspace__memberships__user=user)
    assert song.relation == "upload"
    assert song.parent_id is None
    page.locator("article.card:not(.job) [data-player=play]").click()
    audio_ready(page, "#player-audio")


def test_library_grid_search_and_job_states(studio, login, shot, page):
    from studio.models import JobStatus, Relation

    user = User.objects.create_user("grid", "g@example.com", "pw-grid-long-enough")
    workspace = user.memberships.get().workspace
    relations = [Relation.ORIGINAL, Relation.EXTEND, Relation.COVER, Relation.REPLACE]
    for n, name in enumerate(["Harbour Lights", "Neon Rain", "Glass Hours", "Paper Moon"] * 2):
        song = Song.objects.create(
            workspace=workspace,
            music_id=f"m-grid-{n}",
            title=f"{name} {n}",
            relation=relations[n % 4],
            model="FUZZ-2.0",
            duration=60 + 17 * n,
            peaks=[abs(((i * 37 + n * 11) % 100) / 100 - 0.3) for i in range(200)],
            created_by=user,
            favourite=n == 2,
        )
        song.root = song
        song.save()
    Job.objects.create(
        workspace=workspace,
        user=user,
        action="music",
        status=JobStatus.ON_QUEUE,
        progress=45,
        params={"title": "Still cooking"},
    )
    Job.objects.create(
        workspace=workspace,
        user=user,
        action="cover",
        status=JobStatus.FAILED,
        error="The music service refused the prompt.",
        params={"title": "Refused"},
    )
    login(user)
    expect(page.locator("article.card")).to_have_count(10)
    expect(page.locator("article.job")).to_contain_text(["failed", "running 45%"])
    shot(page, "library-grid")

    page.evaluate("window.__sameDocument = true")
    page.fill("#f-q", "neon")
    expect(page.locator("article.card")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"q=neon"))
    page.select_option("select[name=sort]", "old")
    expect(page.locator("article.card h3").first).to_have_text("Neon Rain 1")
    assert page.evaluate("window.__sameDocument") is True
    page.locator(".fav-btn").first.click()
    expect(page.locator(".fav-btn").first).to_have_attribute("aria-pressed", "true")
    assert Song.objects.get(title="Neon Rain 1").favourite
