"""Jobs through the API: every action goes through the studio's own forms and
`jobs.submit`, so refusals (bad field, budget, cap, switched-off action) read as they do on
the pages; an Idempotency-Key makes a retry return the same job and spend nothing."""

import pytest

from contract.engines import Engine
from contract.producer import Action
from studio.models import IdempotentRequest, Job, JobStatus
from tests.factories import make_job, make_song

JOBS = "/api/v1/jobs"
MUSIC = {"action": "music", "fields": {"sound_prompt": "8-bit boss battle", "title": "Boss"}}


def post(api, body, **headers):
    return api.post(JOBS, body, content_type="application/json", headers=headers)


def problem_of(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


def test_music_job_is_made_as_the_create_page_makes_it(team, editor_api):
    response = post(editor_api, {**MUSIC, "fields": {**MUSIC["fields"], "weirdness": 0.2}})
    assert response.status_code == 201, response.content
    job = Job.objects.get()
    assert response.json()["id"] == str(job.id)
    assert response.json()["status"] == "SUBMITTING"
    assert job.action == Action.MUSIC
    assert job.engine == Engine.PRODUCER
    assert job.workspace == team.workspace
    assert job.user == team.owner
    assert job.params["sound_prompt"] == "8-bit boss battle"
    assert job.params["weirdness"] == 0.2
    assert job.params["mv"] == "FUZZ-2.0"  # the workspace's default model, as on the page


def test_the_model_picks_the_engine(team, editor_api):
    fields = {"sound_prompt": "warm piano", "model": "flowmusic:Lyria 3 Pro"}
    response = post(editor_api, {"action": "music", "fields": fields})
    assert response.status_code == 201, response.content
    assert Job.objects.get().engine == Engine.FLOWMUSIC


def test_bad_fields_are_named_as_the_form_names_them(team, editor_api):
    body = problem_of(
        post(editor_api, {"action": "music", "fields": {"weirdness": 3, "seed": "abc"}}), 400
    )
    assert {"weirdness", "seed"} <= set(body["errors"])
    assert "Digits only" in body["errors"]["seed"][0]
    assert not Job.objects.exists()
    body = problem_of(post(editor_api, {"action": "music", "fields": {"title": "x"}}), 400)
    assert "Write a sound prompt or lyrics" in body["detail"] + str(body.get("errors"))
    body = problem_of(post(editor_api, {"action": "dance", "fields": {}}), 400)
    assert "Unknown action" in body["detail"]
    body = problem_of(post(editor_api, {"action": "upload", "fields": {}}), 400)
    assert "upload" in body["detail"].lower()


def test_a_missing_or_malformed_body_is_a_400_problem(team, editor_api):
    for raw in ("", "{", "[]", '{"action": 5, "fields": []}'):
        response = editor_api.post(JOBS, raw, content_type="application/json")
        assert problem_of(response, 400)["detail"]


def test_the_running_cap_refuses_with_the_pages_words(team, editor_api, settings):
    settings.WORKSPACE_MAX_RUNNING_JOBS = 1
    make_job(team.workspace, team.owner)
    body = problem_of(post(editor_api, MUSIC), 400)
    assert "jobs running" in body["detail"]
    assert Job.objects.count() == 1


def test_the_budget_refuses_with_the_pages_words(team, editor_api):
    team.workspace.monthly_budget = 0
    team.workspace.save()
    body = problem_of(post(editor_api, MUSIC), 400)
    assert "monthly budget" in body["detail"]
    assert not Job.objects.exists()


def test_a_switched_off_action_says_why(team, editor_api, settings):
    settings.TTAPI_DISABLED_ACTIONS = {"music": "Generation is paused for maintenance."}
    body = problem_of(post(editor_api, MUSIC), 400)
    assert "paused for maintenance" in body["detail"]


def test_lyrics(team, editor_api):
    response = post(editor_api, {"action": "lyrics", "fields": {"prompt": "a sea shanty"}})
    assert response.status_code == 201
    assert Job.objects.get().params == {"prompt": "a sea shanty"}
    body = problem_of(post(editor_api, {"action": "lyrics", "fields": {}}), 400)
    assert "prompt" in body["errors"]


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("extend", {"starts": 30, "sound_prompt": "more"}),
        ("cover", {"sound_prompt": "as jazz"}),
        ("variation", {}),
        ("replace", {"starts": 10, "ends": 20, "sound_prompt": "drum fill"}),
        ("vocals-swap", {"sound_prompt": "male vocals", "cover_strength": 0.5}),
        ("instrumentals-swap", {"sound_prompt": "strings", "cover_strength": 0.5}),
        ("stems", {}),
        ("download", {"format": "wav"}),
        ("generate-video", {"preset": "simple"}),
    ],
)
def test_every_producer_song_action(team, editor_api, action, fields):
    song = make_song(team.workspace, team.owner, duration=120.0)
    response = post(editor_api, {"action": action, "song_id": str(song.id), "fields": fields})
    assert response.status_code == 201, response.content
    job = Job.objects.get(action=action)
    assert job.parent == song
    assert job.params["music_id"] == song.music_id
    assert response.json()["parent_id"] == str(song.id)


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("extend", {"extend_from_s": 60, "extend_s": 30, "instruction": "a bridge"}),
        ("cover", {"instruction": "as jazz", "strength": 0.5}),
        ("replace", {"start_s": 10, "end_s": 20, "instruction": "a drum fill"}),
        ("stems", {}),
    ],
)
def test_every_flowmusic_song_action(team, editor_api, action, fields):
    song = make_song(team.workspace, team.owner, duration=120.0, engine=Engine.FLOWMUSIC)
    response = post(editor_api, {"action": action, "song_id": str(song.id), "fields": fields})
    assert response.status_code == 201, response.content
    job = Job.objects.get(action=action)
    assert job.engine == Engine.FLOWMUSIC
    assert job.params["clip_id"] == song.music_id


def test_song_actions_are_checked_against_the_song(team, editor_api):
    song = make_song(team.workspace, team.owner, duration=60.0)
    extend = {"action": "extend", "song_id": str(song.id), "fields": {"starts": 90}}
    body = problem_of(post(editor_api, extend), 400)
    assert "starts" in body["errors"]
    assert "long" in body["errors"]["starts"][0]
    flow = make_song(team.workspace, team.owner, engine=Engine.FLOWMUSIC)
    video = {"action": "generate-video", "song_id": str(flow.id), "fields": {"preset": "simple"}}
    assert "not offered" in problem_of(post(editor_api, video), 400)["detail"]
    no_song = {"action": "stems", "fields": {}}
    assert "song_id" in problem_of(post(editor_api, no_song), 400)["errors"]
    assert not Job.objects.filter(action__in=["extend", "generate-video", "stems"]).exists()


def test_read_only_tokens_and_other_workspaces(team, reader_api, other_api):
    song = make_song(team.workspace, team.owner)
    assert "read-only" in problem_of(post(reader_api, MUSIC), 403)["detail"]
    stems = {"action": "stems", "song_id": str(song.id), "fields": {}}
    problem_of(post(other_api, stems), 404)
    assert Job.objects.filter(action="stems").count() == 0


def test_idempotency_key_returns_the_same_job_and_spends_once(team, editor_api):
    first = post(editor_api, MUSIC, **{"Idempotency-Key": "level-1"})
    again = post(editor_api, MUSIC, **{"Idempotency-Key": "level-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Job.objects.count() == 1
    other = post(editor_api, MUSIC, **{"Idempotency-Key": "level-2"})
    assert other.status_code == 201
    assert Job.objects.count() == 2
    changed = {**MUSIC, "fields": {"sound_prompt": "something else"}}
    body = problem_of(post(editor_api, changed, **{"Idempotency-Key": "level-1"}), 409)
    assert "another request body" in body["detail"]
    assert Job.objects.count() == 2


def test_idempotency_keys_belong_to_their_token(team, keys, editor_api):
    from studio.api import tokens
    from tests.api.conftest import bearer

    _t, second = tokens.issue(team.workspace, "second", "editor", created_by=team.owner)
    a = post(editor_api, MUSIC, **{"Idempotency-Key": "k"})
    b = post(bearer(second), MUSIC, **{"Idempotency-Key": "k"})
    assert a.json()["id"] != b.json()["id"]
    assert Job.objects.count() == 2


def test_a_refused_request_frees_its_key(team, editor_api, settings):
    settings.WORKSPACE_MAX_RUNNING_JOBS = 1
    busy = make_job(team.workspace, team.owner)
    problem_of(post(editor_api, MUSIC, **{"Idempotency-Key": "retry-me"}), 400)
    assert not IdempotentRequest.objects.exists()
    Job.objects.filter(pk=busy.pk).update(status=JobStatus.SUCCESS)
    response = post(editor_api, MUSIC, **{"Idempotency-Key": "retry-me"})
    assert response.status_code == 201
    assert Job.objects.count() == 2


def test_a_key_in_flight_answers_409(team, keys, editor_api):
    IdempotentRequest.objects.create(token=keys.editor_token, key="busy", fingerprint="x")
    problem_of(post(editor_api, MUSIC, **{"Idempotency-Key": "busy"}), 409)
    assert not Job.objects.exists()


def test_read_and_list_jobs(team, reader_api, other_api):
    older = make_job(team.workspace, team.owner, status=JobStatus.SUCCESS, progress=100)
    song = make_song(team.workspace, team.owner, job=older)
    running = make_job(team.workspace, team.owner, status=JobStatus.ON_QUEUE, progress=40)
    one = reader_api.get(f"{JOBS}/{running.id}").json()
    assert (one["status"], one["progress"]) == ("ON_QUEUE", 40)
    done = reader_api.get(f"{JOBS}/{older.id}").json()
    assert done["songs"] == [str(song.id)]
    listed = reader_api.get(JOBS, {"limit": 1}).json()
    assert [j["id"] for j in listed["items"]] == [str(running.id)]
    rest = reader_api.get(JOBS, {"limit": 1, "after": listed["next_cursor"]}).json()
    assert str(older.id) in [j["id"] for j in rest["items"]]
    only = reader_api.get(JOBS, {"status": "SUCCESS"}).json()["items"]
    assert {j["status"] for j in only} == {"SUCCESS"}
    assert problem_of(reader_api.get(JOBS, {"status": "DANCING"}), 400)
    problem_of(other_api.get(f"{JOBS}/{running.id}"), 404)
    assert other_api.get(JOBS).json()["items"] == []


def test_usage(team, reader_api, settings):
    settings.WORKSPACE_MAX_RUNNING_JOBS = 7
    team.workspace.monthly_budget = 100
    team.workspace.save()
    make_job(team.workspace, team.owner)
    body = reader_api.get("/api/v1/usage").json()
    assert body["budget"] == 100
    assert body["running"] == 1
    assert body["running_cap"] == 7
    assert float(body["reserved"]) == 3.0
    assert float(body["left"]) == 97.0
