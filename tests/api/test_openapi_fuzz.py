"""Schemathesis against the served OpenAPI document: every operation, with generated
requests from an editor token of a workspace holding a song, a file and a project.
Bounded: a few examples per operation, derandomized (the same cases every run). No answer
may be a 5xx, and every answer must match the document (status, content type, body).

Not checked: that every request the schema allows is accepted. The document cannot say
everything a refusal depends on (an opaque cursor, the budget, a form's rule such as "a
sound or lyrics"), and those refusals are 400 problems by design."""

import pytest
import schemathesis
from django.core.files.base import ContentFile
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from outbound import addresses
from studio.api import tokens
from studio.models import TokenRole
from studio.models.projects import Project
from tests.factories import make_song

EXAMPLES = 12


@pytest.mark.fuzz
def test_no_5xx_and_every_answer_matches_the_document(team, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    # Webhook addresses are checked by resolving them: never a real lookup from a test.
    monkeypatch.setattr(addresses, "RESOLVER", lambda host, port: ["93.184.216.34"])
    song = make_song(team.workspace, team.owner)
    song.audio_file.save("a.mp3", ContentFile(b"ID3" + b"x" * 200))
    Project.objects.create(workspace=team.workspace, name="Fuzzed")
    _token, secret = tokens.issue(team.workspace, "fuzz", TokenRole.EDITOR, created_by=team.owner)
    headers = {"Authorization": f"Bearer {secret}"}
    # Called through WSGI, not Django's test client: keep each request's end from closing the
    # connection the test's transaction is on, as the test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _fuzz(headers)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz(headers: dict) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case):
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        check()
