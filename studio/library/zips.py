"""Project zips, built by the worker into storage and then served like any stored file
(handed to the front server or the object store), so no request thread spends minutes
sending one to a slow client. A zip is named after what is in it: a changed project (songs,
order, files, titles) is a new zip, and a zip once built answers every later download."""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile

from django.core.cache import cache
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.tasks import task

from studio.jobs import queueing
from studio.lib.zipstream import stream_zip
from studio.models import Project, Song
from studio.projects import contents as projects

logger = logging.getLogger(__name__)

QUEUE = "archive"  # a long copy like the archive's, kept off the jobs' queue
# A build asked for again within this time is not queued twice.
BUILDING_FOR = 15 * 60


def zip_name(project: Project, songs: list[Song]) -> str:
    contents = [project.name] + [
        [str(song.pk), song.title, song.audio_file.name or ""] for song in songs
    ]
    digest = hashlib.sha256(json.dumps(contents).encode()).hexdigest()[:32]
    return f"zips/{project.workspace_id}/{project.pk}/{digest}.zip"


def _done_marker(name: str) -> str:
    # Written after the zip: a zip still being written is never served half-made.
    return name + ".done"


def ready(name: str) -> bool:
    return default_storage.exists(_done_marker(name))


def request_build(project: Project, songs: list[Song], name: str) -> None:
    """Queue the build, once while it runs (several viewers waiting share one build)."""
    if cache.add(f"zip-building:{name}", 1, BUILDING_FOR):
        queueing.enqueue_quietly(build_zip, str(project.pk), [str(s.pk) for s in songs], name)


@task(queue_name=QUEUE)
def build_zip(project_id: str, song_ids: list[str], name: str) -> str:
    """Write the zip to a temporary file, then into storage under `name`."""
    if ready(name):
        return name
    project = Project.objects.get(pk=project_id)
    by_id = {str(s.pk): s for s in Song.objects.filter(pk__in=song_ids)}
    songs = [by_id[i] for i in song_ids if i in by_id]
    with tempfile.TemporaryFile() as spool:
        withdrawn = projects.withdrawn_count(project)
        for chunk in stream_zip(projects.zip_entries(project, songs, withdrawn)):
            spool.write(chunk)
        spool.seek(0)
        if default_storage.exists(name):
            default_storage.delete(name)  # a build cut short before its marker
        saved = default_storage.save(name, File(spool, name=name))
    if saved != name:
        logger.warning("Zip stored as %s instead of %s", saved, name)
    default_storage.save(_done_marker(name), ContentFile(b""))
    _drop_older(name)
    return name


def paths_of(workspace_id) -> list[str]:
    """Every zip file of the workspace's projects, to delete with the workspace."""
    root = f"zips/{workspace_id}"
    found = []
    try:
        projects_, _files = default_storage.listdir(root)
    except (FileNotFoundError, OSError):
        return []
    for project in projects_:
        try:
            _dirs, files = default_storage.listdir(f"{root}/{project}")
        except (FileNotFoundError, OSError):
            continue
        found += [f"{root}/{project}/{file}" for file in files]
    return found


def _drop_older(name: str) -> None:
    """The project's earlier zips (made before it changed) are never asked for again."""
    folder, _, current = name.rpartition("/")
    try:
        _dirs, files = default_storage.listdir(folder)
    except (FileNotFoundError, OSError):
        return
    for file in files:
        if not file.startswith(current):
            try:
                default_storage.delete(f"{folder}/{file}")
            except OSError:
                logger.warning("Could not delete an old zip %s/%s", folder, file)
