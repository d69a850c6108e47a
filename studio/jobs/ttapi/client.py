"""The client of TTAPI's music APIs: one per engine (the Producer API, Flow Music), both on
the same transport (key header, retry policy, typed errors; see `transport`).

`submit` validates against the engine's contract and POSTs once; `fetch` reads a job's state.
After an ambiguous failure the caller reconciles with `fetch`, never sends again.
"""

from __future__ import annotations

import httpx

from contract.engines import Engine
from contract.errors import ActionDisabled, MalformedResult, PayloadInvalid, Rejected, TTAPIError
from contract.parsing import JobResult, SubmitResult
from contract.producer import Action, action_of

from . import engines
from .switches import disabled_reason
from .transport import Transport, sentence


def _refused(body: object) -> bool:
    return isinstance(body, dict) and str(body.get("status") or "").strip().upper() == "FAILED"


class Client:
    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        *,
        engine: Engine | str = Engine.PRODUCER,
        timeout: float | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.engine = engines.engine_of(engine)
        self._api = engines.api(self.engine)
        self._transport = Transport(api_key, base_url, timeout=timeout, transport=transport)
        self.base_url = self._transport.base_url

    def __repr__(self) -> str:
        return f"<Client {self.engine.label} {self.base_url}>"

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._transport.close()

    @property
    def retry_delays(self) -> tuple[float, ...]:
        return self._transport.retry_delays

    @retry_delays.setter
    def retry_delays(self, value: tuple[float, ...]) -> None:
        self._transport.retry_delays = value

    def submit(self, action: Action | str, params: dict) -> SubmitResult:
        """Validate and POST one job of the studio's `action` (on Flow Music, `music` is sent
        to `generations`). Raises a TTAPIError; check `.ambiguous` on failure."""
        action = action_of(action)
        reason = engines.disabled_reason(self.engine) or disabled_reason(action)
        if reason:
            raise ActionDisabled(reason)
        wire = engines.wire_action(self.engine, action)
        payload = engines.validate(self.engine, action, params)
        try:
            status, body = self._transport.request(
                "POST", self._api.path + wire, what=action.label, json=payload
            )
            try:
                return self._api.parse_submit(body)
            except (MalformedResult, Rejected) as exc:
                exc.status = status
                # The provider answered 2xx without a job id: a job may exist we cannot name.
                exc.ambiguous = isinstance(exc, MalformedResult)
                raise
        except TTAPIError as exc:
            self._transport.log(exc, wire)
            raise

    def fetch(self, job_id: str) -> JobResult:
        """The job's current state (free of charge)."""
        job_id = str(job_id or "").strip()
        if not job_id:
            raise PayloadInvalid({"jobId": "This field is required."})
        try:
            status, body = self._transport.request(
                "GET", self._api.path + "fetch", params={"jobId": job_id}
            )
            try:
                return self._api.parse_job_result(body)
            except MalformedResult:
                # {"status": "FAILED", "message": "...", "data": null}: the fetch was refused.
                if _refused(body):
                    said = sentence(str(body.get("message") or ""))
                    raise Rejected(
                        f"The music service refused to look up the job: {said}"
                        if said
                        else "The music service refused to look up the job.",
                        status=status,
                        raw=body,
                    ) from None
                raise
        except TTAPIError as exc:
            self._transport.log(exc, "fetch")
            raise
