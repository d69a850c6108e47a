"""Every Flow Music action through the studio on the emulator: the form, the job, the result
by webhook or by polling, the song with its parent, and its archived file."""

import pytest
from django.urls import reverse

from contract.engines import Engine
from studio.jobs import lifecycle as jobs
from studio.library import lineage
from studio.models import ArchiveStatus, AssetKind, Job, JobStatus, Relation, Song


@pytest.fixture
def flow(emulator, settings):
    settings.TTAPI_DISABLED_ENGINES = []
    settings.FLOWMUSIC_MODELS = []
    return emulator


def finish(emulator, job, cap, *, by: str) -> Job:
    """Let the emulator finish the job; its result arrives by webhook or by a poll."""
    with cap(execute=True):
        emulator.finish_all()  # delivers the webhook when the job has a hook_url
        if by == "poll":
            jobs.poll(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCESS, job.error
    return job


def post(client, cap, url: str, data: dict) -> Job:
    before = set(Job.objects.values_list("pk", flat=True))
    with cap(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    job = Job.objects.exclude(pk__in=before).get()
    assert job.engine == Engine.FLOWMUSIC, job.error
    assert job.provider_job_id, job.error
    return job


def archived(song: Song) -> None:
    song.refresh_from_db()
    assert song.archive_status == ArchiveStatus.DONE, song.archive_error
    assert song.audio_file
    assert song.audio_file.size > 0
    assert len(song.peaks) == 200


@pytest.mark.parametrize("by", ["webhook", "poll"])
def test_every_flow_music_action_from_the_forms(
    flow, team, editor_client, settings, django_capture_on_commit_callbacks, by
):
    cap = django_capture_on_commit_callbacks
    settings.PUBLIC_BASE_URL = "http://testserver" if by == "webhook" else ""
    job = post(
        editor_client,
        cap,
        reverse("library:create"),
        {
            "model": "flowmusic:Lyria 3 Pro",
            "sound_prompt": "warm funk with horns",
            "title": "Groove",
            "bpm": "100",
            "length": "12",
        },
    )
    assert bool(job.params.get("hook_url")) is False  # never stored: it holds the secret
    finish(flow, job, cap, by=by)
    root = Song.objects.get(job=job)
    assert (root.engine, root.relation, root.parent) == (Engine.FLOWMUSIC, Relation.ORIGINAL, None)
    assert root.duration == pytest.approx(12, abs=0.1)
    archived(root)

    song_url = lambda song, action: reverse("library:song_action", args=[song.id, action])  # noqa: E731
    steps = [
        (
            "extend",
            {"extend_from_s": "6", "extend_s": "8", "instruction": "a bridge"},
            Relation.EXTEND,
        ),
        ("replace", {"start_s": "2", "end_s": "4", "instruction": "a drum fill"}, Relation.REPLACE),
        (
            "cover",
            {"instruction": "Change this song to jazz style", "strength": "0.6"},
            Relation.COVER,
        ),
    ]
    parent = root
    for action, data, relation in steps:
        job = post(editor_client, cap, song_url(parent, action), data)
        assert job.parent == parent
        assert job.params["clip_id"] == parent.music_id
        finish(flow, job, cap, by=by)
        song = Song.objects.get(job=job)
        assert (song.parent, song.root, song.relation, song.engine) == (
            parent,
            root,
            relation,
            Engine.FLOWMUSIC,
        )
        archived(song)
        parent = song
    extension = Song.objects.get(relation=Relation.EXTEND)
    assert extension.duration == pytest.approx(6 + 8, abs=0.2)

    job = post(editor_client, cap, song_url(parent, "stems"), {})
    finish(flow, job, cap, by=by)
    stems = parent.assets.filter(kind=AssetKind.STEM)
    assert stems.count() == 4
    assert all(stem.archive_status == ArchiveStatus.DONE for stem in stems)
    assert len(lineage.family(root)) == 4
    # The ledger counts Flow Music jobs like any other.
    assert all(job.quota is not None for job in Job.objects.filter(engine=Engine.FLOWMUSIC))
