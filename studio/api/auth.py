"""Bearer tokens: who a request is, in which workspace, and how fast it may come.

A token acts as its role in its own workspace and nowhere else; revoked or expired tokens
answer 401. No session, so no CSRF: a browser cannot be made to send a bearer token.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from studio.accounts import ratelimit
from studio.api import tokens
from studio.api.problems import ApiProblem
from studio.models import ApiToken, Workspace

UNAUTHORIZED = {"WWW-Authenticate": 'Bearer error="invalid_token"'}


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = tokens.find(token)
        now = timezone.now()
        if found is None:
            raise ApiProblem(401, _("This API token is not known."), headers=UNAUTHORIZED)
        if found.revoked_at is not None:
            raise ApiProblem(401, _("This API token was revoked."), headers=UNAUTHORIZED)
        if found.expires_at is not None and found.expires_at <= now:
            raise ApiProblem(401, _("This API token has expired."), headers=UNAUTHORIZED)
        _limit(found)
        tokens.touch(found, now)
        return found


def _limit(token: ApiToken) -> None:
    """API_RATE_LIMIT requests per API_RATE_WINDOW seconds per token, counted on the cache."""
    window = settings.API_RATE_WINDOW
    count = ratelimit.hit("api", str(token.pk), window)
    if count > settings.API_RATE_LIMIT:
        wait = ratelimit.retry_after("api", str(token.pk), settings.API_RATE_LIMIT)
        raise ApiProblem(
            429,
            _("Too many requests for this token: try again in %(n)d s.") % {"n": wait},
            headers={"Retry-After": str(wait)},
        )


def token_of(request: HttpRequest) -> ApiToken:
    return request.auth


def workspace_of(request: HttpRequest) -> Workspace:
    return request.auth.workspace


def require_write(request: HttpRequest) -> ApiToken:
    """The token, when its role may change things; 403 for a read-only token."""
    token = token_of(request)
    if not token.member_role.can_edit:
        raise ApiProblem(403, _("This token is read-only: make an editor token to change things."))
    return token


def actor(request: HttpRequest):
    """The person the token's actions are recorded under: whoever made it (None if gone)."""
    return token_of(request).created_by
