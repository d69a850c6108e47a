"""Crafted numbers in query strings and headers: a normal page or a 4xx, never a 500."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from studio.jobs.ttapi import Client as TTAPIClient
from studio.lib.numbers import strict_int
from tests.factories import make_song

HUGE = "9" * 5000
BAD_NUMBERS = ["²", "٣", "9999999999999999999", HUGE, "-1", "1e3", "0x10", " 1", "1\x00"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_strict_int():
    assert strict_int("42") == 42
    assert strict_int("007") == 7
    for text in [*BAD_NUMBERS, "", None, "1" * 10]:
        assert strict_int(text) is None


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize("name", ["page", "member"])
def test_library_numbers(viewer_client, name, value):
    response = viewer_client.get(reverse("library:library"), {name: value})
    # Page numbers may become cursors: a normal page or a 400, never a 5xx.
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_activity_page_numbers(owner_client, value):
    assert owner_client.get(
        reverse("workspaces:workspace_activity"), {"page": value}
    ).status_code in (
        200,
        400,
    )


RANGES = [
    "bytes=" + "9" * 4400 + "-",
    "bytes=-" + "9" * 4400,
    "bytes=0-" + "9" * 4400,
    "bytes=²-",
    "bytes=٣-٤",
    "bytes=99999999999999999999-",
]


@pytest.mark.parametrize("header", RANGES)
def test_range_headers_on_song_media(team, viewer_client, header):
    song = make_song(team.workspace, team.owner)
    song.audio_file.save("a.mp3", ContentFile(b"ID3" + b"\x00" * 500))
    response = viewer_client.get(
        reverse("library:song_media", args=[song.id, "audio"]), headers={"Range": header}
    )
    assert response.status_code in (200, 206, 416)


@pytest.mark.parametrize("header", RANGES)
def test_range_headers_on_upload_links(client, header):
    from django.core import signing
    from django.core.files.storage import default_storage

    from studio.library.views.upload import LINK_SALT

    path = default_storage.save("uploads/1/x/a.mp3", ContentFile(b"ID3" + b"\x00" * 500))
    url = reverse("library:upload_file", args=[signing.dumps(path, salt=LINK_SALT, compress=True)])
    assert client.get(url, headers={"Range": header}).status_code in (200, 206, 416)


@pytest.mark.parametrize("header", RANGES)
def test_range_headers_on_emulator_files(emulator, header):
    with TTAPIClient(emulator.key, emulator.base_url, transport=emulator.transport) as api:
        submitted = api.submit("music", {"sound_prompt": "rain", "title": "Rain"})
    emulator.finish_all()
    with TTAPIClient(emulator.key, emulator.base_url, transport=emulator.transport) as api:
        [music] = api.fetch(submitted.job_id).musics
    path = music.audio_url.removeprefix("http://testserver")
    response = emulator.transport.client.get(path, headers={"Range": header})
    assert response.status_code in (200, 206, 416)


def _cursor(*key) -> str:
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


@pytest.mark.parametrize("name", ["q", "model", "status", "relation", "review", "sort"])
def test_a_nul_byte_in_a_library_filter(viewer_client, name):
    response = viewer_client.get(reverse("library:library"), {name: "a\x00b"})
    assert response.status_code == 400
    assert b"NUL" in response.content


@pytest.mark.parametrize(
    "cursor",
    [
        _cursor("9999-12-31T23:59:59-14:00", "00000000-0000-0000-0000-000000000000"),
        _cursor("0001-01-01T00:00:00+14:00", "00000000-0000-0000-0000-000000000000"),
    ],
)
def test_a_cursor_dated_past_the_calendar(viewer_client, cursor):
    assert viewer_client.get(reverse("library:library"), {"after": cursor}).status_code == 400


def test_a_cursor_with_a_nul_byte(viewer_client):
    when, key = "2026-01-01T00:00:00+00:00", "00000000-0000-0000-0000-000000000000"
    cursor = _cursor("a\x00b", when, key)
    response = viewer_client.get(reverse("library:library"), {"sort": "title", "after": cursor})
    assert response.status_code == 400


@pytest.mark.parametrize("key", [9 * 10**19, -(9 * 10**19), 2**63])
def test_an_activity_cursor_with_a_huge_id(owner_client, key):
    cursor = _cursor("2026-01-01T00:00:00+00:00", key)
    response = owner_client.get(reverse("workspaces:workspace_activity"), {"after": cursor})
    assert response.status_code == 400


def test_a_bare_word_as_next_after_login(team, client):
    from tests.conftest import PASSWORD

    response = client.post(
        reverse("login"), {"username": team.owner.username, "password": PASSWORD, "next": "x"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/")
    assert response["Location"] != "x"


def test_a_bare_word_as_next_on_workspace_switch(team, owner_client):
    url = reverse("workspaces:workspace_switch", args=[team.workspace.id])
    response = owner_client.post(url, {"next": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/")


def test_a_bare_word_as_next_on_add_to_project(team, owner_client):
    from studio.models import Project

    song = make_song(team.workspace, team.owner)
    project = Project.objects.create(workspace=team.workspace, name="P", created_by=team.owner)
    response = owner_client.post(
        reverse("projects:project_add", args=[project.id]), {"song": str(song.id), "next": "x"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:project", args=[project.id])


def test_a_title_with_line_breaks_in_a_mention_mail(
    team, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    song = make_song(team.workspace, team.owner, title="Night\r\nBcc: someone@example.net")
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            reverse("reviews:comment_post", args=[song.id]), {"body": f"@{team.editor.username} hi"}
        )
    assert response.status_code == 302
    [mail] = mailoutbox
    assert "\n" not in mail.subject
    assert "\r" not in mail.subject
    assert "Night Bcc: someone@example.net" in mail.subject


def test_a_login_post_in_utf_7(team):
    from django.test import Client

    # CSRF on: the check reads the form, and so did the 400 page's own CSRF check.
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get(reverse("login"))
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("login"),
        f"csrfmiddlewaretoken={token}&username=alice&password=x",
        content_type="application/x-www-form-urlencoded; charset=utf-7",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 400


def test_a_huge_content_length_under_the_development_server():
    """`make run`'s server answers 413 from the headers, not a 500 after trying to read a
    terabyte."""
    import socket
    import threading

    from django.core.management import get_commands, load_command_class
    from django.core.servers.basehttp import WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    command = load_command_class(get_commands()["runserver"], "runserver")
    server = command.server_cls(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(get_wsgi_application())
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        with socket.create_connection(server.server_address[:2], timeout=10) as conn:
            conn.sendall(
                b"POST /upload/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: multipart/form-data; boundary=x\r\n"
                b"Content-Length: 999999999999\r\n\r\n--x\r\n"
            )
            conn.shutdown(socket.SHUT_WR)  # the rest of the body never comes
            answer = b""
            while chunk := conn.recv(4096):
                answer += chunk
    finally:
        thread.join(10)
        server.server_close()
    assert answer.startswith(b"HTTP/1.")
    assert b" 413 " in answer.split(b"\r\n")[0]
    assert b"larger than this server accepts" in answer
