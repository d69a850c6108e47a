"""Making, finding and revoking API tokens. Only a token's digest is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.utils import timezone

from studio.models import ApiToken, TokenRole, Workspace

PREFIX = "ps_"  # marks a studio token in logs and secret scanners
SHOWN = 10  # characters of a token kept to name it in lists
LAST_USED_EVERY = timedelta(minutes=1)  # at most one write per token per minute


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(
    workspace: Workspace,
    name: str,
    role: TokenRole | str,
    *,
    created_by=None,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token and its secret, which is shown once and never stored."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        workspace=workspace,
        name=name,
        role=TokenRole(role),
        digest=digest(secret),
        prefix=secret[:SHOWN],
        created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
        expires_at=expires_at,
    )
    return token, secret


def find(secret: str) -> ApiToken | None:
    """The token this secret is, usable or not; None for an unknown secret.

    Looked up by its digest (an index lookup on a hash reveals nothing about the secret),
    then compared in constant time."""
    if not secret or len(secret) > 200:
        return None
    wanted = digest(secret)
    token = ApiToken.objects.filter(digest=wanted).select_related("workspace").first()
    if token is None or not hmac.compare_digest(token.digest, wanted):
        return None
    return token


def touch(token: ApiToken, now: datetime | None = None) -> None:
    """Record the use; a busy token writes its row once a minute, not on every request."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def revoke(token: ApiToken, now: datetime | None = None) -> bool:
    return bool(
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=now or timezone.now()
        )
    )
