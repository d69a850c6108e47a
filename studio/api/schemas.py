"""The API's request and response bodies (Pydantic, through django-ninja)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from ninja import Field, Schema


class SongSummary(Schema):
    id: UUID
    title: str
    relation: str
    model: str
    duration: float | None
    favourite: bool
    review_status: str
    created_at: datetime
    created_by: str | None
    open_comments: int | None = None
    url: str


class SongPage(Schema):
    items: list[SongSummary]
    next_cursor: str = Field("", description="Pass as `after` for the next page; empty at the end.")
    previous_cursor: str = Field("", description="Pass as `before` for the page before.")


class SongFilters(Schema):
    q: str = Field("", max_length=200, description="Words to search titles, prompts, lyrics.")
    relation: str = ""
    model: str = ""
    member: str = Field("", max_length=18, description="A member's user id.")
    fav: Literal["", "1"] = ""
    review: str = ""
    sort: Literal["new", "old", "title", "long", "best"] = "new"
    after: str = Field("", max_length=400)
    before: str = Field("", max_length=400)
    limit: int = Field(24, ge=1, le=100)


class FileLink(Schema):
    id: UUID | None = None
    kind: str
    label: str
    url: str | None = Field(None, description="Where to download it; null until archived.")
    archived: bool


class SongRef(Schema):
    id: UUID
    title: str
    relation: str


class SongDetail(SongSummary):
    prompt: str
    lyrics: str
    seed: str
    instrumental: bool
    engine: str
    music_id: str
    archive_status: str
    job_id: UUID | None
    parent: SongRef | None
    children: list[SongRef]
    files: list[FileLink]


class Rename(Schema):
    title: str = Field(..., min_length=1, max_length=200)


class JobIn(Schema):
    action: str = Field(..., description="music, lyrics, extend, cover, variation, replace, ...")
    song_id: UUID | None = Field(None, description="The song a remix or file action works on.")
    fields: dict[str, Any] = Field(
        default_factory=dict, description="The same fields as the studio's form for the action."
    )


class JobOut(Schema):
    id: UUID
    action: str
    engine: str
    status: str
    progress: int
    error: str
    parent_id: UUID | None
    created_at: datetime
    finished_at: datetime | None
    songs: list[UUID]
    url: str


class JobPage(Schema):
    items: list[JobOut]
    next_cursor: str = ""
    previous_cursor: str = ""


class ProjectIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)


class ProjectOut(Schema):
    id: UUID
    name: str
    created_at: datetime
    songs: list[SongRef] | None = None


class ProjectSongIn(Schema):
    song_id: UUID


class ProjectOrder(Schema):
    song_ids: list[UUID] = Field(..., max_length=500)


class CommentIn(Schema):
    body: str = Field(..., min_length=1, max_length=5000)
    at: float | None = Field(None, ge=0, le=86400, description="Seconds into the song.")
    end: float | None = Field(None, ge=0, le=86400)
    parent_id: UUID | None = Field(None, description="The comment this one replies to.")


class CommentOut(Schema):
    id: UUID
    parent_id: UUID | None
    author: str
    body: str
    at: float | None
    end: float | None
    resolved: bool
    created_at: datetime


class ReviewIn(Schema):
    status: str


class ReviewOut(Schema):
    status: str
    changed: bool


class UsageOut(Schema):
    budget: int | None
    spent: Decimal
    reserved: Decimal = Field(..., description="Held by running jobs against the budget.")
    left: Decimal | None
    running: int
    running_cap: int
