"""Small helpers for the emulator's tests: call an endpoint, make a finished song.

The same calls for each API, which differ only in their path, their word for success and
the name of a job's id: `post`, `fetch`, `submit` and `run` for the Producer API, the same
with `flow_` before them for Flow Music.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import httpx

KEY = {"TT-API-KEY": "test-key"}


@dataclass(frozen=True)
class Api:
    prefix: str
    success_message: str
    job_id_field: str


PRODUCER = Api("/producer/v1", "", "jobId")
FLOW = Api("/flowmusic/v1", "success", "job_id")


def _post(api: Api, http: httpx.Client, action: str, body: dict, key: str = "test-key"):
    return http.post(f"{api.prefix}/{action}", json=body, headers={"TT-API-KEY": key})


def _fetch(api: Api, http: httpx.Client, job_id: str, key: str = "test-key") -> dict:
    response = http.get(
        f"{api.prefix}/fetch", params={"jobId": job_id}, headers={"TT-API-KEY": key}
    )
    assert response.status_code == 200, response.text
    return response.json()


def _submit(api: Api, http: httpx.Client, action: str, body: dict, key: str = "test-key") -> str:
    response = _post(api, http, action, body, key)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["status"] == "SUCCESS"
    assert answer["message"] == api.success_message
    return answer["data"][api.job_id_field]


def _run(api: Api, emulator, action: str, body: dict, key: str = "test-key") -> dict:
    """Submit, finish and fetch: the final fetch body."""
    http = emulator.http()
    job_id = _submit(api, http, action, body, key)
    emulator.finish_all()
    return _fetch(api, http, job_id, key)


post, fetch, submit, run = (partial(f, PRODUCER) for f in (_post, _fetch, _submit, _run))
flow_post, flow_fetch, flow_submit, flow_run = (
    partial(f, FLOW) for f in (_post, _fetch, _submit, _run)
)


def song(emulator, **body) -> dict:
    """A finished song's musics[0]."""
    body.setdefault("sound_prompt", "calm piano ballad")
    result = run(emulator, "music", body)
    assert result["status"] == "SUCCESS", result
    return result["data"]["musics"][0]


def clip(emulator, **body) -> dict:
    """A finished Flow Music clip."""
    body.setdefault("sound_prompt", "upbeat pop with drums")
    result = flow_run(emulator, "generations", body)
    assert result["status"] == "SUCCESS", result
    return result["data"]["clips"][0]
