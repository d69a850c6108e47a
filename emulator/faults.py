"""Fault injection: the ways the real API misbehaves, on demand.

A fault is asked for by the key (`TT-API-KEY: fault-402`), by a marker in the request's
text fields (`"sound_prompt": "rain [fault:fail]"`), or at random on a fraction of
submissions (EMULATOR_FAULT_RATE, reproducible with EMULATOR_FAULT_SEED). docs/emulator.md
lists every kind.
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

# Kinds where the job exists even though the caller may not know it.
CREATES_JOB = frozenset(
    {FAIL, AMBIGUOUS, AMBIGUOUS_DROP, SLOW, HTML_200, HOOK_TWICE, HOOK_OUT_OF_ORDER}
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
    *(str(status) for status in STATUS_MESSAGES),
)
# Faults a key also applies to GET fetch: an account that cannot log in cannot look either.
FETCH_STATUSES = frozenset({401, 403})

FAIL_REASON = "Generation failed: the model could not produce audio for this request."
MARKER = re.compile(r"\[fault:\s*([a-z0-9.-]+)\s*\]", re.IGNORECASE)
MARKED_FIELDS = ("sound_prompt", "lyrics_text", "prompt", "title")
KEY_PREFIX = "fault-"
SLOW_MAX_SECONDS = 120.0
DEFAULT_SLOW_SECONDS = 3.0


@dataclass(frozen=True)
class Fault:
    kind: str
    seconds: float = 0.0  # for SLOW

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


def parse(word: str) -> Fault | None:
    """`fail`, `402`, `slow`, `slow-10` ... into a Fault; None for anything else."""
    word = word.strip().lower()
    match = re.fullmatch(r"slow-(\d+(?:\.\d+)?)", word)
    if match:
        return Fault(SLOW, min(float(match.group(1)), SLOW_MAX_SECONDS))
    if word == SLOW:
        return Fault(SLOW, slow_seconds())
    return Fault(word) if word in KINDS else None


def slow_seconds() -> float:
    value = float(getattr(settings, "EMULATOR_SLOW_SECONDS", DEFAULT_SLOW_SECONDS))
    return max(0.0, min(value, SLOW_MAX_SECONDS))


def from_key(api_key: str) -> Fault | None:
    if api_key.lower().startswith(KEY_PREFIX):
        return parse(api_key[len(KEY_PREFIX) :])
    return None


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
    seed = getattr(settings, "EMULATOR_FAULT_SEED", None)
    if seed in (None, ""):
        return random.SystemRandom()
    with _lock:
        return _rngs.setdefault(seed, random.Random(str(seed)))


def at_random() -> Fault | None:
    """A random fault on EMULATOR_FAULT_RATE of the calls (0 by default)."""
    rate = float(getattr(settings, "EMULATOR_FAULT_RATE", 0.0) or 0.0)
    if rate <= 0:
        return None
    rng = _rng()
    with _lock:
        if rng.random() >= rate:
            return None
        return parse(rng.choice(KINDS))


def for_submission(api_key: str, params: dict) -> Fault | None:
    """The fault to play on a POST: by key, then by marker, then at random."""
    return from_key(api_key) or from_params(params) or at_random()


def for_fetch(api_key: str) -> Fault | None:
    fault = from_key(api_key)
    return fault if fault and fault.status in FETCH_STATUSES else None
