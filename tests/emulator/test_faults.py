"""Every fault kind, by key, by prompt marker and at random."""

from __future__ import annotations

import time
from collections import Counter

import httpx
import pytest

from emulator import faults
from emulator.models import Job

from .helpers import fetch, post, run


@pytest.mark.parametrize("status", sorted(faults.STATUS_MESSAGES))
def test_each_error_status_by_key_creates_nothing(emulator, status):
    response = post(emulator.http(), "music", {"sound_prompt": "x"}, key=f"fault-{status}")
    assert response.status_code == status
    assert response.json() == {
        "status": "FAILED",
        "message": faults.STATUS_MESSAGES[status],
        "data": None,
    }
    assert not Job.objects.exists()


@pytest.mark.parametrize("status", [402, 410, 429, 502])
def test_error_status_by_marker(emulator, status):
    response = post(emulator.http(), "music", {"sound_prompt": f"rock [fault:{status}]"})
    assert response.status_code == status
    assert not Job.objects.exists()


def test_marker_in_lyrics_prompt_and_title(emulator):
    http = emulator.http()
    assert post(http, "lyrics", {"prompt": "x [FAULT:403]"}).status_code == 403
    assert post(http, "music", {"sound_prompt": "x", "title": "[fault:429]"}).status_code == 429
    assert post(http, "music", {"lyrics_text": "la [fault: 410]"}).status_code == 410


def test_key_faults_for_account_problems_also_refuse_fetch(emulator):
    http = emulator.http()
    job_id = run(emulator, "lyrics", {"prompt": "x"})["data"]["jobId"]
    for key, status in (("fault-401", 401), ("fault-403", 403)):
        response = http.get(
            "/producer/v1/fetch", params={"jobId": job_id}, headers={"TT-API-KEY": key}
        )
        assert response.status_code == status
    assert fetch(http, job_id, key="fault-402")["status"] == "SUCCESS"


def test_job_fails_with_a_reason_and_costs_nothing(emulator):
    result = run(emulator, "music", {"sound_prompt": "x [fault:fail]"})
    assert result["status"] == "FAILED"
    assert result["message"] == faults.FAIL_REASON
    assert result["data"]["quota"] == "0"
    assert result["data"]["musics"] == []
    by_key = run(emulator, "lyrics", {"prompt": "y"}, key="fault-fail")
    assert by_key["status"] == "FAILED"


def test_ambiguous_creates_the_job_but_answers_500(emulator):
    response = post(emulator.http(), "music", {"sound_prompt": "x [fault:ambiguous]"})
    assert response.status_code == 500
    assert response.json()["status"] == "FAILED"
    job = Job.objects.get()
    emulator.finish_all()
    assert fetch(emulator.http(), str(job.job_id))["status"] == "SUCCESS"


def test_ambiguous_drop_creates_the_job_and_cuts_the_connection(emulator):
    with pytest.raises(httpx.RemoteProtocolError):
        post(emulator.http(), "music", {"sound_prompt": "x [fault:ambiguous-drop]"})
    assert Job.objects.count() == 1


def test_slow_answers_late_and_creates_the_job(emulator):
    started = time.monotonic()
    response = post(emulator.http(), "music", {"sound_prompt": "x [fault:slow-0.3]"})
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 200
    assert Job.objects.count() == 1
    assert faults.parse("slow") == faults.Fault("slow", faults.slow_seconds())
    assert faults.parse("slow-9999").seconds == faults.SLOW_MAX_SECONDS


def test_html_error_page_with_502_creates_nothing(emulator):
    response = post(emulator.http(), "music", {"sound_prompt": "x"}, key="fault-html")
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.lstrip().startswith("<!DOCTYPE html>")
    assert not Job.objects.exists()


def test_html_page_with_200_hides_a_created_job(emulator):
    response = post(emulator.http(), "music", {"sound_prompt": "x [fault:html-200]"})
    assert response.status_code == 200
    assert "<html>" in response.text
    assert Job.objects.count() == 1


def test_unknown_fault_words_are_ignored(emulator):
    response = post(emulator.http(), "music", {"sound_prompt": "x [fault:gremlins]"})
    assert response.status_code == 200


def test_fault_rate_is_random_and_reproducible_with_a_seed(emulator, settings):
    settings.EMULATOR_FAULT_RATE = 0.5
    settings.EMULATOR_FAULT_SEED = "fixed-seed"
    settings.EMULATOR_SLOW_SECONDS = 0
    faults._rngs.clear()
    first = [faults.at_random() for _ in range(200)]
    faults._rngs.clear()
    second = [faults.at_random() for _ in range(200)]
    assert first == second
    hits = [f for f in first if f]
    assert 60 < len(hits) < 140

    # Drawn from the documented mix: every kind turns up, odd answers more than refusals.
    settings.EMULATOR_FAULT_RATE = 1
    counts = Counter(faults.at_random().kind for _ in range(3000))
    assert set(counts) == set(faults.KINDS)
    assert counts[faults.PENDING] > 2 * counts["403"]

    settings.EMULATOR_FAULT_RATE = 1
    statuses = {post(emulator.http(), "lyrics", {"prompt": f"p{i}"}).status_code for i in range(12)}
    assert statuses - {200}  # some submissions were refused at random
    settings.EMULATOR_FAULT_RATE = 0
    assert faults.at_random() is None
