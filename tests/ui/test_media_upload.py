"""Archived media for members only, with Range; uploads by URL or by file and signed link."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contract.producer import Action
from studio.models import Asset, AssetKind, Job
from studio.views.upload import signed_link
from tests.ui.factories import make_song

AUDIO = b"ID3" + bytes(range(256)) * 40
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 200


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def archived_song(team):
    song = make_song(team.workspace, team.owner, title="Sea Song")
    song.audio_file.save("sea.mp3", ContentFile(AUDIO))
    return song


def test_members_stream_archived_audio_with_range(team, viewer_client):
    song = archived_song(team)
    url = reverse("song_media", args=[song.id, "audio"])
    whole = viewer_client.get(url)
    assert whole.status_code == 200
    assert b"".join(whole.streaming_content) == AUDIO
    assert whole["Accept-Ranges"] == "bytes" and whole["Content-Type"] == "audio/mpeg"
    part = viewer_client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(AUDIO)}"
    assert b"".join(part.streaming_content) == AUDIO[100:200]
    download = viewer_client.get(url + "?download=1")
    assert download["Content-Disposition"].startswith("attachment")
    assert "sea-song.mp3" in download["Content-Disposition"]


def test_outsiders_and_strangers_get_nothing(team, outsider_client, client):
    song = archived_song(team)
    asset = Asset.objects.create(song=song, workspace=team.workspace, kind=AssetKind.STEM)
    asset.file.save("vocals.mp3", ContentFile(AUDIO))
    for url in (
        reverse("song_media", args=[song.id, "audio"]),
        reverse("asset_media", args=[asset.id]),
    ):
        assert outsider_client.get(url).status_code == 404
        assert client.get(url).status_code == 302  # to log in
    assert outsider_client.get(reverse("song_media", args=[song.id, "nonsense"])).status_code == 404


@pytest.fixture
def provider_cdn(monkeypatch):
    """The provider's file host, answering Range requests like a CDN."""
    import httpx

    from studio import providers

    seen = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path != "/a.mp3":
            return httpx.Response(404)
        match = request.headers.get("Range", "")
        if match.startswith("bytes="):
            first, last = (int(n) for n in match[6:].split("-"))
            return httpx.Response(
                206,
                content=AUDIO[first : last + 1],
                headers={
                    "Content-Type": "audio/mpeg",
                    "Content-Range": f"bytes {first}-{last}/{len(AUDIO)}",
                    "Accept-Ranges": "bytes",
                },
            )
        return httpx.Response(200, content=AUDIO, headers={"Content-Type": "audio/mpeg"})

    monkeypatch.setattr(providers, "TRANSPORT", httpx.MockTransport(handle))
    return seen


def test_provider_copy_stands_in_until_archived(team, owner_client, outsider_client, provider_cdn):
    song = make_song(team.workspace, team.owner, audio_url="https://cdn.example/a.mp3")
    url = reverse("song_media", args=[song.id, "audio"])
    response = owner_client.get(url)
    assert response.status_code == 200  # same origin: the page's CSP allows it
    assert b"".join(response.streaming_content) == AUDIO
    part = owner_client.get(url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 10-19/{len(AUDIO)}"
    assert b"".join(part.streaming_content) == AUDIO[10:20]
    assert outsider_client.get(url).status_code == 404
    assert len(provider_cdn) == 2  # the outsider never reached the provider
    assert owner_client.get(reverse("song_media", args=[song.id, "video"])).status_code == 404


def test_an_expired_provider_copy_is_a_clear_404(team, owner_client, provider_cdn):
    song = make_song(team.workspace, team.owner, audio_url="https://cdn.example/expired.mp3")
    response = owner_client.get(reverse("song_media", args=[song.id, "audio"]))
    assert response.status_code == 404


def test_assets_download_under_a_readable_name(team, owner_client):
    song = archived_song(team)
    asset = Asset.objects.create(
        song=song, workspace=team.workspace, kind=AssetKind.STEM, label="Drums"
    )
    asset.file.save("drums.mp3", ContentFile(AUDIO))
    response = owner_client.get(reverse("asset_media", args=[asset.id]) + "?download=1")
    assert response.status_code == 200
    assert "sea-song-drums.mp3" in response["Content-Disposition"]
    pending = Asset.objects.create(song=song, workspace=team.workspace, kind=AssetKind.WAV)
    assert owner_client.get(reverse("asset_media", args=[pending.id])).status_code == 404


# Upload.

UPLOAD = reverse("upload")


def test_upload_page_for_editors_only(team, editor_client, viewer_client):
    assert editor_client.get(UPLOAD).status_code == 200
    assert viewer_client.get(UPLOAD).status_code == 403
    assert viewer_client.post(UPLOAD, {"audio_url": "https://x.example/a.mp3"}).status_code == 403
    assert not Job.objects.exists()


def test_upload_by_url(team, editor_client):
    response = editor_client.post(UPLOAD, {"audio_url": "https://x.example/a.mp3"})
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.action == Action.UPLOAD and job.params == {"audio_url": "https://x.example/a.mp3"}


def test_upload_by_file_lends_it_by_a_signed_link(team, editor_client, client, settings):
    settings.PUBLIC_BASE_URL = "https://studio.example"
    upload = SimpleUploadedFile("my take.wav", WAV, content_type="audio/wav")
    response = editor_client.post(UPLOAD, {"file": upload})
    assert response.status_code == 302
    url = Job.objects.get().params["audio_url"]
    assert url.startswith("https://studio.example/u/")
    path = url.removeprefix("https://studio.example")
    served = client.get(path)  # the provider: no session
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == WAV
    assert client.get(path, headers={"Range": "bytes=0-3"}).status_code == 206
    assert client.get(path[:-3] + "xx/").status_code == 404


def test_signed_link_without_public_base_uses_the_request_host(rf, settings):
    settings.PUBLIC_BASE_URL = ""
    link = signed_link(rf.get("/"), "uploads/x/y/a.mp3")
    assert link.startswith("http://testserver/u/")


def test_expired_or_forged_links_are_refused(team, client, monkeypatch):
    from django.core import signing

    from studio.views import upload as upload_views

    forged = signing.dumps("uploads/../../etc/passwd", salt=upload_views.LINK_SALT)
    assert client.get(reverse("upload_file", args=[forged])).status_code == 404
    other_salt = signing.dumps("uploads/a/b/c.mp3", salt="something else")
    assert client.get(reverse("upload_file", args=[other_salt])).status_code == 404
    valid = signing.dumps("uploads/a/b/c.mp3", salt=upload_views.LINK_SALT)
    monkeypatch.setattr(upload_views, "LINK_MAX_AGE", -1)
    assert client.get(reverse("upload_file", args=[valid])).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "one of the two"),
        ({"audio_url": "ftp://x/a.mp3"}, "Enter a valid URL"),
        ({"file": ("notes.txt", b"hello there", "text/plain")}, "Only audio files"),
        ({"file": ("fake.mp3", b"<html>not audio</html>", "audio/mpeg")}, "Only audio files"),
        ({"file": ("big.mp3", AUDIO, "audio/mpeg")}, "the limit is"),
    ],
)
def test_upload_errors(team, editor_client, settings, data, message):
    settings.UPLOAD_MAX_BYTES = 1000
    if "file" in data:
        name, content, kind = data["file"]
        data = {"file": SimpleUploadedFile(name, content, content_type=kind)}
    response = editor_client.post(UPLOAD, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Job.objects.exists()


def test_switched_off_upload_says_why(team, editor_client, settings):
    settings.TTAPI_DISABLED_ACTIONS = {"upload": "Uploads are paused."}
    assert "Uploads are paused." in editor_client.get(UPLOAD).content.decode()
    response = editor_client.post(UPLOAD, {"audio_url": "https://x.example/a.mp3"})
    assert response.status_code == 400 and "Uploads are paused." in response.content.decode()
    assert not Job.objects.exists()
