"""Rows for the page tests, made directly (no API calls)."""

import uuid
from itertools import count

from contract.producer import Action
from studio.models import ArchiveStatus, Job, JobStatus, Relation, Song

_n = count(1)


def make_job(workspace, user=None, *, action=Action.MUSIC, status=JobStatus.ON_QUEUE, **fields):
    fields.setdefault("params", {"sound_prompt": "lofi beats", "title": f"Job {next(_n)}"})
    return Job.objects.create(
        workspace=workspace, user=user, action=action, status=status, **fields
    )


def make_song(workspace, user=None, *, parent=None, relation=None, job=None, **fields):
    number = next(_n)
    if job is None:
        job = make_job(workspace, user, status=JobStatus.SUCCESS, progress=100, parent=parent)
    song = Song.objects.create(
        workspace=workspace,
        job=job,
        music_id=fields.pop("music_id", str(uuid.uuid4())),
        parent=parent,
        root=parent.root if parent else None,
        relation=relation or (Relation.EXTEND if parent else Relation.ORIGINAL),
        title=fields.pop("title", f"Song {number}"),
        prompt=fields.pop("prompt", "dreamy synth-pop"),
        model=fields.pop("model", "FUZZ-2.0"),
        duration=fields.pop("duration", 120.0),
        peaks=fields.pop("peaks", [0.1, 0.5, 0.9, 0.4, 0.2] * 20),
        archive_status=fields.pop("archive_status", ArchiveStatus.DONE),
        created_by=user,
        **fields,
    )
    if song.root_id is None:
        Song.objects.filter(pk=song.pk).update(root=song)
        song.root = song
    return song
