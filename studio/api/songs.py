"""Songs: the library's search and pages, one song with its files and family, rename,
trash and restore, and the archived files themselves (with Range)."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from studio.api.auth import actor, require_write, workspace_of
from studio.api.problems import ApiProblem, Problem
from studio.api.schemas import Rename, SongDetail, SongFilters, SongPage, SongRef
from studio.lib.keyset import BadCursor
from studio.library import trash
from studio.library.files import serve_file
from studio.library.listing import song_page
from studio.models import ArchiveStatus, Asset, Song
from studio.models.activity import Verb, record

router = Router(tags=["songs"])
ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 429: Problem}
SONG_KINDS = ("audio", "image", "video")


def live_song(request: HttpRequest, song_id: UUID) -> Song:
    """A song of the token's workspace, not in the trash; 404 for any other id."""
    song = (
        Song.objects.filter(pk=song_id, workspace=workspace_of(request), deleted_at__isnull=True)
        .select_related("workspace", "created_by")
        .first()
    )
    if song is None:
        raise ApiProblem(404, _("No song with this id in this token's workspace."))
    return song


def summary(song: Song) -> dict:
    return {
        "id": song.id,
        "title": song.title,
        "relation": song.relation,
        "model": song.model,
        "duration": song.duration,
        "favourite": song.favourite,
        "review_status": song.review_status,
        "created_at": song.created_at,
        "created_by": song.created_by.username if song.created_by_id else None,
        "open_comments": getattr(song, "open_comments", None),
        "url": reverse("api:v1:song", args=[song.id]),
    }


def _ref(song: Song) -> dict:
    return {"id": song.id, "title": song.title, "relation": song.relation}


def _files(song: Song) -> list[dict]:
    files = []
    for kind in SONG_KINDS:
        stored, remote = getattr(song, f"{kind}_file"), getattr(song, f"{kind}_url")
        if stored or remote:
            url = reverse("api:v1:song_file", args=[song.id, kind]) if stored else None
            files.append({"kind": kind, "label": kind, "url": url, "archived": bool(stored)})
    for asset in Asset.objects.filter(song=song).order_by("kind", "label", "created_at"):
        files.append(
            {
                "id": asset.id,
                "kind": asset.kind,
                "label": asset.label or asset.get_kind_display(),
                "url": reverse("api:v1:asset_file", args=[asset.id]) if asset.file else None,
                "archived": bool(asset.file),
            }
        )
    return files


def detail(song: Song) -> dict:
    parent = (
        Song.objects.filter(pk=song.parent_id, deleted_at__isnull=True).first()
        if song.parent_id
        else None
    )
    children = Song.objects.filter(parent=song, deleted_at__isnull=True).order_by("created_at")
    return {
        **summary(song),
        "prompt": song.prompt,
        "lyrics": song.lyrics,
        "seed": song.seed,
        "instrumental": song.instrumental,
        "engine": song.engine,
        "music_id": song.music_id,
        "archive_status": song.archive_status,
        "job_id": song.job_id,
        "parent": _ref(parent) if parent else None,
        "children": [_ref(child) for child in children[:500]],
        "files": _files(song),
    }


@router.get("/songs", response={200: SongPage, **ERRORS}, summary="Search and list songs")
def list_songs(request: HttpRequest, filters: Query[SongFilters]):
    """The library's search, filters, sorts and cursor pages: the same query as the page."""
    params = filters.dict()
    try:
        _found, page = song_page(workspace_of(request), params, size=filters.limit)
    except BadCursor:
        raise ApiProblem(
            400, _("This cursor is not valid (cut short or edited): start without one.")
        ) from None
    return {
        "items": [summary(song) for song in page.object_list],
        "next_cursor": page.next_cursor,
        "previous_cursor": page.previous_cursor,
    }


@router.get("/songs/{song_id}", response={200: SongDetail, **ERRORS}, url_name="song")
def get_song(request: HttpRequest, song_id: UUID):
    return detail(live_song(request, song_id))


@router.patch("/songs/{song_id}", response={200: SongDetail, **ERRORS}, summary="Rename")
def rename_song(request: HttpRequest, song_id: UUID, body: Rename):
    require_write(request)
    song = live_song(request, song_id)
    old, title = song.title, body.title.strip()
    if not title:
        raise ApiProblem(400, _("A title needs 1 to 200 characters."), errors={"title": []})
    if title != old:
        Song.objects.filter(pk=song.pk).update(title=title)
        song.title = title
        record(song.workspace, actor(request), Verb.SONG_RENAMED, f"{old} → {title}", song)
    return detail(song)


@router.post("/songs/{song_id}/trash", response={200: SongRef, **ERRORS}, summary="To the trash")
def trash_song(request: HttpRequest, song_id: UUID):
    require_write(request)
    song = live_song(request, song_id)
    if trash.move_to_trash(song, timezone.now()):
        record(song.workspace, actor(request), Verb.SONG_DELETED, str(song), song)
    return _ref(song)


@router.post("/songs/{song_id}/restore", response={200: SongDetail, **ERRORS})
def restore_song(request: HttpRequest, song_id: UUID):
    require_write(request)
    now = timezone.now()
    song = Song.objects.filter(
        pk=song_id, workspace=workspace_of(request), deleted_at__gte=trash.cutoff(now)
    ).first()
    if song is None:
        raise ApiProblem(404, _("No song with this id in this workspace's trash."))
    if trash.restore(song, now):
        record(song.workspace, actor(request), Verb.SONG_RESTORED, str(song), song)
    return detail(live_song(request, song_id))


def _not_archived(what: str, status: str, error: str) -> ApiProblem:
    if status == ArchiveStatus.FAILED:
        message = _("This %(what)s could not be copied: %(error)s")
        return ApiProblem(404, message % {"what": what, "error": error})
    return ApiProblem(
        404,
        _("This %(what)s is still being copied into the studio; try again soon.") % {"what": what},
    )


FILE_RESPONSES = {
    200: None,
    206: None,
    304: None,
    401: Problem,
    404: Problem,
    416: None,
    429: Problem,
}


@router.get(
    "/songs/{song_id}/files/{kind}",
    response=FILE_RESPONSES,
    url_name="song_file",
    summary="A song's archived audio, cover or video (Range supported)",
)
def song_file(request: HttpRequest, song_id: UUID, kind: str) -> HttpResponse:
    song = live_song(request, song_id)
    if kind not in SONG_KINDS:
        raise ApiProblem(404, _("A song's files are audio, image and video."))
    stored = getattr(song, f"{kind}_file")
    if not stored:
        if getattr(song, f"{kind}_url"):
            raise _not_archived(kind, song.archive_status, song.archive_error)
        raise ApiProblem(404, _("This song has no %(kind)s.") % {"kind": kind})
    return serve_file(request, stored, None)


@router.get(
    "/files/{asset_id}",
    response=FILE_RESPONSES,
    url_name="asset_file",
    summary="A stem, download or video (Range supported)",
)
def asset_file(request: HttpRequest, asset_id: UUID) -> HttpResponse:
    asset = Asset.objects.filter(
        pk=asset_id, workspace=workspace_of(request), song__deleted_at__isnull=True
    ).first()
    if asset is None:
        raise ApiProblem(404, _("No file with this id in this token's workspace."))
    if not asset.file:
        if asset.remote_url:
            raise _not_archived(_("file"), asset.archive_status, asset.archive_error)
        raise ApiProblem(404, _("This file is not ready yet."))
    return serve_file(request, asset.file, None)
