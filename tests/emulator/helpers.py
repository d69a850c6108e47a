"""Small helpers for the emulator's tests: call an endpoint, make a finished song."""

from __future__ import annotations

import httpx

KEY = {"TT-API-KEY": "test-key"}


def post(http: httpx.Client, action: str, body: dict, key: str = "test-key") -> httpx.Response:
    return http.post(f"/producer/v1/{action}", json=body, headers={"TT-API-KEY": key})


def fetch(http: httpx.Client, job_id: str, key: str = "test-key") -> dict:
    response = http.get("/producer/v1/fetch", params={"jobId": job_id}, headers={"TT-API-KEY": key})
    assert response.status_code == 200, response.text
    return response.json()


def submit(http: httpx.Client, action: str, body: dict, key: str = "test-key") -> str:
    response = post(http, action, body, key)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["status"] == "SUCCESS" and answer["message"] == ""
    return answer["data"]["jobId"]


def run(emulator, action: str, body: dict, key: str = "test-key") -> dict:
    """Submit, finish and fetch: the final fetch body."""
    http = emulator.http()
    job_id = submit(http, action, body, key)
    emulator.finish_all()
    return fetch(http, job_id, key)


def song(emulator, **body) -> dict:
    """A finished song's musics[0]."""
    body.setdefault("sound_prompt", "calm piano ballad")
    result = run(emulator, "music", body)
    assert result["status"] == "SUCCESS", result
    return result["data"]["musics"][0]


def flow_post(http: httpx.Client, action: str, body: dict, key: str = "test-key") -> httpx.Response:
    return http.post(f"/flowmusic/v1/{action}", json=body, headers={"TT-API-KEY": key})


def flow_fetch(http: httpx.Client, job_id: str, key: str = "test-key") -> dict:
    response = http.get(
        "/flowmusic/v1/fetch", params={"jobId": job_id}, headers={"TT-API-KEY": key}
    )
    assert response.status_code == 200, response.text
    return response.json()


def flow_submit(http: httpx.Client, action: str, body: dict, key: str = "test-key") -> str:
    response = flow_post(http, action, body, key)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["status"] == "SUCCESS" and answer["message"] == "success"
    return answer["data"]["job_id"]


def flow_run(emulator, action: str, body: dict, key: str = "test-key") -> dict:
    """Submit to Flow Music, finish and fetch: the final fetch body."""
    http = emulator.http()
    job_id = flow_submit(http, action, body, key)
    emulator.finish_all()
    return flow_fetch(http, job_id, key)


def clip(emulator, **body) -> dict:
    """A finished Flow Music clip."""
    body.setdefault("sound_prompt", "upbeat pop with drums")
    result = flow_run(emulator, "generations", body)
    assert result["status"] == "SUCCESS", result
    return result["data"]["clips"][0]
