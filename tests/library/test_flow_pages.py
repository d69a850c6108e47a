"""Flow Music on the pages: the create page's model picker, a Flow song's remix forms, and
the workspace's default engine and model."""

import pytest
from django.urls import reverse

from contract.engines import Engine
from studio.models import Job, Song
from tests.factories import make_song

CREATE = reverse("library:create")
FLOW = "flowmusic:Lyria 3 Pro"


@pytest.fixture(autouse=True)
def engines_on(settings):
    settings.TTAPI_DISABLED_ENGINES = []
    settings.TTAPI_DISABLED_ACTIONS = []
    settings.FLOWMUSIC_MODELS = []
    settings.TTAPI_MODELS = []


def flow_song(team, **fields) -> Song:
    fields.setdefault("music_id", "clip-1")
    return make_song(
        team.workspace,
        team.editor,
        engine=Engine.FLOWMUSIC,
        model="Lyria 3 Pro",
        duration=fields.pop("duration", 60.0),
        **fields,
    )


def test_the_create_page_offers_both_engines_through_the_model(team, editor_client):
    html = editor_client.get(CREATE).content.decode()
    assert f'<option value="{FLOW}">Lyria 3 Pro — Flow Music</option>' in html
    assert '<option value="producer:Lyria 3 preview">Lyria 3 preview</option>' in html
    assert 'value="producer:FUZZ-2.0" selected' in html
    # Both engines' own fields are on the page; Flow Music's hidden until its model is chosen.
    assert 'name="bpm"' in html
    assert 'name="length"' in html
    assert 'name="weirdness"' in html
    assert '<div data-engine="flowmusic" hidden>' in html


def test_a_flow_music_song_from_the_create_page(team, editor_client):
    response = editor_client.post(
        CREATE,
        {
            "model": FLOW,
            "sound_prompt": "lo-fi jazz",
            "lyrics_text": "[Verse]\nla la",
            "title": "Night",
            "bpm": "92",
            "length": "30",
            "seed": "7",
            # The Producer API's fields, left in the page: never sent to Flow Music.
            "weirdness": "0.9",
            "lyrics_strength": "0.3",
            "instrumental": "on",
            "cover_art_url": "https://img.example/a.png",
        },
    )
    assert response.status_code == 302, response.content.decode()
    job = Job.objects.get()
    assert (job.engine, job.action) == (Engine.FLOWMUSIC, "music")
    assert job.params == {
        "sound_prompt": "lo-fi jazz",
        "lyrics": "[Verse]\nla la",
        "title": "Night",
        "model": "Lyria 3 Pro",
        "seed": "7",
        "bpm": "92",
        "length": 30,
    }


@pytest.mark.parametrize(
    ("field", "value"), [("length", "241"), ("length", "0"), ("length", "2.5"), ("bpm", "0")]
)
def test_flow_music_fields_are_checked_on_the_form(team, editor_client, field, value):
    response = editor_client.post(CREATE, {"model": FLOW, "sound_prompt": "x", field: value})
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert 'data-engine="flowmusic">' in response.content.decode()  # still shown
    assert not Job.objects.exists()


def test_the_prompt_rule_of_flow_music_on_the_form(team, editor_client):
    response = editor_client.post(CREATE, {"model": FLOW, "title": "only a title"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "sound_prompt" in errors
    assert "lyrics_text" in errors


def test_lyria_3_preview_is_sent_to_the_producer_api_as_mv(team, editor_client):
    response = editor_client.post(
        CREATE,
        {
            "model": "producer:Lyria 3 preview",
            "sound_prompt": "x",
            "lyrics_strength": "0.5",
            "sound_strength": "0.5",
            "weirdness": "0.5",
            "bpm": "90",
        },
    )
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.engine == Engine.PRODUCER
    assert job.params["mv"] == "Lyria 3 preview"
    assert "bpm" not in job.params


def test_a_model_not_offered_is_refused(team, editor_client, settings):
    for model in ("flowmusic:Lyria 9", "producer:Lyria 3 Pro", "nonsense"):
        response = editor_client.post(CREATE, {"model": model, "sound_prompt": "x"})
        assert response.status_code == 400
        assert response.context["picker"].errors["model"]
    settings.TTAPI_DISABLED_ENGINES = ["flowmusic"]
    response = editor_client.post(CREATE, {"model": FLOW, "sound_prompt": "x"})
    assert response.status_code == 400
    assert "Flow Music" not in editor_client.get(CREATE).content.decode()
    assert not Job.objects.exists()


def test_a_flow_song_offers_only_flow_music_actions(team, editor_client):
    song = flow_song(team)
    html = editor_client.get(reverse("library:song", args=[song.id])).content.decode()
    for panel in ("panel-extend", "panel-replace", "panel-cover"):
        assert f'id="{panel}"' in html
    for absent in (
        "panel-variation",
        "panel-vocals-swap",
        "panel-instrumentals-swap",
        "Make a video",
        "Prepare MP3",
    ):
        assert absent not in html
    assert 'name="extend_from_s"' in html
    assert 'data-wave="point"' in html
    assert 'name="extend_s"' in html
    assert 'name="instruction"' in html
    assert 'name="start_s"' in html
    assert 'data-wave="start"' in html
    assert 'name="strength"' in html
    assert 'name="sound_strength"' not in html
    assert "Split into stems" in html
    assert "Clip id" in html
    for action in ("vocals-swap", "variation", "download", "generate-video", "nope"):
        url = reverse("library:song_action", args=[song.id, action])
        assert editor_client.post(url, {"sound_prompt": "x"}).status_code == 404
    assert not Job.objects.filter(parent=song).exists()


def test_a_producer_song_keeps_its_actions(team, editor_client):
    song = make_song(team.workspace, team.editor)
    html = editor_client.get(reverse("library:song", args=[song.id])).content.decode()
    assert 'id="panel-vocals-swap"' in html
    assert 'name="extend_from_s"' not in html


def test_flow_extend_from_a_point_on_the_song(team, editor_client):
    song = flow_song(team)
    url = reverse("library:song_action", args=[song.id, "extend"])
    response = editor_client.post(
        url, {"extend_from_s": "42.5", "extend_s": "30", "instruction": "a bridge"}
    )
    assert response.status_code == 302, response.content.decode()
    job = Job.objects.get(parent=song)
    assert job.engine == Engine.FLOWMUSIC
    assert job.action == "extend"
    assert job.params == {
        "clip_id": "clip-1",
        "extend_from_s": 42.5,
        "extend_s": 30.0,
        "instruction": "a bridge",
    }


@pytest.mark.parametrize(
    ("action", "params", "field"),
    [
        (
            "extend",
            {"extend_from_s": "60.5", "extend_s": "10", "instruction": "x"},
            "extend_from_s",
        ),
        ("extend", {"extend_from_s": "10", "extend_s": "328", "instruction": "x"}, "extend_s"),
        ("extend", {"extend_from_s": "10", "extend_s": "20"}, "instruction"),
        ("replace", {"start_s": "10", "end_s": "61", "instruction": "x"}, "end_s"),
        ("replace", {"start_s": "20", "end_s": "10", "instruction": "x"}, "end_s"),
        ("cover", {"instruction": "jazz", "strength": "1.5"}, "strength"),
        ("cover", {"strength": "0.5"}, "instruction"),
    ],
)
def test_flow_remix_values_are_checked_against_the_contract_and_the_song(
    team, editor_client, action, params, field
):
    song = flow_song(team, duration=60.0)
    response = editor_client.post(reverse("library:song_action", args=[song.id, action]), params)
    assert response.status_code == 400
    panel = next(p for p in response.context["remixes"] if p["action"] == action)
    assert panel["form"].errors[field], panel["form"].errors
    assert panel["open"]
    assert not Job.objects.filter(parent=song).exists()


def test_flow_cover_and_replace_are_sent(team, editor_client):
    song = flow_song(team)
    for action, params in (
        ("cover", {"instruction": "as jazz", "strength": "0.8"}),
        ("replace", {"start_s": "5", "end_s": "9.5", "instruction": "a drum fill"}),
        ("stems", {}),
    ):
        response = editor_client.post(
            reverse("library:song_action", args=[song.id, action]), params
        )
        assert response.status_code == 302, response.content.decode()
    cover, replace, stems = Job.objects.filter(parent=song).order_by("created_at")
    assert cover.params == {"clip_id": "clip-1", "strength": 0.8, "instruction": "as jazz"}
    assert replace.params == {
        "clip_id": "clip-1",
        "start_s": 5.0,
        "end_s": 9.5,
        "instruction": "a drum fill",
    }
    assert stems.params == {"clip_id": "clip-1"}
    assert {job.engine for job in (cover, replace, stems)} == {Engine.FLOWMUSIC}


def test_a_switched_off_engine_shows_why_on_its_songs(team, editor_client, settings):
    settings.TTAPI_DISABLED_ENGINES = ["flowmusic"]
    song = flow_song(team)
    html = editor_client.get(reverse("library:song", args=[song.id])).content.decode()
    assert "Flow Music is switched off on this studio." in html
    url = reverse("library:song_action", args=[song.id, "cover"])
    assert editor_client.post(url, {"instruction": "x"}).status_code == 400
    assert not Job.objects.filter(parent=song).exists()


def test_flow_song_page_for_viewers_and_outsiders(team, viewer_client, outsider_client):
    song = flow_song(team)
    url = reverse("library:song_action", args=[song.id, "cover"])
    assert viewer_client.get(reverse("library:song", args=[song.id])).status_code == 200
    assert viewer_client.post(url, {"instruction": "x"}).status_code == 403
    assert outsider_client.get(reverse("library:song", args=[song.id])).status_code == 404
    assert outsider_client.post(url, {"instruction": "x"}).status_code == 404
    assert not Job.objects.filter(parent=song).exists()


def settings_url(team) -> str:
    return reverse("workspaces:workspace_settings_for", args=[team.workspace.id])


def test_the_workspace_default_model_starts_the_create_page(team, owner_client, editor_client):
    response = owner_client.post(
        settings_url(team), {"set_default_model": "1", "default_model": FLOW}
    )
    assert response.status_code == 302
    team.workspace.refresh_from_db()
    assert (team.workspace.default_engine, team.workspace.default_model) == (
        Engine.FLOWMUSIC,
        "Lyria 3 Pro",
    )
    html = editor_client.get(CREATE).content.decode()
    assert f'value="{FLOW}" selected' in html
    assert '<div data-engine="producer" hidden>' in html
    # Back to the studio's default.
    owner_client.post(settings_url(team), {"set_default_model": "1", "default_model": ""})
    team.workspace.refresh_from_db()
    assert team.workspace.default_model == ""
    assert 'value="producer:FUZZ-2.0" selected' in editor_client.get(CREATE).content.decode()


def test_the_default_model_is_checked_and_owners_only(
    team, owner_client, editor_client, viewer_client, outsider_client
):
    bad = owner_client.post(settings_url(team), {"set_default_model": "1", "default_model": "x"})
    assert bad.status_code == 400
    assert bad.context["model_form"].errors["default_model"]
    body = {"set_default_model": "1", "default_model": FLOW}
    assert editor_client.post(settings_url(team), body).status_code == 403
    assert viewer_client.post(settings_url(team), body).status_code == 403
    assert outsider_client.post(settings_url(team), body).status_code == 404
    team.workspace.refresh_from_db()
    assert team.workspace.default_model == ""
