"""'Use these settings' on a song page: Create comes back on the song's engine and model,
with every field the song was made with."""

import pytest
from django.urls import reverse

from contract.engines import Engine
from contract.producer import Action
from studio.models import JobStatus
from tests.factories import make_job, make_song

CREATE = reverse("library:create")


@pytest.fixture(autouse=True)
def engines_on(settings):
    settings.TTAPI_DISABLED_ENGINES = []
    settings.TTAPI_DISABLED_ACTIONS = []
    settings.FLOWMUSIC_MODELS = []
    settings.TTAPI_MODELS = []


def test_a_producer_song_keeps_its_model(team, editor_client):
    job = make_job(
        team.workspace,
        team.owner,
        status=JobStatus.SUCCESS,
        params={"sound_prompt": "warm tape hiss", "mv": "Lyria 3 preview", "seed": "12"},
    )
    song = make_song(team.workspace, team.owner, job=job, model="Lyria 3 preview", title="Tape")
    html = editor_client.get(CREATE, {"from": str(song.id)}).content.decode()
    assert 'value="producer:Lyria 3 preview" selected' in html
    assert 'value="producer:FUZZ-2.0" selected' not in html
    assert "warm tape hiss</textarea>" in html
    assert 'value="12"' in html


def test_a_flow_music_song_keeps_engine_model_lyrics_bpm_length_and_seed(team, editor_client):
    job = make_job(
        team.workspace,
        team.owner,
        status=JobStatus.SUCCESS,
        engine=Engine.FLOWMUSIC,
        params={
            "sound_prompt": "neon synthwave",
            "lyrics": "[Verse]\nstreet lights hum",
            "bpm": 118.5,
            "length": 95,
            "seed": "4242",
            "model": "Lyria 3 Pro",
            "title": "Neon Street",
        },
    )
    song = make_song(
        team.workspace,
        team.owner,
        job=job,
        engine=Engine.FLOWMUSIC,
        model="Lyria 3 Pro",
        music_id="clip-neon",
        title="Neon Street",
    )
    response = editor_client.get(CREATE, {"from": str(song.id)})
    html = response.content.decode()
    assert response.context["engine"] == Engine.FLOWMUSIC.value
    assert 'value="flowmusic:Lyria 3 Pro" selected' in html
    flow = response.context["flow_form"]
    assert flow.initial["lyrics_text"] == "[Verse]\nstreet lights hum"
    assert flow.initial["bpm"] == 118.5
    assert flow.initial["length"] == 95
    assert flow.initial["seed"] == "4242"
    assert flow.initial["sound_prompt"] == "neon synthwave"
    assert "street lights hum</textarea>" in html
    assert 'value="118.5"' in html
    assert 'value="95"' in html
    assert 'value="4242"' in html


def test_a_flow_music_remix_fills_in_from_the_song(team, editor_client):
    extend = make_job(
        team.workspace,
        team.owner,
        action=Action.EXTEND,
        engine=Engine.FLOWMUSIC,
        status=JobStatus.SUCCESS,
    )
    song = make_song(
        team.workspace,
        team.owner,
        job=extend,
        engine=Engine.FLOWMUSIC,
        model="Lyria 3 Pro",
        music_id="clip-remix",
        prompt="lo-fi beat",
        lyrics="hello night",
        seed="9",
        title="Remix",
    )
    response = editor_client.get(CREATE, {"from": str(song.id)})
    assert response.context["engine"] == Engine.FLOWMUSIC.value
    assert response.context["flow_form"].initial["lyrics_text"] == "hello night"
    assert response.context["flow_form"].initial["seed"] == "9"


def test_an_outsider_cannot_copy_settings(team, outsider_client):
    song = make_song(team.workspace, team.owner)
    assert outsider_client.get(CREATE, {"from": str(song.id)}).status_code == 404
