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
