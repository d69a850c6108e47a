"""Keeping API keys out of what the provider says: a key echoed back in a job's message or
payload is replaced by *** before the studio stores, shows or logs it."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from contract.parsing import JobResult, parse_job_result
from studio.models import Job, Workspace

MASK = "***"
SHORTEST = 4  # shorter "keys" would blank out ordinary words


def secrets_for(job: Job) -> list[str]:
    """The keys a job's results might echo: the site key, and the workspace's own unless
    the job went to the emulator (whose key is no secret)."""
    keys = [settings.TTAPI_API_KEY]
    if job.on_emulator is not True:
        encrypted = job.workspace.api_key_encrypted  # no query where read with select_related
        if encrypted:
            keys.append(Workspace(api_key_encrypted=encrypted).get_api_key())
    return [key.strip() for key in keys if key and len(key.strip()) >= SHORTEST]


def redact(value: Any, secrets: list[str]) -> Any:
    """`value` (text, or JSON-like data, keys included) with every secret replaced by ***."""
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, MASK)
        return value
    if isinstance(value, dict):
        return {redact(k, secrets): redact(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v, secrets) for v in value]
    return value


def redact_result(result: JobResult, secrets: list[str]) -> JobResult:
    """The result as if the provider had never echoed a secret (parsed again when it did)."""
    text = json.dumps(result.raw, default=str)
    if not any(secret in text for secret in secrets):
        return result
    return parse_job_result(redact(result.raw, secrets))
