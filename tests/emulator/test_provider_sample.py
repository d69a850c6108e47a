"""The provider's own sample code (seeds/002), with only the base URL and key changed, run
against the emulator over real HTTP: it prints a SUCCESS job with a playable audioUrl."""

from __future__ import annotations

import ast
import contextlib
import io
import time

import pytest
import requests

from emulator.synth import decode_audio

# Step four of the provider's guide, verbatim but for the endpoint and key.
SUBMIT_SAMPLE = """
import requests

endpoint = "{base}/producer/v1/music"
headers = {{
    "TT-API-KEY": "your_key"  # 替换为实际 API 密钥
}}

data = {{
    "title": "your_title",  # 替换为实际标题
    "lyrics_text": "your_lyrics_text",  # 替换为实际歌词内容
    "sound_prompt": "your_sound_prompt"  # 替换为实际音频提示
}}

response = requests.post(endpoint, headers=headers, json=data)

print(f"Status Code: {{response.status_code}}")

if response.status_code == 200:
    try:
        data = response.json()
        print(data)
    except ValueError:
        print("Response is not in JSON format")
else:
    print(f"Request failed with status code {{response.status_code}}")
    print("Error message:", response.text)
"""

# Step five, verbatim but for the endpoint (with the job id) and key.
FETCH_SAMPLE = """
import requests

endpoint = "{base}/producer/v1/fetch?jobId={job_id}"
headers = {{
    "TT-API-KEY": "your_key"
}}

response = requests.get(endpoint, headers=headers)

print(f"Status Code: {{response.status_code}}")

if response.status_code == 200:
    try:
        data = response.json()
        print(data)
    except ValueError:
        print("Response is not in JSON format")
else:
    print(f"Failed to fetch data. Error code: {{response.status_code}}")
"""


def run_sample(code: str) -> tuple[str, dict | None]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "sample.py", "exec"), {})  # noqa: S102
    lines = out.getvalue().splitlines()
    printed = ast.literal_eval(lines[1]) if len(lines) > 1 and lines[1].startswith("{") else None
    return lines[0], printed


@pytest.mark.django_db(transaction=True)
def test_provider_sample_code_runs_against_the_emulator(live_server, settings, tmp_path):
    settings.EMULATOR_JOB_SECONDS = 0.5
    settings.EMULATOR_MEDIA_ROOT = tmp_path
    base = f"{live_server.url}/emulator"

    status, answer = run_sample(SUBMIT_SAMPLE.format(base=base))
    assert status == "Status Code: 200"
    assert answer["status"] == "SUCCESS"
    assert answer["data"]["jobId"]

    deadline = time.monotonic() + 10
    while True:
        status, result = run_sample(FETCH_SAMPLE.format(base=base, job_id=answer["data"]["jobId"]))
        assert status == "Status Code: 200"
        if result["status"] == "SUCCESS" or time.monotonic() > deadline:
            break
        assert result["status"] == "ON_QUEUE"
        time.sleep(0.2)
    assert result["status"] == "SUCCESS"
    music = result["data"]["musics"][0]
    assert music["title"] == "your_title"
    assert music["lyrics"] == "your_lyrics_text"

    audio = requests.get(music["audioUrl"], timeout=30)
    assert audio.status_code == 200
    assert audio.headers["Content-Type"] == "audio/mpeg"
    decoded = decode_audio(audio.content)
    assert abs(decoded.seconds - float(music["durations"])) < 0.1
    assert float(abs(decoded.mix).max()) > 0.05
