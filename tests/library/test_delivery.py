"""Downloads carry their tags, read back by ffmpeg (not mutagen, which wrote them); the
archived original is never changed; a project downloads as a release package whose
manifest matches its files."""

import csv
import hashlib
import io
import json
import wave
import zipfile

import numpy as np
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

import mediatools
from mediatools.analysis import loudness, true_peak
from mediatools.tags import SONG_ID_FRAME
from studio.models import ArchiveStatus, Asset, AssetKind, LoudnessRender
from studio.models.projects import Project, ProjectSong
from tests.factories import make_song
from tests.mediatools.test_tags import (
    cover_png,
    ffmetadata,
    ffmpeg_cover,
    mp3_file,
    riff_info,
    wav_file,
)

TITLE = "夜空 Night Drive"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def song_with(team, audio: bytes, name: str, **fields):
    song = make_song(
        team.workspace,
        team.owner,
        title=fields.pop("title", TITLE),
        lyrics=fields.pop("lyrics", "第一行\nsecond line"),
        bpm=fields.pop("bpm", 127.6),
        key=fields.pop("key", "A minor"),
        lufs=fields.pop("lufs", -11.2),
        true_peak=-0.4,
        lra=4.0,
        analysed_at=timezone.now(),
        **fields,
    )
    song.audio_file.save(name, ContentFile(audio), save=False)
    song.image_file.save("cover.png", ContentFile(cover_png()), save=False)
    song.save(update_fields=["audio_file", "image_file"])
    return song


def digest(field_file) -> str:
    with field_file.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def download(client, url, **params) -> bytes:
    response = client.get(url, {"download": "1", **params})
    assert response.status_code == 200, response.content[:200]
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_mp3_download_carries_id3_tags_and_the_original_is_untouched(team, owner_client, tmp_path):
    song = song_with(team, mp3_file(), "song.mp3")
    before = digest(song.audio_file)
    data = download(owner_client, reverse("library:song_media", args=[song.pk, "audio"]))
    meta = ffmetadata(data, "mp3", tmp_path)
    assert meta["title"] == TITLE
    assert meta["artist"] == team.workspace.name
    assert meta["TBPM"] == "128"
    assert meta["TKEY"] == "Am"
    assert meta[SONG_ID_FRAME] == str(song.pk)
    assert meta["lyrics-XXX"] == "第一行\nsecond line"
    assert "album" not in meta
    assert ffmpeg_cover(data, "mp3", tmp_path) == cover_png()
    assert digest(song.audio_file) == before
    # Played, not downloaded: the file as archived.
    played = owner_client.get(reverse("library:song_media", args=[song.pk, "audio"]))
    assert b"".join(played.streaming_content)[:3] != b"ID3"


def test_wav_download_from_a_project_carries_album_and_track(team, owner_client, tmp_path):
    team.workspace.artist_name = "Northern Lights"
    team.workspace.save()
    first = song_with(team, mp3_file(), "a.mp3", title="First")
    song = song_with(team, wav_file(), "song.wav")
    project = Project.objects.create(workspace=team.workspace, name="Night Album")
    ProjectSong.objects.create(project=project, song=first, position=0)
    ProjectSong.objects.create(project=project, song=song, position=1)
    url = reverse("library:song_media", args=[song.pk, "audio"])
    data = download(owner_client, url, project=str(project.pk))
    info = riff_info(data)
    assert info["INAM"] == TITLE
    assert info["IART"] == "Northern Lights"
    assert info["IPRD"] == "Night Album"
    assert info["ITRK"] == "2"
    meta = ffmetadata(data, "wav", tmp_path)
    assert meta["album"] == "Night Album"
    assert meta["track"] == "2"  # ffmpeg reads a WAV's INFO list (ITRK) before its ID3
    assert meta[SONG_ID_FRAME] == str(song.pk)
    samples, _rate = mediatools.read_wav(data)
    assert samples.size > 0


def test_a_download_from_another_project_is_refused(team, owner_client):
    song = song_with(team, mp3_file(), "song.mp3")
    other = Project.objects.create(workspace=team.workspace, name="Other")
    url = reverse("library:song_media", args=[song.pk, "audio"])
    assert owner_client.get(url, {"download": "1", "project": str(other.pk)}).status_code == 404
    assert owner_client.get(url, {"download": "1", "project": "nope"}).status_code == 404


def test_the_artist_name_is_a_workspace_setting(team, owner_client, editor_client):
    url = reverse("workspaces:workspace_settings_for", args=[team.workspace.pk])
    response = owner_client.post(url, {"set_artist": "1", "artist_name": "  Aurora   Band "})
    assert response.status_code == 302
    team.workspace.refresh_from_db()
    assert team.workspace.artist_name == "Aurora Band"
    assert editor_client.post(url, {"set_artist": "1", "artist_name": "X"}).status_code == 403
    too_long = owner_client.post(url, {"set_artist": "1", "artist_name": "x" * 101})
    assert too_long.status_code == 400


def zip_of(client, project) -> zipfile.ZipFile:
    response = client.get(reverse("projects:project_release", args=[project.pk]))
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_release_package_manifest_matches_its_files(team, owner_client, tmp_path):
    root = song_with(team, mp3_file(), "one.mp3", title="One")
    child = song_with(team, wav_file(), "two.wav", title="Two", parent=root, lyrics="")
    stem = Asset.objects.create(
        song=root, workspace=team.workspace, kind=AssetKind.STEM, label="Vocals",
        archive_status=ArchiveStatus.DONE,
    )  # fmt: skip
    stem.file.save("vocals.mp3", ContentFile(mp3_file()))
    project = Project.objects.create(workspace=team.workspace, name="EP")
    ProjectSong.objects.create(project=project, song=root, position=0)
    ProjectSong.objects.create(project=project, song=child, position=1)
    before = digest(root.audio_file), digest(child.audio_file)

    archive = zip_of(owner_client, project)
    names = set(archive.namelist())
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["project"] == "EP"
    tracks = manifest["tracks"]
    assert [t["title"] for t in tracks] == ["One", "Two"]
    listed = {"manifest.json", "manifest.csv"}
    for track in tracks:
        for kind in ("mp3", "wav", "cover", "lyrics"):
            if track[kind]:
                listed.add(track[kind])
        listed.update(track["stems"])
    assert listed == names  # every file listed is there, and nothing else
    one, two = tracks
    assert one["mp3"] == "01 One.mp3"
    assert one["wav"] == "01 One.wav"
    assert one["stems"] == ["stems/01 One - Vocals.mp3"]
    assert one["lyrics"] == "lyrics/01 One.txt"
    assert two["lyrics"] == ""
    assert archive.read("lyrics/01 One.txt").decode() == "第一行\nsecond line\n"
    assert archive.read(one["cover"]) == cover_png()
    assert (one["bpm"], one["key"], one["lufs"], one["isrc"]) == (127.6, "A minor", -11.2, "")
    assert one["wav_source"] == "decoded from the MP3"
    assert two["wav_source"] == "original"
    assert two["lineage"] == "original: One > extend: Two"
    assert two["parent_id"] == str(root.pk)

    for track in tracks:
        meta = ffmetadata(archive.read(track["mp3"]), "mp3", tmp_path)
        assert meta["album"] == "EP"
        assert meta["track"] == f"{track['track']}/2"
        assert meta[SONG_ID_FRAME] == track["song_id"]
        info = riff_info(archive.read(track["wav"]))
        assert info["IPRD"] == "EP"
        assert info["INAM"] == track["title"]
        samples, rate = mediatools.read_wav(archive.read(track["wav"]))
        assert rate == 44100
        assert samples.size > 0
        duration = len(samples) / rate
        assert abs(duration - 1.0) < 0.1  # the test audio is one second long

    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert [(r["title"], r["mp3"], r["wav"], r["bpm"]) for r in rows] == [
        (t["title"], t["mp3"], t["wav"], str(t["bpm"])) for t in tracks
    ]
    assert (digest(root.audio_file), digest(child.audio_file)) == before


def test_release_package_is_for_members_only(team, outsider_client):
    project = Project.objects.create(workspace=team.workspace, name="EP")
    url = reverse("projects:project_release", args=[project.pk])
    assert outsider_client.get(url).status_code == 404


def tone(amplitude: float, seconds: float = 4.0, spike: float = 0.0) -> bytes:
    """A stereo 1 kHz tone at 48 kHz, 16-bit; with `spike`, one sample that loud."""
    rate = 48000
    t = np.arange(int(seconds * rate)) / rate
    x = amplitude * np.sin(2 * np.pi * 1000 * t)
    if spike:
        x[rate] = spike
    pcm = (np.repeat(x[:, None], 2, axis=1) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
    }


def test_normalised_export_is_rendered_and_measured_in_the_manifest(
    team, owner_client, viewer_client, immediate_tasks, django_capture_on_commit_callbacks
):
    loud = song_with(team, tone(0.7), "loud.wav", title="Loud")
    # A quiet tone with one spike: the -1 dBTP ceiling stops the gain short of -14 LUFS.
    spiky = song_with(team, tone(0.02, spike=0.9), "spiky.wav", title="Spiky")
    project = Project.objects.create(workspace=team.workspace, name="EP")
    ProjectSong.objects.create(project=project, song=loud, position=0)
    ProjectSong.objects.create(project=project, song=spiky, position=1)
    url = reverse("projects:project_normalise", args=[project.pk])
    assert viewer_client.post(url).status_code == 403
    before = digest(loud.audio_file)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(url)
    assert response.status_code == 302
    page = owner_client.get(reverse("projects:project", args=[project.pk])).content.decode()
    assert "for the release package: 2 of 2." in page

    archive = zip_of(owner_client, project)
    tracks = {t["title"]: t for t in json.loads(archive.read("manifest.json"))["tracks"]}
    for title, track in tracks.items():
        data = archive.read(track["normalised_wav"])
        samples, rate = mediatools.read_wav(data)
        lufs, _lra = loudness(samples, rate)
        peak = true_peak(samples)
        # The manifest holds what the delivered file measures, within rounding.
        assert abs(lufs - track["normalised_lufs"]) < 0.05, title
        assert abs(peak - track["normalised_true_peak_dbtp"]) < 0.05, title
        assert peak <= -1.0 + 0.05, title
        assert riff_info(data)["IPRD"] == "EP"
    assert abs(tracks["Loud"]["normalised_lufs"] - -14.0) < 0.5
    assert tracks["Loud"]["normalised_gain_db"] < 0
    assert tracks["Spiky"]["normalised_lufs"] < -15  # held back by its peak, and says so
    assert abs(tracks["Spiky"]["normalised_true_peak_dbtp"] - -1.0) < 0.1
    assert digest(loud.audio_file) == before

    # Asked again: nothing to render.
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(url)
    assert LoudnessRender.objects.filter(status="done").count() == 2


def test_a_song_that_cannot_be_decoded_is_a_failed_render(
    team, owner_client, immediate_tasks, django_capture_on_commit_callbacks
):
    broken = song_with(team, b"RIFF....WAVEnot really", "broken.wav", title="Broken")
    project = Project.objects.create(workspace=team.workspace, name="EP")
    ProjectSong.objects.create(project=project, song=broken, position=0)
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("projects:project_normalise", args=[project.pk]))
    render = LoudnessRender.objects.get(song=broken)
    assert render.status == "failed"
    assert "could not be decoded" in render.error
    page = owner_client.get(reverse("projects:project", args=[project.pk])).content.decode()
    assert "1 could not be rendered." in page


def test_a_shared_projects_download_is_tagged_with_the_project(team, tmp_path):
    from django.test import Client

    from studio.models import ShareLink

    song = song_with(team, mp3_file(), "song.mp3")
    project = Project.objects.create(workspace=team.workspace, name="Client EP")
    secret = Project.objects.create(workspace=team.workspace, name="Secret Plans")
    ProjectSong.objects.create(project=project, song=song, position=0)
    ProjectSong.objects.create(project=secret, song=song, position=0)
    _link, token = ShareLink.issue(
        workspace=team.workspace, project=project, expires_on="2999-12-31", allow_downloads=True
    )
    url = reverse("shares:share_media", args=[token, song.pk, "audio"])
    # A guest cannot name another project of the workspace: the link's project is the album.
    data = download(Client(), url, project=str(secret.pk))
    meta = ffmetadata(data, "mp3", tmp_path)
    assert meta["album"] == "Client EP"
    assert meta["track"] == "1/1"
    assert meta[SONG_ID_FRAME] == str(song.pk)


def test_the_project_page_links_each_song_to_its_tagged_download(team, owner_client):
    song = song_with(team, mp3_file(), "song.mp3", bpm=120.0, key="C major", lufs=-9.04)
    project = Project.objects.create(workspace=team.workspace, name="EP")
    ProjectSong.objects.create(project=project, song=song, position=0)
    html = owner_client.get(reverse("projects:project", args=[project.pk])).content.decode()
    url = reverse("library:song_media", args=[song.pk, "audio"])
    assert f"{url}?download=1&amp;project={project.pk}" in html
    assert "120 BPM · C major · -9.0 LUFS" in html
