"""Tokens of the test team's workspace (editor and read-only) and of another workspace,
with a client that sends each one."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client

from studio.api import tokens
from studio.models import ApiToken, TokenRole, Workspace
from tests.conftest import Team, make_user


@dataclass
class Keys:
    editor: str
    reader: str
    other: str  # an editor token of another workspace
    other_workspace: Workspace
    editor_token: ApiToken


def bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture(autouse=True)
def api_settings(settings):
    settings.API_RATE_LIMIT = 1000
    settings.API_RATE_WINDOW = 60
    settings.EMULATOR_ENABLED = True
    settings.TTAPI_DISABLED_ACTIONS = []
    settings.WORKSPACE_MAX_RUNNING_JOBS = 10
    cache.clear()  # rate-limit counters of earlier tests


@pytest.fixture
def keys(team: Team) -> Keys:
    editor_token, editor = tokens.issue(
        team.workspace, "ci", TokenRole.EDITOR, created_by=team.owner
    )
    _reader, reader = tokens.issue(
        team.workspace, "cms", TokenRole.READ_ONLY, created_by=team.owner
    )
    stranger = make_user("oscar")
    other_workspace = Workspace.objects.get(memberships__user=stranger)
    _other, other = tokens.issue(other_workspace, "theirs", TokenRole.EDITOR, created_by=stranger)
    return Keys(editor, reader, other, other_workspace, editor_token)


@pytest.fixture
def editor_api(keys: Keys) -> Client:
    return bearer(keys.editor)


@pytest.fixture
def reader_api(keys: Keys) -> Client:
    return bearer(keys.reader)


@pytest.fixture
def other_api(keys: Keys) -> Client:
    return bearer(keys.other)
