"""Fault injection: the ways the real APIs misbehave, or answer oddly, on demand.

A fault is asked for by the key (`TT-API-KEY: fault-402`), by a marker in the request's
text fields (`"sound_prompt": "rain [fault:fail]"`), or at random on a fraction of
submissions (EMULATOR_FAULT_RATE, reproducible with EMULATOR_FAULT_SEED), drawn from the
weighted MIX. Keys `fault-cap-<n>` and `fault-balance-<quota>` give that key its own running
cap and balance (`limits_of`). docs/emulator.md lists every kind.
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass

from django.conf import settings

# Error answers: nothing is created, nothing is charged.
STATUS_MESSAGES: dict[int, str] = {
    400: "Parameter error",
    401: "Wrong TT-API-KEY or email is not activated.",
    402: "Insufficient balance, please recharge.",
    403: "Your account has been blocked.",
    404: "Not found.",
    410: "This action is no longer available.",
    429: "Too many requests, please slow down.",
    499: "The number of running jobs has reached the limit, please try again later.",
    500: "Internal server error.",
    502: "Bad gateway.",
    504: "Gateway timeout.",
}

FAIL = "fail"  # the job is created and ends FAILED with a reason
AMBIGUOUS = "ambiguous"  # the job is created, the answer is a 500
AMBIGUOUS_DROP = "ambiguous-drop"  # the job is created, the connection drops mid-answer
SLOW = "slow"  # the job is created, the answer comes after EMULATOR_SLOW_SECONDS (or slow-N)
HTML = "html"  # a CDN's HTML error page with 502; nothing is created
HTML_200 = "html-200"  # the job is created, but the answer is an HTML page with 200
HOOK_TWICE = "hook-twice"  # the webhook is sent twice
HOOK_OUT_OF_ORDER = "hook-out-of-order"  # a stale ON_QUEUE body is posted after the final one
# Odd but legal answers the contracts allow.
JOB_ID = "job-id"  # the submit answer spells the id the API's other way (jobId / job_id)
PENDING = "pending"  # PENDING_QUEUE for the first third of the run, then ON_QUEUE
NUMBERS = "numbers"  # numbers in the fetch body come as strings, and strings as numbers
FAILED_200 = "failed-200"  # HTTP 200 with "status": "FAILED" and no job: nothing created
EXPIRE = "expire"  # result files 404 once the job has ended (expire-<seconds>: after that)
# Fetch faults: the job is created and runs; its first FETCH_FAULTS fetches answer this.
FETCH_PREFIX = "fetch-"
FETCH_KINDS = ("fetch-500", "fetch-502", "fetch-504", "fetch-429", "fetch-html")
FETCH_FAULTS = 2

# Kinds where the job exists even though the caller may not know it.
CREATES_JOB = frozenset(
    {
        FAIL,
        AMBIGUOUS,
        AMBIGUOUS_DROP,
        SLOW,
        HTML_200,
        HOOK_TWICE,
        HOOK_OUT_OF_ORDER,
        JOB_ID,
        PENDING,
        NUMBERS,
        EXPIRE,
        *FETCH_KINDS,
    }
)
KINDS: tuple[str, ...] = (
    FAIL,
    AMBIGUOUS,
    AMBIGUOUS_DROP,
    SLOW,
    HTML,
    HTML_200,
    HOOK_TWICE,
    HOOK_OUT_OF_ORDER,
    JOB_ID,
    PENDING,
    NUMBERS,
    FAILED_200,
    EXPIRE,
    *FETCH_KINDS,
    *(str(status) for status in STATUS_MESSAGES),
)
# The random mix (EMULATOR_FAULT_RATE): odd-but-legal answers are common, lost answers and
# refusals rarer; every kind has a chance. Weights are relative.
MIX: dict[str, int] = {
    **{kind: 1 for kind in KINDS},
    JOB_ID: 4,
    PENDING: 4,
    NUMBERS: 4,
    HOOK_TWICE: 3,
    HOOK_OUT_OF_ORDER: 3,
    "fetch-500": 3,
    "fetch-502": 2,
    FAILED_200: 2,
    SLOW: 2,
    "429": 2,
    "499": 2,
    "500": 2,
}
# Faults a key also applies to GET fetch: an account that cannot log in cannot look either.
FETCH_STATUSES = frozenset({401, 403})

FAIL_REASON = "Generation failed: the model could not produce audio for this request."
MARKER = re.compile(r"\[fault:\s*([a-z0-9.-]+)\s*\]", re.IGNORECASE)
MARKED_FIELDS = ("sound_prompt", "lyrics_text", "lyrics", "prompt", "instruction", "title")
KEY_PREFIX = "fault-"
LIMIT_KEY = re.compile(r"fault-(cap|balance)-(\d{1,9})(?:-.*)?", re.IGNORECASE)
SLOW_MAX_SECONDS = 120.0


@dataclass(frozen=True)
class Fault:
    kind: str
    seconds: float = 0.0  # for SLOW, and EXPIRE (how long the files are kept)

    @property
    def status(self) -> int | None:
        """The HTTP status of an error answer, for the plain status kinds."""
        return int(self.kind) if self.kind.isdigit() else None

    @property
    def creates_job(self) -> bool:
        return self.kind in CREATES_JOB

    @property
    def message(self) -> str:
        return STATUS_MESSAGES.get(self.status or 0, "")

    @property
    def on_fetch(self) -> str:
        """For a fetch fault: what the fetch answers ("500", "html" ...), else ""."""
        return self.kind.removeprefix(FETCH_PREFIX) if self.kind in FETCH_KINDS else ""


@dataclass(frozen=True)
class Limits:
    """A key's own running cap and balance (None: the site's setting applies)."""

    running_cap: int | None = None
    balance: int | None = None


def parse(word: str) -> Fault | None:
    """`fail`, `402`, `slow`, `slow-10` ... into a Fault; None for anything else."""
    word = word.strip().lower()
    match = re.fullmatch(r"slow-(\d+(?:\.\d+)?)", word)
    if match:
        return Fault(SLOW, min(float(match.group(1)), SLOW_MAX_SECONDS))
    if word == SLOW:
        return Fault(SLOW, slow_seconds())
    match = re.fullmatch(r"expire-(\d+(?:\.\d+)?)", word)
    if match:
        return Fault(EXPIRE, float(match.group(1)))
    return Fault(word) if word in KINDS else None


def slow_seconds() -> float:
    return max(0.0, min(float(settings.EMULATOR_SLOW_SECONDS), SLOW_MAX_SECONDS))


def from_key(api_key: str) -> Fault | None:
    if api_key.lower().startswith(KEY_PREFIX):
        return parse(api_key[len(KEY_PREFIX) :])
    return None


def limits_of(api_key: str) -> Limits:
    """`fault-cap-2` may run two jobs at once, `fault-balance-9` has 9 quota to spend."""
    match = LIMIT_KEY.fullmatch(api_key.strip())
    if match is None:
        return Limits()
    kind, number = match.group(1).lower(), int(match.group(2))
    return Limits(running_cap=number) if kind == "cap" else Limits(balance=number)


def from_params(params: dict) -> Fault | None:
    for name in MARKED_FIELDS:
        value = params.get(name)
        if isinstance(value, str):
            for match in MARKER.finditer(value):
                fault = parse(match.group(1))
                if fault:
                    return fault
    return None


_lock = threading.Lock()
_rngs: dict[object, random.Random] = {}


def _rng() -> random.Random:
    seed = settings.EMULATOR_FAULT_SEED
    if seed in (None, ""):
        return random.SystemRandom()
    with _lock:
        return _rngs.setdefault(seed, random.Random(str(seed)))


def at_random() -> Fault | None:
    """A random fault, drawn from MIX, on EMULATOR_FAULT_RATE of the calls (0 by default)."""
    rate = float(settings.EMULATOR_FAULT_RATE or 0.0)
    if rate <= 0:
        return None
    rng = _rng()
    with _lock:
        if rng.random() >= rate:
            return None
        return parse(rng.choices(tuple(MIX), weights=tuple(MIX.values()))[0])


def for_submission(api_key: str, params: dict) -> Fault | None:
    """The fault to play on a POST: by key, then by marker, then at random."""
    return from_key(api_key) or from_params(params) or at_random()


def for_fetch(api_key: str) -> Fault | None:
    fault = from_key(api_key)
    return fault if fault and fault.status in FETCH_STATUSES else None
