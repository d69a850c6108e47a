"""Archived media for members only, with Range; uploads by URL or by file and signed link."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contract.producer import Action
from studio.library.views.upload import signed_link
from studio.models import ArchiveStatus, Asset, AssetKind, Job, Song
from tests.factories import make_song

AUDIO = b"ID3" + bytes(range(256)) * 40


def wav_bytes(seconds: float = 0.5, rate: int = 8000) -> bytes:
    import io
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x01\x00" * int(seconds * rate))
    return out.getvalue()


WAV = wav_bytes()


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
    url = reverse("library:song_media", args=[song.id, "audio"])
    whole = viewer_client.get(url)
    assert whole.status_code == 200
    assert b"".join(whole.streaming_content) == AUDIO
    assert whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Type"] == "audio/mpeg"
    part = viewer_client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(AUDIO)}"
    assert b"".join(part.streaming_content) == AUDIO[100:200]
    download = viewer_client.get(url + "?download=1")
    assert download["Content-Disposition"].startswith("attachment")
    assert 'filename="Sea Song.mp3"' in download["Content-Disposition"]


def test_outsiders_and_strangers_get_nothing(team, outsider_client, client):
    song = archived_song(team)
    asset = Asset.objects.create(song=song, workspace=team.workspace, kind=AssetKind.STEM)
    asset.file.save("vocals.mp3", ContentFile(AUDIO))
    for url in (
        reverse("library:song_media", args=[song.id, "audio"]),
        reverse("library:asset_media", args=[asset.id]),
    ):
        assert outsider_client.get(url).status_code == 404
        assert client.get(url).status_code == 302  # to log in
    assert (
        outsider_client.get(reverse("library:song_media", args=[song.id, "nonsense"])).status_code
        == 404
    )


@pytest.fixture
def provider_cdn(monkeypatch):
    """The provider's file host; records whether the studio ever asked it for anything."""
    import httpx

    from studio.jobs import providers

    seen = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, content=b"<script>alert(1)</script>", headers={"Content-Type": "text/html"}
        )

    monkeypatch.setattr(providers, "TRANSPORT", httpx.MockTransport(handle))
    return seen


def test_nothing_is_served_until_archived(team, owner_client, outsider_client, provider_cdn):
    song = make_song(team.workspace, team.owner, audio_url="https://cdn.example/a.mp3")
    url = reverse("library:song_media", args=[song.id, "audio"])
    response = owner_client.get(url)
    assert response.status_code == 404
    assert "still being copied" in response.content.decode()
    assert outsider_client.get(url).status_code == 404
    assert provider_cdn == []  # the provider's copy is never fetched for a viewer
    assert (
        owner_client.get(reverse("library:song_media", args=[song.id, "video"])).status_code == 404
    )
    Song.objects.filter(pk=song.pk).update(
        archive_status=ArchiveStatus.FAILED, archive_error="The file server answered HTTP 410."
    )
    assert "HTTP 410" in owner_client.get(url).content.decode()


ACTIVE = [
    ("page.html", b"<html><script>fetch('/')</script></html>"),
    ("cover.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("cover.png", b"alert(document.cookie)"),
    ("audio.mp3", b"<!doctype html><script>alert(1)</script>"),
]


@pytest.mark.parametrize(("name", "content"), ACTIVE)
def test_active_content_is_never_served_inline(team, viewer_client, name, content):
    song = make_song(team.workspace, team.owner, title="Evil")
    song.image_file.save(name, ContentFile(content))
    song.audio_file.save(name, ContentFile(content))
    for kind in ("image", "audio"):
        response = viewer_client.get(reverse("library:song_media", args=[song.id, kind]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]


def test_media_types_come_from_the_bytes(team, viewer_client):
    song = make_song(team.workspace, team.owner, title="Typed")
    song.image_file.save("cover.html", ContentFile(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50))
    song.audio_file.save("sound.js", ContentFile(WAV))
    image = viewer_client.get(reverse("library:song_media", args=[song.id, "image"]))
    audio = viewer_client.get(reverse("library:song_media", args=[song.id, "audio"]))
    assert image["Content-Type"] == "image/png"
    assert audio["Content-Type"] == "audio/wav"
    assert "Content-Disposition" not in image
    assert image["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("name", "content"), ACTIVE)
def test_upload_links_never_serve_active_content_inline(client, settings, name, content):
    from django.core.files.storage import default_storage

    from studio.library.views import upload as upload_views

    path = default_storage.save(f"uploads/1/x/{name}", ContentFile(content))
    response = client.get(
        reverse(
            "library:upload_file",
            args=[upload_views.signing.dumps(path, salt=upload_views.LINK_SALT, compress=True)],
        )
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_assets_download_under_a_readable_name(team, owner_client):
    song = archived_song(team)
    asset = Asset.objects.create(
        song=song, workspace=team.workspace, kind=AssetKind.STEM, label="Drums"
    )
    asset.file.save("drums.mp3", ContentFile(AUDIO))
    response = owner_client.get(reverse("library:asset_media", args=[asset.id]) + "?download=1")
    assert response.status_code == 200
    assert 'filename="Sea Song Drums.mp3"' in response["Content-Disposition"]
    pending = Asset.objects.create(song=song, workspace=team.workspace, kind=AssetKind.WAV)
    assert owner_client.get(reverse("library:asset_media", args=[pending.id])).status_code == 404


# Upload.

UPLOAD = reverse("library:upload")


def test_upload_page_for_editors_only(team, editor_client, viewer_client):
    assert editor_client.get(UPLOAD).status_code == 200
    assert viewer_client.get(UPLOAD).status_code == 403
    assert viewer_client.post(UPLOAD, {"audio_url": "https://x.example/a.mp3"}).status_code == 403
    assert not Job.objects.exists()


def test_upload_by_url(team, editor_client):
    response = editor_client.post(UPLOAD, {"audio_url": "https://x.example/a.mp3"})
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.action == Action.UPLOAD
    assert job.params == {"audio_url": "https://x.example/a.mp3"}


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
    token = path.removeprefix("/u/").split("/")[0]
    assert path == f"/u/{token}/my%20take.wav"  # named after the file
    assert client.get(f"/u/{token[:-3]}xx/my%20take.wav").status_code == 404
    assert client.get(f"/u/{token}/").status_code == 200  # links handed out before


def test_an_uploaded_file_names_its_song(team, editor_client, settings):
    from studio.jobs.lifecycle import apply_result
    from studio.jobs.outputs import uploaded_name

    assert uploaded_name("https://studio.example/u/tok/My%20Demo%20v2.wav") == "My Demo v2"
    assert uploaded_name("https://x.example/a/b/take_3.MP3?x=1") == "take_3"
    assert uploaded_name("https://studio.example/u/tok/") == ""
    upload = SimpleUploadedFile("Night Drive (demo).wav", WAV, content_type="audio/wav")
    editor_client.post(UPLOAD, {"file": upload})
    job = Job.objects.get()
    body = {
        "status": "SUCCESS",
        "data": {
            "jobId": "p-1",
            "action": "upload",
            "progress": "100%",
            "musics": [{"musicId": "m-up", "title": "Upload", "audioUrl": "https://cdn/x.mp3"}],
        },
    }
    apply_result(job, body)
    assert job.songs.get().title == "Night Drive (demo)"


def test_the_size_limit_reads_the_same_on_the_page_and_in_the_error(team, editor_client, settings):
    settings.UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    assert "up to 2 MB" in editor_client.get(UPLOAD).content.decode()
    big = SimpleUploadedFile("big.wav", wav_bytes(200.0), content_type="audio/wav")
    html = editor_client.post(UPLOAD, {"file": big}).content.decode()
    assert "over the limit of 2 MB" in html
    assert "up to 2 MB" in html


def test_signed_link_without_public_base_uses_the_request_host(rf, settings):
    settings.PUBLIC_BASE_URL = ""
    link = signed_link(rf.get("/"), "uploads/x/y/a.mp3")
    assert link.startswith("http://testserver/u/")


def test_expired_or_forged_links_are_refused(team, client, monkeypatch):
    from django.core import signing

    from studio.library.views import upload as upload_views

    forged = signing.dumps("uploads/../../etc/passwd", salt=upload_views.LINK_SALT)
    assert client.get(reverse("library:upload_file", args=[forged])).status_code == 404
    other_salt = signing.dumps("uploads/a/b/c.mp3", salt="something else")
    assert client.get(reverse("library:upload_file", args=[other_salt])).status_code == 404
    valid = signing.dumps("uploads/a/b/c.mp3", salt=upload_views.LINK_SALT)
    monkeypatch.setattr(upload_views, "LINK_MAX_AGE", -1)
    assert client.get(reverse("library:upload_file", args=[valid])).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "one of the two"),
        ({"audio_url": "ftp://x/a.mp3"}, "Enter a valid URL"),
        ({"file": ("notes.txt", b"hello there", "text/plain")}, "Only audio files"),
        ({"file": ("fake.mp3", b"<html>not audio</html>", "audio/mpeg")}, "Only audio files"),
        ({"file": ("big.mp3", AUDIO, "audio/mpeg")}, "over the limit of 1000 bytes"),
        # Audio-looking first bytes, then not audio at all.
        ({"file": ("fake.mp3", b"ID3" + b"<script>" * 50, "audio/mpeg")}, "Only audio files"),
        (
            {"file": ("fake.wav", b"RIFF\x00\x01\x00\x00WAVE" + b"<html>" * 20, "audio/wav")},
            "Only audio files",
        ),
        ({"file": ("long.wav", wav_bytes(3.0, 100), "audio/wav")}, "longer than 2 seconds"),
    ],
)
def test_upload_errors(team, editor_client, settings, data, message):
    settings.UPLOAD_MAX_BYTES = 1000
    settings.UPLOAD_MAX_SECONDS = 2
    if "file" in data:
        name, content, kind = data["file"]
        data = {"file": SimpleUploadedFile(name, content, content_type=kind)}
    response = editor_client.post(UPLOAD, data)
    assert response.status_code in (400, 413)  # 413: cut off while reading
    assert message in response.content.decode()
    assert not Job.objects.exists()


class Unread:
    """A request body that must not be read."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_a_body_over_the_limit_is_refused_before_reading(team, editor_client, settings):
    settings.UPLOAD_MAX_BYTES = 50 * 1024 * 1024
    response = editor_client.post(
        UPLOAD,
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(500 * 1024 * 1024),
        **{"wsgi.input": Unread()},
    )
    assert response.status_code == 413
    assert "The file is over the limit of 50 MB." in response.content.decode()
    assert "up to 50 MB" in editor_client.get(UPLOAD).content.decode()  # said one way
    assert not Job.objects.exists()


def test_a_file_past_the_limit_is_cut_off(team, editor_client, settings):
    settings.UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    big = SimpleUploadedFile("big.wav", wav_bytes(200.0), content_type="audio/wav")  # 3.2 MB
    response = editor_client.post(UPLOAD, {"file": big})
    assert response.status_code == 413
    assert "over the limit of 2 MB" in response.content.decode()
    assert not Job.objects.exists()


def test_switched_off_upload_says_why(team, editor_client, settings):
    settings.TTAPI_DISABLED_ACTIONS = {"upload": "Uploads are paused."}
    assert "Uploads are paused." in editor_client.get(UPLOAD).content.decode()
    response = editor_client.post(UPLOAD, {"audio_url": "https://x.example/a.mp3"})
    assert response.status_code == 400
    assert "Uploads are paused." in response.content.decode()
    assert not Job.objects.exists()


def test_a_chinese_title_downloads_under_its_own_name(team, owner_client):
    song = make_song(team.workspace, team.owner, title="上海夜曲")
    song.audio_file.save("take.mp3", ContentFile(AUDIO))
    url = reverse("library:song_media", args=[song.id, "audio"])
    disposition = owner_client.get(url + "?download=1")["Content-Disposition"]
    assert disposition == (
        'attachment; filename="song.mp3"; '
        "filename*=UTF-8''%E4%B8%8A%E6%B5%B7%E5%A4%9C%E6%9B%B2.mp3"  # 上海夜曲.mp3
    )
    asset = Asset.objects.create(
        song=song, workspace=team.workspace, kind=AssetKind.STEM, label="人声"
    )
    asset.file.save("vocals.mp3", ContentFile(AUDIO))
    disposition = owner_client.get(reverse("library:asset_media", args=[asset.id]) + "?download=1")[
        "Content-Disposition"
    ]
    assert disposition.endswith(  # 上海夜曲 人声.mp3
        "filename*=UTF-8''%E4%B8%8A%E6%B5%B7%E5%A4%9C%E6%9B%B2%20%E4%BA%BA%E5%A3%B0.mp3"
    )
