"""A test double of the Flow Music API written from ../shared/ttapi-flowmusic.md alone.

It listens on 127.0.0.1, records every request, checks each POST against the documented
table (path, required fields, documented fields only, documented types) and answers what
the test queues: any status, body or raw page. It shares no code with the emulator or the
contract package, so a mistake in either cannot hide here.
"""

from __future__ import annotations

import io
import json
import math
import struct
import threading
import wave
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image

KEY = "flow-test-key"
PREFIX = "/flowmusic/v1/"

# The documented endpoints: required fields, optional fields.
OPTIONAL_EDIT = {"model", "title", "seed", "hook_url"}
ENDPOINTS: dict[str, tuple[set[str], set[str]]] = {
    "generations": (
        set(),
        {"sound_prompt", "lyrics", "title", "model", "seed", "bpm"} | {"length", "hook_url"},
    ),
    "cover": ({"clip_id", "instruction", "strength"}, OPTIONAL_EDIT),
    "extend": ({"clip_id", "extend_from_s", "extend_s", "instruction"}, OPTIONAL_EDIT),
    "replace": ({"clip_id", "start_s", "end_s", "instruction"}, OPTIONAL_EDIT),
    "stems": ({"clip_id"}, {"hook_url"}),
}


def wav(seconds: float, rate: int = 8000) -> bytes:
    """A mono 16-bit WAV of a 440 Hz tone."""
    frames = int(seconds * rate)
    samples = b"".join(
        struct.pack("<h", int(12000 * math.sin(2 * math.pi * 440 * n / rate)))
        for n in range(frames)
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(samples)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (109, 91, 208)).save(out, "PNG")
    return out.getvalue()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _numeric_string(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        float(value)
    except ValueError:
        return False
    return True


def problems_of(action: str, body: Any) -> list[str]:
    """What in a request breaks the documented contract (empty when it is right)."""
    if action not in ENDPOINTS:
        return [f"undocumented endpoint {action!r}"]
    if not isinstance(body, dict):
        return ["body is not a JSON object"]
    required, optional = ENDPOINTS[action]
    found = [f"missing {name}" for name in sorted(required - body.keys())]
    found += [f"undocumented field {name}" for name in sorted(body.keys() - required - optional)]
    if action == "generations" and not (body.get("sound_prompt") or body.get("lyrics")):
        found.append("sound_prompt and lyrics both empty")
    for name in ("clip_id", "instruction", "title", "model", "sound_prompt", "lyrics"):
        if name in body and not isinstance(body[name], str):
            found.append(f"{name} is not a string")
    if "seed" in body and not isinstance(body["seed"], str):
        found.append("seed is not a string")
    if "bpm" in body and not (_numeric_string(body["bpm"]) and float(body["bpm"]) >= 1):
        found.append("bpm is not a string holding a number >= 1")
    if "length" in body and not (
        isinstance(body["length"], int)
        and not isinstance(body["length"], bool)
        and 1 <= body["length"] <= 240
    ):
        found.append("length is not an integer from 1 to 240")
    if "strength" in body and not (_is_number(body["strength"]) and 0 <= body["strength"] <= 1):
        found.append("strength is not a number from 0 to 1")
    for name in ("extend_from_s", "extend_s", "start_s", "end_s"):
        if name in body and not (_is_number(body[name]) and body[name] >= 0):
            found.append(f"{name} is not a number of seconds")
    if _is_number(body.get("extend_s")) and body["extend_s"] > 327:
        found.append("extend_s is over 327")
    start, end = body.get("start_s"), body.get("end_s")
    if _is_number(start) and _is_number(end) and end <= start:
        found.append("end_s is not after start_s")
    return found


@dataclass
class Answer:
    status: int = 200
    body: Any = None  # JSON-encoded unless `raw` is given
    raw: str | None = None
    content_type: str = "application/json"


@dataclass
class Request:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: Any
    problems: list[str] = field(default_factory=list)

    @property
    def action(self) -> str:
        return self.path.removeprefix(PREFIX)


def accepted(job_id: str = "fm-job-1", spelling: str = "job_id") -> Answer:
    return Answer(body={"status": "SUCCESS", "message": "success", "data": {spelling: job_id}})


def fetched(job_id: str = "fm-job-1", status: str = "SUCCESS", **data: Any) -> Answer:
    """The documented fetch answer: the job id at the top and in `data`."""
    return Answer(
        body={
            "status": status,
            "message": "success" if status == "SUCCESS" else data.pop("message", None),
            "jobId": job_id,
            "data": {"jobId": job_id, "hookUrl": None, **data},
        }
    )


class FlowMusicDouble:
    """`with FlowMusicDouble() as api:` serves on `api.url`; queue answers with `answer()`."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.answers: deque[Answer] = deque()
        # Result files a clip's URLs point at: path -> (bytes, content type).
        self.files: dict[str, tuple[bytes, str]] = {}
        double = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                path, _, query = self.path.partition("?")
                if path.startswith("/files/"):
                    data, content_type = double.files.get(path, (b"Not found", "text/plain"))
                    self.send_response(200 if path in double.files else 404)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                length = int(self.headers.get("Content-Length") or 0)
                text = self.rfile.read(length).decode() if length else ""
                try:
                    body = json.loads(text) if text else None
                except ValueError:
                    body = text
                request = Request(self.command, path, query, dict(self.headers), body)
                if self.command == "POST":
                    request.problems = problems_of(request.action, body)
                if self.headers.get("TT-API-KEY") != KEY:
                    request.problems.append("wrong TT-API-KEY header")
                double.requests.append(request)
                answer = double.answers.popleft() if double.answers else accepted()
                data = answer.raw if answer.raw is not None else json.dumps(answer.body)
                payload = data.encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, *answers: Answer) -> None:
        self.answers.extend(answers)

    def clip(self, clip_id: str, title: str = "Song", seconds: float = 2.0, **extra: Any) -> dict:
        """A result clip whose audio (a real WAV of `seconds`) and image this double serves."""
        self.files[f"/files/{clip_id}.wav"] = (wav(seconds), "audio/wav")
        self.files[f"/files/{clip_id}.png"] = (png(), "image/png")
        return {
            "clip_id": clip_id,
            "title": title,
            "lyrics_id": f"lyrics-{clip_id}",
            "lyrics_timing_markers": "[Verse 1]\nBeat beats beneath my breath",
            "audio_url": f"{self.url}/files/{clip_id}.wav",
            "image_url": f"{self.url}/files/{clip_id}.png",
            "duration": str(seconds),
            **extra,
        }

    def __enter__(self) -> FlowMusicDouble:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.shutdown()
        self.server.server_close()
