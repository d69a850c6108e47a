"""A whole family through the emulator: every action's result stored, archived and playable."""

import pytest
from django.db import connection

from studio.jobs import archive
from studio.jobs import lifecycle as jobs
from studio.library import lineage
from studio.models import ArchiveStatus, AssetKind, JobStatus, Relation, Song


@pytest.fixture
def no_http_in_transactions(emulator):
    """Fail if the studio calls the API inside a transaction (the emulator itself may)."""
    seen: list[bool] = []
    handle = emulator.transport.handle_request

    def checking(request):
        if "/producer/v1/" in request.url.path:
            seen.append(connection.in_atomic_block)
        return handle(request)

    emulator.transport.handle_request = checking
    return seen


def run(emulator, job, django_capture_on_commit_callbacks):
    """Let the job finish at the emulator and poll it like the worker does."""
    emulator.finish_all()
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.poll(job.pk)
    assert job.status == JobStatus.SUCCESS, job.error
    return job


def submit(action, params, team, parent, capture):
    with capture(execute=True):
        job = jobs.submit(action, params, workspace=team.workspace, user=team.editor, parent=parent)
    job.refresh_from_db()
    assert job.provider_job_id, job.error
    assert job.status == JobStatus.ON_QUEUE, job.error
    return job


def playable(field_file, expected: float | None) -> float:
    """Decodes to the expected length; returns the loudest sample."""
    with field_file.open("rb") as handle:
        data = handle.read()
    samples, seconds = archive.decode(data)
    assert samples.size > 0
    if expected:
        assert abs(seconds - expected) < 0.25, (seconds, expected)
    return float(abs(samples).max())


@pytest.mark.django_db(transaction=True)
def test_a_whole_family(
    emulator, team, no_http_in_transactions, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    job = submit(
        "music",
        {"sound_prompt": "calm lofi piano", "title": "Rain", "seed": "24", "instrumental": True},
        team,
        None,
        cap,
    )
    run(emulator, job, cap)
    root = Song.objects.get(job=job)
    assert root.root_id == root.pk
    assert root.parent is None
    assert root.relation == Relation.ORIGINAL
    half = root.duration / 2

    steps = [
        ("extend", {"sound_prompt": "more piano", "starts": half}, Relation.EXTEND),
        ("replace", {"sound_prompt": "drums", "starts": 1, "ends": 3}, Relation.REPLACE),
        ("cover", {"sound_prompt": "jazz trio"}, Relation.COVER),
    ]
    parent = root
    for action, params, relation in steps:
        job = submit(action, params, team, parent, cap)
        run(emulator, job, cap)
        song = Song.objects.get(job=job)
        assert (song.parent, song.root, song.relation) == (parent, root, relation)
        parent = song
    cover = parent

    for action, params in (("stems", {}), ("download", {"format": "mp3"}), ("generate-video", {})):
        run(emulator, submit(action, params, team, cover, cap), cap)

    family = lineage.family(root)
    assert len(family) == 4
    assert [s.relation for s in lineage.ancestors(cover)] == ["original", "extend", "replace"]
    assert lineage.descendants(root)[-1] == cover

    for song in family:
        assert song.archive_status == ArchiveStatus.DONE, song.archive_error
        assert song.audio_url
        assert song.audio_file.name.endswith(".mp3")
        assert playable(song.audio_file, song.duration) > 0.01
        assert len(song.peaks) == 200
        assert max(song.peaks) == 1.0
        assert song.image_file.size > 0
    assets = {a.kind: a for a in cover.assets.all()}
    stems = cover.assets.filter(kind=AssetKind.STEM)
    assert stems.count() >= 2
    assert all(s.label for s in stems)
    loudness = []
    for asset in [*stems, assets[AssetKind.MP3]]:
        assert asset.archive_status == ArchiveStatus.DONE, asset.archive_error
        loudness.append(playable(asset.file, cover.duration))
    assert loudness[-1] > 0.01
    assert sum(level > 0.01 for level in loudness) >= 3
    video = assets[AssetKind.VIDEO]
    assert video.archive_status == ArchiveStatus.DONE
    assert video.file.name.endswith(".mp4")
    playable(video.file, None)
    cover.refresh_from_db()
    assert cover.video_url == video.remote_url
    assert cover.video_file.name == video.file.name
    assert no_http_in_transactions
    assert not any(no_http_in_transactions)


def test_every_other_action(emulator, team, django_capture_on_commit_callbacks):
    """Lyrics, variation, both swaps, WAV download and upload (files left unarchived here)."""
    cap = django_capture_on_commit_callbacks
    base = {"sound_prompt": "warm synth pop", "seed": "24", "instrumental": True}
    root_job = submit("music", base, team, None, cap)
    run_no_archive(emulator, root_job)
    root = Song.objects.get(job=root_job)

    lyrics = submit("lyrics", {"prompt": "a song about rain"}, team, None, cap)
    run_no_archive(emulator, lyrics)
    draft = lyrics.lyrics_draft
    assert draft.text
    assert draft.title
    assert draft.prompt == "a song about rain"

    for action, relation in (
        ("variation", Relation.VARIATION),
        ("vocals-swap", Relation.VOCALS_SWAP),
        ("instrumentals-swap", Relation.INSTRUMENTALS_SWAP),
    ):
        params = {} if action == "variation" else {"sound_prompt": "choir"}
        job = run_no_archive(emulator, submit(action, params, team, root, cap))
        made = Song.objects.get(job=job)
        assert (made.parent, made.root, made.relation) == (root, root, relation)

    job = run_no_archive(emulator, submit("download", {"format": "wav"}, team, root, cap))
    wav = root.assets.get(kind=AssetKind.WAV)
    assert wav.job == job
    assert wav.remote_url.endswith(".wav")

    audio_url = f"{emulator.base_url}/files/{root.music_id}/audio.mp3"
    upload = run_no_archive(emulator, submit("upload", {"audio_url": audio_url}, team, None, cap))
    uploaded = Song.objects.get(job=upload)
    assert uploaded.relation == Relation.UPLOAD
    assert uploaded.root == uploaded
    assert uploaded.parent is None
    assert uploaded.music_id != root.music_id
    assert len(lineage.family(root)) == 4
    assert sorted(j.quota is not None for j in root.child_jobs.all()) == [True] * 4


def run_no_archive(emulator, job):
    emulator.finish_all()
    job = jobs.poll(job.pk)  # in the test's transaction: archive tasks never run
    assert job.status == JobStatus.SUCCESS, job.error
    return job
