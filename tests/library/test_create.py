"""The create page, its errors, and the lyrics assistant."""

import pytest
from django.urls import reverse

from contract.producer import Action
from studio.models import Job, JobStatus, LyricsDraft
from tests.factories import make_job

CREATE = reverse("library:create")
LYRICS = reverse("library:lyrics_start")

GOOD = {
    "sound_prompt": "warm lofi hip hop, vinyl crackle",
    "lyrics_text": "",
    "mv": "FUZZ-2.0",
    "title": "Rainy Window",
    "lyrics_strength": "0.5",
    "sound_strength": "0.7",
    "weirdness": "0.2",
}


@pytest.mark.parametrize("who", ["owner", "editor"])
def test_editors_get_the_form_with_api_field_names(team, who):
    response = team.client_for(getattr(team, who)).get(CREATE)
    html = response.content.decode()
    assert response.status_code == 200
    for name in (
        "sound_prompt",
        "lyrics_text",
        "instrumental",
        "model",
        "title",
        "cover_art_url",
        "seed",
        "lyrics_strength",
        "sound_strength",
        "weirdness",
        "is_storage",
    ):
        assert f'name="{name}"' in html
    assert 'type="range"' in html
    assert 'min="0.2"' in html
    assert "Write lyrics for me" in html


def test_viewer_cannot_create(team, viewer_client):
    assert viewer_client.get(CREATE).status_code == 403
    assert viewer_client.post(CREATE, GOOD).status_code == 403
    assert viewer_client.post(LYRICS, {"prompt": "love"}).status_code == 403
    assert not Job.objects.exists()


def test_anonymous_is_sent_to_log_in(client, db):
    assert client.get(CREATE).status_code == 302
    assert client.post(CREATE, GOOD).status_code == 302


def test_create_submits_a_music_job_and_shows_its_card(team, editor_client):
    response = editor_client.post(CREATE, GOOD)
    assert response.status_code == 302
    assert response["Location"] == reverse("library:library")
    job = Job.objects.get()
    assert job.action == Action.MUSIC
    assert job.workspace == team.workspace
    assert job.user == team.editor
    assert job.params["sound_prompt"] == GOOD["sound_prompt"]
    assert job.params["sound_strength"] == 0.7
    assert "instrumental" not in job.params  # unticked booleans are left out
    html = editor_client.get(reverse("library:library")).content.decode()
    assert f'id="job-{job.id}"' in html
    assert "Rainy Window" in html


def test_errors_sit_next_to_the_field_and_nothing_typed_is_lost(team, editor_client):
    data = {**GOOD, "sound_prompt": "", "lyrics_text": "", "weirdness": "3", "seed": "abc"}
    data["title"] = "Keep me"
    response = editor_client.post(CREATE, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert not Job.objects.exists()
    assert "Must be at most 1" in html or "less than or equal to 1" in html
    assert "Digits only" in html
    assert 'value="Keep me"' in html
    assert 'aria-invalid="true"' in html


def test_the_prompt_rule_comes_from_the_api_rules(team, editor_client):
    response = editor_client.post(CREATE, {**GOOD, "sound_prompt": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Write a sound prompt or lyrics" in html
    assert 'value="Rainy Window"' in html


def test_refusals_are_shown_above_the_form(team, editor_client, settings):
    settings.WORKSPACE_MAX_RUNNING_JOBS = 1
    make_job(team.workspace, team.owner)
    response = editor_client.post(CREATE, GOOD)
    assert response.status_code == 400
    assert "jobs running" in response.content.decode()
    assert Job.objects.count() == 1


def test_switched_off_music_is_explained(team, editor_client, settings):
    settings.TTAPI_DISABLED_ACTIONS = {"music": "Generation is paused for maintenance."}
    html = editor_client.get(CREATE).content.decode()
    assert "Generation is paused for maintenance." in html
    response = editor_client.post(CREATE, GOOD)
    assert response.status_code == 400
    assert not Job.objects.exists()


def test_lyrics_assistant_submits_and_polls(team, editor_client):
    response = editor_client.post(LYRICS, {"prompt": "a summer night drive"})
    html = response.content.decode()
    job = Job.objects.get(action=Action.LYRICS)
    assert job.params == {"prompt": "a summer night drive"}
    assert reverse("library:lyrics_poll", args=[job.id]) in html
    assert "Writing lyrics" in html

    poll = reverse("library:lyrics_poll", args=[job.id])
    assert "hx-trigger" in editor_client.get(poll).content.decode()

    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCESS)
    LyricsDraft.objects.create(
        workspace=team.workspace, job=job, title="Coastline", text="[Verse]\nHeadlights on the sea"
    )
    html = editor_client.get(poll).content.decode()
    # Offered beside the lyrics box, never swapped into it over what was typed.
    assert "hx-swap-oob" not in html
    assert 'id="lyrics-offer"' in html
    assert 'data-lyrics-choice="use"' in html
    assert 'data-lyrics-choice="keep"' in html
    assert "Headlights on the sea" in html
    assert 'data-title="Coastline"' in html
    assert "hx-trigger" not in html  # stops asking


def test_lyrics_assistant_errors(team, editor_client, outsider_client):
    html = editor_client.post(LYRICS, {"prompt": ""}).content.decode()
    assert "required" in html
    job = make_job(team.workspace, team.owner, action=Action.LYRICS, status=JobStatus.FAILED)
    Job.objects.filter(pk=job.pk).update(error="Too short")
    html = editor_client.get(reverse("library:lyrics_poll", args=[job.id])).content.decode()
    assert "Too short" in html
    assert outsider_client.get(reverse("library:lyrics_poll", args=[job.id])).status_code == 404


def test_switched_off_lyrics_assistant_says_why(team, editor_client, settings):
    settings.TTAPI_DISABLED_ACTIONS = {"lyrics": "The lyrics writer is resting."}
    html = editor_client.get(CREATE).content.decode()
    assert "The lyrics writer is resting." in html
    assert 'id="lyrics-go"' not in html
    html = editor_client.post(LYRICS, {"prompt": "rain"}).content.decode()
    assert "The lyrics writer is resting." in html
    assert not Job.objects.exists()


def test_an_unconfirmed_person_is_refused_the_site_key_with_a_way_to_confirm(
    team, editor_client, settings
):
    from studio.models import Profile

    settings.TTAPI_API_KEY = "site-key-0123456789"
    Profile.objects.filter(user=team.editor).update(verified_email="")
    response = editor_client.post(CREATE, GOOD)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Confirm your email address first" in page
    assert reverse("verify_resend") + "?next=" in page  # the notice's "send the link again"
    assert not Job.objects.exists()
