"""Tokens: stored as a digest, shown once, revocable, expiring, made by owners or by a
management command, and acting only in their own workspace."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from studio.api import tokens
from studio.models import ApiToken, TokenRole
from tests.api.conftest import bearer

USAGE = "/api/v1/usage"


def test_only_the_digest_and_a_prefix_are_stored(team):
    token, secret = tokens.issue(team.workspace, "ci", TokenRole.EDITOR)
    row = ApiToken.objects.get(pk=token.pk)
    assert secret.startswith("ps_")
    assert len(secret) > 40
    assert secret not in (row.digest, row.prefix)
    assert row.digest == tokens.digest(secret)
    assert secret.startswith(row.prefix)
    assert tokens.find(secret) == token
    assert tokens.find(secret + "x") is None
    assert tokens.find("") is None


def test_a_good_token_answers_and_records_its_use(keys):
    response = bearer(keys.editor).get(USAGE)
    assert response.status_code == 200
    assert ApiToken.objects.get(pk=keys.editor_token.pk).last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer nope", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 300],
)
def test_missing_or_unknown_tokens_get_a_401_problem(client, keys, header):
    response = client.get(USAGE, HTTP_AUTHORIZATION=header) if header else client.get(USAGE)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401
    assert body["detail"]


def test_a_revoked_token_gets_401(keys):
    tokens.revoke(keys.editor_token)
    response = bearer(keys.editor).get(USAGE)
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_an_expired_token_gets_401(keys):
    ApiToken.objects.filter(pk=keys.editor_token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = bearer(keys.editor).get(USAGE)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_session_is_no_way_into_the_api(owner_client, keys):
    """The API knows tokens only: a logged-in browser (and so a forged form) gets 401."""
    assert owner_client.get(USAGE).status_code == 401
    assert owner_client.post("/api/v1/projects", {"name": "x"}).status_code == 401


def test_the_rate_limit_answers_429_with_retry_after(keys, settings):
    settings.API_RATE_LIMIT = 2
    api = bearer(keys.editor)
    assert [api.get(USAGE).status_code for _ in range(2)] == [200, 200]
    response = api.get(USAGE)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert 1 <= int(response["Retry-After"]) <= 60
    # Counted per token: another token is not slowed down by this one.
    assert bearer(keys.reader).get(USAGE).status_code == 200


def test_the_command_prints_a_working_token(team):
    out = StringIO()
    call_command("api_token", team.workspace.name, "nightly", "--role", "editor", stdout=out)
    secret = out.getvalue().strip()
    token = tokens.find(secret)
    assert token.workspace == team.workspace
    assert token.role == TokenRole.EDITOR
    assert bearer(secret).get(USAGE).status_code == 200


def test_the_command_refuses_an_unknown_workspace(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No workspace"):
        call_command("api_token", "nowhere", "x", stdout=StringIO())


SETTINGS = "workspaces:workspace_settings_for"


def test_owners_make_a_token_shown_once(team, owner_client):
    url = reverse(SETTINGS, args=[team.workspace.id])
    response = owner_client.post(
        url, {"create_token": "1", "token_name": "build", "token_role": "editor"}
    )
    html = response.content.decode()
    token = ApiToken.objects.get(name="build")
    assert response.status_code == 200
    assert token.created_by == team.owner
    start = html.index('id="new-api-token"')
    secret = html[start:].split('value="', 1)[1].split('"', 1)[0]
    assert tokens.find(secret) == token
    assert 'data-copy="new-api-token"' in html
    again = owner_client.get(url).content.decode()
    assert secret not in again
    assert f"{token.prefix}…" in again


def test_owners_revoke_and_others_cannot_manage_tokens(team, owner_client, keys):
    url = reverse(SETTINGS, args=[team.workspace.id])
    for who in (team.editor, team.viewer):
        client = team.client_for(who)
        create = {"create_token": "1", "token_name": "x", "token_role": "editor"}
        assert client.post(url, create).status_code == 403
        revoke = {"revoke_token": "1", "token": str(keys.editor_token.pk)}
        assert client.post(url, revoke).status_code == 403
    assert not ApiToken.objects.filter(name="x").exists()
    page = team.client_for(team.editor).get(url).content.decode()
    assert keys.editor_token.prefix not in page
    assert "Owners make and revoke" in page
    response = owner_client.post(url, {"revoke_token": "1", "token": str(keys.editor_token.pk)})
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=keys.editor_token.pk).revoked_at is not None
    assert bearer(keys.editor).get(USAGE).status_code == 401


def test_a_bad_token_form_says_why(team, owner_client):
    url = reverse(SETTINGS, args=[team.workspace.id])
    response = owner_client.post(
        url, {"create_token": "1", "token_name": "", "token_role": "admin", "expires_in_days": "0"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
    assert "Name the token" in html
    assert "field-error" in html
