"""A Flow Music song in a real browser: created through its model, extended from a point
picked on the waveform, covered, and all three in its family tree."""

import pytest
from playwright.sync_api import expect

from contract.engines import Engine
from studio.models import Song

WAIT = 60_000  # ms: a job takes ~3 s in the emulator, plus the poll's 3 s rhythm

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for_jobs_to_finish(page) -> None:
    expect(page.locator("#song-jobs li.is-on_queue, #song-jobs li.is-submitting")).to_have_count(
        0, timeout=WAIT
    )


def test_a_flow_music_song_extended_and_covered(studio, team, login, shot, settings):
    settings.TTAPI_DISABLED_ENGINES = []
    settings.FLOWMUSIC_MODELS = []
    page = login(team.editor, "/create/")
    page.set_default_timeout(WAIT)

    # The model picks the engine: Flow Music's fields replace the strength sliders.
    expect(page.locator("#id_weirdness")).to_be_visible()
    expect(page.locator("#id_bpm")).to_be_hidden()
    page.select_option("#id_model", "flowmusic:Lyria 3 Pro")
    expect(page.locator("#id_bpm")).to_be_visible()
    expect(page.locator("#id_length")).to_be_visible()
    expect(page.locator("#id_weirdness")).to_be_hidden()
    page.fill("#id_sound_prompt", "bright funk with slap bass and horns")
    page.fill("#id_title", "Sunday Groove")
    page.fill("#id_bpm", "104")
    page.fill("#id_length", "20")
    shot(page, "flow-create")
    page.click("button.big")
    expect(page).to_have_url(studio.url + "/")

    card = page.locator("article.card:not(.job)", has_text="Sunday Groove")
    expect(card).to_have_count(1, timeout=WAIT)
    song = Song.objects.get(title="Sunday Groove")
    assert song.engine == Engine.FLOWMUSIC
    assert song.job.params["bpm"] == "104"
    assert "weirdness" not in song.job.params
    assert song.duration == pytest.approx(20, abs=0.1)

    # The song page offers Flow Music's actions only.
    page.goto(f"{studio.url}/songs/{song.id}/")
    wave = page.locator("#waveform")
    expect(wave).to_have_attribute("data-ready", "true", timeout=WAIT)
    expect(page.locator("#panel-vocals-swap")).to_have_count(0)
    expect(page.locator("#panel-variation")).to_have_count(0)
    shot(page, "flow-song")

    # A point past the end is refused on the form, before anything is sent.
    page.locator("#panel-extend summary").click()
    page.fill("#id_flow_extend_extend_from_s", "999")
    page.fill("#id_flow_extend_instruction", "more")
    page.click("#panel-extend button[type=submit]")
    expect(page.locator("#panel-extend .field-error")).to_contain_text("past the end", timeout=WAIT)
    assert not song.child_jobs.exists()
    shot(page, "flow-extend-refused")

    # Extend from a point clicked on the waveform, adding 15 s.
    expect(wave).to_have_attribute("data-ready", "true", timeout=WAIT)
    box = wave.bounding_box()
    wave.click(position={"x": box["width"] * 0.6, "y": box["height"] / 2})
    point = float(page.input_value("#id_flow_extend_extend_from_s"))
    assert 0 < point < 20
    page.fill("#id_flow_extend_extend_s", "15")
    page.fill("#id_flow_extend_instruction", "a horn break, then the groove again")
    shot(page, "flow-extend-form")
    page.click("#panel-extend button[type=submit]")
    expect(page.locator("main")).to_contain_text("Extend started", timeout=WAIT)

    # Cover it with an instruction and a strength.
    page.locator("#panel-cover summary").click()
    page.fill("#id_flow_cover_instruction", "Change this song to jazz style")
    page.fill("#id_flow_cover_strength", "0.7")
    page.click("#panel-cover button[type=submit]")
    expect(page.locator("main")).to_contain_text("Cover started", timeout=WAIT)

    tree = page.locator("#family")
    expect(tree.locator("a", has_text="Sunday Groove")).to_have_count(2, timeout=WAIT)
    expect(tree).to_contain_text("Extension")
    expect(tree).to_contain_text("Cover")
    wait_for_jobs_to_finish(page)
    extend_job = song.child_jobs.get(action="extend")
    assert extend_job.engine == Engine.FLOWMUSIC
    assert extend_job.params["extend_from_s"] == pytest.approx(point, abs=0.01)
    assert extend_job.params["extend_s"] == 15
    extension = Song.objects.get(job=extend_job)
    assert extension.duration == pytest.approx(point + 15, abs=0.2)
    cover = Song.objects.get(job=song.child_jobs.get(action="cover"))
    assert (extension.parent, cover.parent) == (song, song)
    shot(page, "flow-family")

    # After a reload too, the family tree holds all three.
    page.reload()
    expect(page.locator("#family li")).to_have_count(3, timeout=WAIT)
    shot(page, "flow-family-reloaded")
