import json
import logging

import httpx
import pytest

from contract import errors
from contract.parsing import JobResult, SubmitResult
from contract.producer import Action
from studio.jobs.ttapi.client import Client

KEY = "sk-secret-key-0123456789"
JOB_ID = "ed1a1b01-7d64-4c8a-acaa-71185d23a2f3"
ACCEPTED = {"status": "SUCCESS", "message": "", "data": {"jobId": JOB_ID}}
HTML = "<html><body><h1>502 Bad Gateway</h1><p>cloudflare</p></body></html>"
MUSIC = {"sound_prompt": "warm synth pop"}


class Provider:
    """A scripted provider: each request takes the next answer (the last one repeats)."""

    def __init__(self, *answers):
        self.answers = list(answers) or [httpx.Response(200, json=ACCEPTED)]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        if isinstance(answer, type) and issubclass(answer, Exception):
            raise answer("simulated", request=request)
        return answer

    def client(self, base_url="https://api.ttapi.io", **kwargs) -> Client:
        client = Client(KEY, base_url, transport=httpx.MockTransport(self), **kwargs)
        client.retry_delays = (0, 0)
        return client


def assert_no_key(exc: errors.TTAPIError):
    for text in (exc.message, str(exc), repr(exc), json.dumps(exc.raw), str(exc.args)):
        assert KEY not in text


def submit_error(provider: Provider, action="music", params=MUSIC) -> errors.TTAPIError:
    with provider.client() as client, pytest.raises(errors.TTAPIError) as info:
        client.submit(action, params)
    assert_no_key(info.value)
    return info.value


# Requests as sent


def test_submit_sends_key_json_and_path():
    provider = Provider()
    with provider.client() as client:
        result = client.submit("music", dict(sound_prompt="  lo-fi ", title="", weirdness="0.3"))
    assert result == SubmitResult(job_id=JOB_ID, raw=ACCEPTED)
    (request,) = provider.requests
    assert request.method == "POST"
    assert str(request.url) == "https://api.ttapi.io/producer/v1/music"
    assert request.headers["TT-API-KEY"] == KEY
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {"sound_prompt": "lo-fi", "weirdness": 0.3}


def test_base_url_with_path_prefix():
    provider = Provider()
    with provider.client("http://127.0.0.1:8000/emulator/") as client:
        client.submit("stems", dict(music_id="m1"))
    assert str(provider.requests[0].url) == "http://127.0.0.1:8000/emulator/producer/v1/stems"


def test_base_url_and_timeouts_from_settings(settings):
    settings.TTAPI_BASE_URL = "http://emulator.test/emulator"
    settings.TTAPI_TIMEOUT = 12.5
    provider = Provider()
    client = Client(KEY, transport=httpx.MockTransport(provider))
    client.submit("music", MUSIC)
    assert str(provider.requests[0].url) == "http://emulator.test/emulator/producer/v1/music"
    timeout = client._transport._http.timeout
    assert (timeout.connect, timeout.read) == (5.0, 12.5)
    assert Client(KEY, "https://x.test", timeout=3)._transport._http.timeout.read == 3


def test_bad_base_url():
    with pytest.raises(ValueError):
        Client(KEY, "api.ttapi.io")


METHODS = {
    "music": (Action.MUSIC, MUSIC),
    "lyrics": (Action.LYRICS, {"prompt": "rain"}),
    "extend": (Action.EXTEND, {"music_id": "m", **MUSIC}),
    "cover": (Action.COVER, {"music_id": "m", **MUSIC}),
    "variation": (Action.VARIATION, {"music_id": "m"}),
    "replace": (Action.REPLACE, {"music_id": "m", "starts": ["30.01"], **MUSIC}),
    "vocals_swap": (Action.VOCALS_SWAP, {"music_id": "m", **MUSIC}),
    "instrumentals_swap": (Action.INSTRUMENTALS_SWAP, {"music_id": "m", **MUSIC}),
    "stems": (Action.STEMS, {"music_id": "m"}),
    "download": (Action.DOWNLOAD, {"music_id": "m", "format": "wav"}),
    "upload": (Action.UPLOAD, {"audio_url": "https://x.test/a.mp3"}),
    "generate_video": (Action.VIDEO, {"music_id": "m", "preset": "modern"}),
}


@pytest.mark.parametrize("name", METHODS)
def test_each_action_posts_to_its_path(name):
    action, params = METHODS[name]
    provider = Provider()
    with provider.client() as client:
        assert client.submit(action, params).job_id == JOB_ID
    assert provider.requests[0].url.path == f"/producer/v1/{action.value}"


def test_extend_sends_default_starts():
    provider = Provider()
    with provider.client() as client:
        client.submit("extend", dict(music_id="m", lyrics_text="la"))
    assert json.loads(provider.requests[0].content)["starts"] == 30.0


def test_job_id_spelled_job_id():
    provider = Provider(httpx.Response(200, json={"status": "SUCCESS", "data": {"job_id": "j"}}))
    with provider.client() as client:
        assert client.submit("music", MUSIC).job_id == "j"


# Refused before sending


def test_invalid_payload_sends_nothing():
    provider = Provider()
    exc = submit_error(provider, params={"sound_prompt": "", "weirdness": 4})
    assert isinstance(exc, errors.PayloadInvalid)
    assert set(exc.errors) == {"sound_prompt", "lyrics_text", "weirdness"}
    assert provider.requests == []


def test_unknown_action_sends_nothing():
    provider = Provider()
    assert isinstance(submit_error(provider, action="remix"), errors.PayloadInvalid)
    assert provider.requests == []


@pytest.mark.parametrize("setting", [["variation", "vocals-swap"], "variation, vocals_swap"])
def test_disabled_actions_refused_without_request(settings, setting):
    settings.TTAPI_DISABLED_ACTIONS = setting
    provider = Provider()
    with provider.client() as client:
        with pytest.raises(errors.ActionDisabled) as info:
            client.submit("variation", dict(music_id="m"))
        assert "Variation" in info.value.message
        with pytest.raises(errors.ActionDisabled):
            client.submit("vocals-swap", dict(music_id="m", **MUSIC))
        client.submit("cover", dict(music_id="m", **MUSIC))
    assert [r.url.path for r in provider.requests] == ["/producer/v1/cover"]


def test_disabled_checked_before_validation(settings):
    settings.TTAPI_DISABLED_ACTIONS = ["music"]
    assert isinstance(submit_error(Provider(), params={}), errors.ActionDisabled)


# Error statuses

FAILED_BODY = {"status": "FAILED", "message": "Parameter error", "data": None}


@pytest.mark.parametrize(
    ("status", "cls", "retry_later"),
    [
        (400, errors.BadRequest, False),
        (401, errors.BadKey, False),
        (402, errors.BalanceExhausted, False),
        (403, errors.Blocked, False),
        (404, errors.NotFound, False),
        (410, errors.ActionRetired, False),
        (429, errors.RateLimited, True),
        (499, errors.QueueFull, True),
    ],
)
def test_client_errors_are_typed_and_not_ambiguous(status, cls, retry_later):
    provider = Provider(httpx.Response(status, json={**FAILED_BODY, "message": "said so"}))
    exc = submit_error(provider)
    assert type(exc) is cls
    assert exc.status == status
    assert exc.ambiguous is False
    assert exc.retry_later is retry_later
    assert exc.raw == {**FAILED_BODY, "message": "said so"}
    assert "said so" in exc.message
    assert len(provider.requests) == 1


def test_bad_request_carries_provider_message():
    exc = submit_error(Provider(httpx.Response(400, json=FAILED_BODY)))
    assert exc.message == "The music service rejected the request: Parameter error."


def test_bad_key_message():
    body = {"status": "FAILED", "message": "Wrong TT-API-KEY or email is not activated."}
    exc = submit_error(Provider(httpx.Response(401, json=body)))
    assert isinstance(exc, errors.BadKey)
    assert "key" in exc.message.lower()


def test_action_retired_names_the_action():
    exc = submit_error(
        Provider(httpx.Response(410, text="Gone")),
        action="vocals-swap",
        params={"music_id": "m", **MUSIC},
    )
    assert isinstance(exc, errors.ActionRetired)
    assert exc.message.startswith("The provider has retired this action (Swap vocals)")
    assert exc.raw == "Gone"


@pytest.mark.parametrize("status", [402, 403, 429, 499])
def test_errors_without_body_still_explain(status):
    exc = submit_error(Provider(httpx.Response(status)))
    assert exc.message == type(exc).default_message


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408])
def test_server_errors_after_post_are_ambiguous_and_not_resent(status):
    provider = Provider(httpx.Response(status, json={"status": "FAILED", "message": "oops"}))
    exc = submit_error(provider)
    assert isinstance(exc, errors.ServerError)
    assert exc.status == status
    assert exc.ambiguous
    assert not exc.retry_later
    assert "may still have been created" in exc.message
    assert len(provider.requests) == 1


def test_other_4xx_is_bad_request():
    exc = submit_error(Provider(httpx.Response(422, text="")))
    assert isinstance(exc, errors.BadRequest)
    assert "422" in exc.message


def test_redirect_is_an_error_not_followed():
    provider = Provider(httpx.Response(302, headers={"Location": "https://elsewhere.test/"}))
    exc = submit_error(provider)
    assert type(exc) is errors.TTAPIError
    assert not exc.ambiguous
    assert len(provider.requests) == 1


# Bodies that are not what they should be


@pytest.mark.parametrize("status", [200, 502])
def test_html_body_after_post_is_not_json_and_ambiguous(status):
    provider = Provider(httpx.Response(status, text=HTML, headers={"Content-Type": "text/html"}))
    exc = submit_error(provider)
    assert isinstance(exc, errors.NotJSON)
    assert exc.status == status
    assert exc.ambiguous
    assert exc.raw == HTML
    assert len(provider.requests) == 1


def test_html_body_with_client_error_keeps_the_status_meaning():
    exc = submit_error(Provider(httpx.Response(401, text=HTML)))
    assert isinstance(exc, errors.BadKey)
    assert not exc.ambiguous
    assert exc.raw == HTML


def test_huge_body_truncated():
    exc = submit_error(Provider(httpx.Response(200, text="x" * 100_000)))
    assert isinstance(exc, errors.NotJSON)
    assert len(exc.raw) <= 4096


def test_200_failed_is_rejected_not_ambiguous():
    exc = submit_error(Provider(httpx.Response(200, json=FAILED_BODY)))
    assert isinstance(exc, errors.Rejected)
    assert "Parameter error" in exc.message
    assert not exc.ambiguous


@pytest.mark.parametrize("body", [{"status": "SUCCESS", "data": {}}, [1, 2], "null"])
def test_2xx_without_job_id_is_ambiguous(body):
    response = httpx.Response(200, text=body) if isinstance(body, str) else None
    exc = submit_error(Provider(response or httpx.Response(200, json=body)))
    assert isinstance(exc, errors.MalformedResult)
    assert exc.ambiguous


# Network failures


def test_read_timeout_after_post_is_ambiguous_and_not_resent():
    provider = Provider(httpx.ReadTimeout)
    exc = submit_error(provider)
    assert isinstance(exc, errors.Timeout)
    assert exc.ambiguous
    assert exc.status is None
    assert len(provider.requests) == 1


@pytest.mark.parametrize("failure", [httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError])
def test_cut_connection_after_post_is_ambiguous(failure):
    provider = Provider(failure)
    exc = submit_error(provider)
    assert isinstance(exc, errors.ConnectionFailed)
    assert exc.ambiguous
    assert len(provider.requests) == 1


@pytest.mark.parametrize("failure", [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout])
def test_connect_failure_retried_then_not_ambiguous(failure):
    provider = Provider(failure)
    exc = submit_error(provider)
    assert isinstance(exc, errors.ConnectionFailed)
    assert not exc.ambiguous
    assert len(provider.requests) == 3  # first try and two retries
    assert isinstance(exc.__cause__, failure)


def test_connect_failure_then_success():
    provider = Provider(httpx.ConnectError, httpx.Response(200, json=ACCEPTED))
    with provider.client() as client:
        assert client.submit("music", MUSIC).job_id == JOB_ID
    assert len(provider.requests) == 2


def test_retry_waits_between_attempts(monkeypatch):
    pauses = []
    monkeypatch.setattr("studio.jobs.ttapi.transport.time.sleep", pauses.append)
    provider = Provider(httpx.ConnectError)
    with provider.client() as client:
        client.retry_delays = (0.25, 0.75)
        with pytest.raises(errors.ConnectionFailed):
            client.submit("music", MUSIC)
    assert pauses == [0.25, 0.75]


# Fetch


def fetched(status="ON_QUEUE", **data):
    return {"status": status, "message": None, "data": {"jobId": JOB_ID, **data}}


def test_fetch_sends_job_id_and_parses():
    provider = Provider(httpx.Response(200, json=fetched(progress="45%")))
    with provider.client("http://127.0.0.1:8000/emulator") as client:
        result = client.fetch(JOB_ID)
    assert isinstance(result, JobResult)
    assert (result.status, result.progress, result.finished) == ("ON_QUEUE", 45, False)
    (request,) = provider.requests
    assert request.method == "GET"
    assert request.headers["TT-API-KEY"] == KEY
    assert request.url.path == "/emulator/producer/v1/fetch"
    assert request.url.params["jobId"] == JOB_ID


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout,
        httpx.RemoteProtocolError,
        httpx.ConnectError,
        httpx.Response(502, text=HTML),
        httpx.Response(503, json={"message": "busy"}),
        httpx.Response(200, text=HTML),
    ],
)
def test_fetch_retried_on_network_and_server_errors(failure):
    provider = Provider(failure, httpx.Response(200, json=fetched("SUCCESS")))
    with provider.client() as client:
        assert client.fetch(JOB_ID).status == "SUCCESS"
    assert len(provider.requests) == 2


def test_fetch_gives_up_not_ambiguous():
    provider = Provider(httpx.ReadTimeout)
    with provider.client() as client, pytest.raises(errors.Timeout) as info:
        client.fetch(JOB_ID)
    assert not info.value.ambiguous
    assert "may still have been created" not in info.value.message
    assert len(provider.requests) == 3


def test_fetch_not_retried_on_client_errors():
    provider = Provider(httpx.Response(429, json={"message": "slow down"}))
    with provider.client() as client, pytest.raises(errors.RateLimited):
        client.fetch(JOB_ID)
    assert len(provider.requests) == 1


def test_fetch_refused_with_failed_envelope():
    body = {"status": "FAILED", "message": "job not found", "data": None}
    client = Provider(httpx.Response(200, json=body)).client()
    with client, pytest.raises(errors.Rejected) as info:
        client.fetch(JOB_ID)
    assert "job not found" in info.value.message


def test_fetch_garbage_is_malformed():
    client = Provider(httpx.Response(200, json={"hello": "world"})).client()
    with client, pytest.raises(errors.MalformedResult):
        client.fetch(JOB_ID)


def test_fetch_needs_a_job_id():
    provider = Provider()
    with provider.client() as client, pytest.raises(errors.PayloadInvalid):
        client.fetch("  ")
    assert provider.requests == []


# The key never leaks


def test_key_not_in_repr_of_client():
    assert KEY not in repr(Provider().client())


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(400, json={"status": "FAILED", "message": f"bad key {KEY}", "data": None}),
        httpx.Response(401, json={"message": f"Wrong TT-API-KEY {KEY}", "echo": {"k": KEY}}),
        httpx.Response(500, text=f"<pre>TT-API-KEY: {KEY}</pre>"),
        httpx.Response(200, text=f"<html>{KEY}</html>"),
        httpx.Response(200, json={"status": "FAILED", "message": f"key {KEY} refused"}),
        httpx.ReadTimeout,
        httpx.ConnectError,
    ],
)
def test_key_absent_from_every_error(answer, caplog):
    caplog.set_level(logging.DEBUG, logger="studio.jobs.ttapi")
    provider = Provider(answer)
    exc = submit_error(provider)  # asserts the key is absent from message, repr and raw
    assert "TTAPI music failed" in caplog.text
    assert KEY not in caplog.text
    with provider.client() as client, pytest.raises(errors.TTAPIError) as info:
        client.fetch(JOB_ID)
    assert_no_key(info.value)
    assert exc.message


@pytest.mark.parametrize("key", ["bad\nkey", "ключ-api", "two words"])
def test_unusable_key_refused_without_request(key):
    provider = Provider()
    client = Client(key, "https://x.test", transport=httpx.MockTransport(provider))
    with pytest.raises(errors.BadKey) as info:
        client.submit("music", MUSIC)
    assert not info.value.ambiguous
    assert key not in repr(info.value)
    with pytest.raises(errors.BadKey):
        client.fetch(JOB_ID)
    assert provider.requests == []


def test_key_whitespace_trimmed():
    provider = Provider()
    client = Client(f"  {KEY}\n", "https://x.test", transport=httpx.MockTransport(provider))
    client.submit("music", MUSIC)
    assert provider.requests[0].headers["TT-API-KEY"] == KEY


def test_rejection_keeps_the_actual_status():
    exc = submit_error(Provider(httpx.Response(201, json=FAILED_BODY)))
    assert isinstance(exc, errors.Rejected)
    assert exc.status == 201
    assert not exc.ambiguous
