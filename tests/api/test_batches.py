"""Batches: up to 100 generations in one request, checked first, started in order under
the running cap (the rest wait, started by status reads and the sweep), one status and one
zip."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile

from studio.jobs import sweep
from studio.models import ApiBatch, BatchItem, Job, JobStatus
from tests.factories import make_song

BATCHES = "/api/v1/batches"
JSON = "application/json"


def items(count: int) -> list[dict]:
    return [{"sound_prompt": f"level {n} theme", "title": f"Level {n}"} for n in range(count)]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def finish(job: Job, title: str, team) -> None:
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCESS, progress=100)
    song = make_song(team.workspace, team.owner, job=job, title=title)
    song.audio_file.save("s.mp3", ContentFile(b"ID3" + title.encode() * 10))


def test_a_batch_starts_up_to_the_cap_and_the_rest_wait(team, editor_api, settings):
    settings.WORKSPACE_MAX_RUNNING_JOBS = 3
    response = editor_api.post(BATCHES, {"items": items(5)}, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["counts"] == {"waiting": 2, "running": 3, "succeeded": 0, "failed": 0, "refused": 0}
    started = [item["job"]["id"] for item in body["items"] if item["job"]]
    jobs = Job.objects.filter(pk__in=started).order_by("created_at")
    assert [j.params["title"] for j in jobs] == ["Level 0", "Level 1", "Level 2"]
    # Two finish: the next read of the status starts the next two, in order.
    for job in jobs[:2]:
        finish(job, job.params["title"], team)
    status = editor_api.get(f"{BATCHES}/{body['id']}").json()
    assert status["counts"] == {
        "waiting": 0,
        "running": 3,
        "succeeded": 2,
        "failed": 0,
        "refused": 0,
    }
    assert Job.objects.count() == 5
    assert not ApiBatch.objects.get().waiting


def test_the_sweep_starts_waiting_items(team, editor_api, settings):
    settings.WORKSPACE_MAX_RUNNING_JOBS = 1
    body = editor_api.post(BATCHES, {"items": items(2)}, content_type=JSON).json()
    assert body["counts"]["waiting"] == 1
    Job.objects.update(status=JobStatus.FAILED)
    assert sweep.sweep()["batched"] == 1
    assert BatchItem.objects.filter(state="started").count() == 2
    assert Job.objects.get(params__title="Level 1").user == team.owner


def test_every_item_is_checked_before_anything_starts(team, editor_api):
    bad = items(3)
    bad[1]["seed"] = "abc"
    bad[2] = {"title": "no prompt"}
    response = editor_api.post(BATCHES, {"items": bad}, content_type=JSON)
    assert response.status_code == 400
    body = response.json()
    assert "2 of the items" in body["detail"]
    assert "items.1.seed" in body["errors"]
    assert "items.2.sound_prompt" in body["errors"]
    assert not Job.objects.exists()
    assert not ApiBatch.objects.exists()


def test_batch_size_limits(team, editor_api):
    assert editor_api.post(BATCHES, {"items": []}, content_type=JSON).status_code == 400
    assert editor_api.post(BATCHES, {"items": items(101)}, content_type=JSON).status_code == 400
    assert not Job.objects.exists()


def test_a_budget_refusal_is_recorded_on_the_items(team, editor_api):
    team.workspace.monthly_budget = 7  # two songs' estimate (3 each), not three
    team.workspace.save()
    body = editor_api.post(BATCHES, {"items": items(3)}, content_type=JSON).json()
    assert body["counts"]["running"] == 2
    assert body["counts"]["refused"] == 1
    assert "monthly budget" in body["items"][2]["error"]


def test_readers_and_strangers(team, editor_api, reader_api, other_api):
    assert reader_api.post(BATCHES, {"items": items(1)}, content_type=JSON).status_code == 403
    body = editor_api.post(BATCHES, {"items": items(1)}, content_type=JSON).json()
    assert reader_api.get(f"{BATCHES}/{body['id']}").status_code == 200
    assert other_api.get(f"{BATCHES}/{body['id']}").status_code == 404
    assert other_api.get(f"{BATCHES}/{body['id']}/zip").status_code == 404


def test_the_zip_holds_the_finished_songs_in_item_order(team, editor_api):
    body = editor_api.post(BATCHES, {"items": items(3)}, content_type=JSON).json()
    jobs = {item["position"]: Job.objects.get(pk=item["job"]["id"]) for item in body["items"]}
    finish(jobs[2], "Last", team)
    finish(jobs[0], "First", team)
    response = editor_api.get(f"{BATCHES}/{body['id']}/zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert [name.split("-")[0] for name in names] == ["001 first", "003 last"]
