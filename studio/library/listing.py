"""The library's songs and job cards for a set of filters, sorts and a cursor: what the
library page and the API list."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from contract.producer import SONG_ACTIONS
from studio.db import search
from studio.db.dialect import custom_plans
from studio.lib.keyset import CursorPage, Order, paginate
from studio.lib.numbers import strict_int
from studio.library import figures
from studio.models import (
    Job,
    JobStatus,
    Relation,
    ReviewStatus,
    Song,
    Workspace,
)
from studio.models.music import RUNNING_STATUSES, LengthKey, LoudnessKey, TempoKey
from studio.reviews import comments as reviews

PAGE_SIZE = 24


MAX_JOB_CARDS = 60  # running and recently failed jobs shown above the songs


FAILED_SHOWN_FOR = timedelta(hours=24)


# Each sort is a keyset order backed by an index of Song's (studio.keyset), and the words
# of its "previous"/"next" links.
SORTS = {
    "new": (Order(("created_at", "id"), descending=True), "Newest", ("Newer", "Older")),
    "old": (Order(("created_at", "id"), descending=False), "Oldest", ("Older", "Newer")),
    "title": (Order(("title", "created_at", "id"), descending=False), "Title", ("Back", "More")),
    "long": (
        Order(
            ("length_key", "created_at", "id"),
            descending=True,
            annotations={"length_key": LengthKey("duration")},
        ),
        "Longest",
        ("Longer", "Shorter"),
    ),
    # Unmeasured songs last (their keys are 0 BPM and -1000 LUFS).
    "fast": (
        Order(
            ("tempo_key", "created_at", "id"),
            descending=True,
            annotations={"tempo_key": TempoKey("bpm")},
        ),
        gettext_lazy("Fastest"),
        (gettext_lazy("Faster"), gettext_lazy("Slower")),
    ),
    "loud": (
        Order(
            ("loudness_key", "created_at", "id"),
            descending=True,
            annotations={"loudness_key": LoudnessKey("lufs")},
        ),
        gettext_lazy("Loudest"),
        (gettext_lazy("Louder"), gettext_lazy("Quieter")),
    ),
    # How well each of the newest matches of a search matches it (its Order is made per
    # search; search.RANK_WINDOW says how many are ranked). Newest first without a search.
    "best": (Order(("created_at", "id"), descending=True), "Best match", ("Better", "More")),
}


BEST = "best"


STATUSES = {"ready": "Ready", "running": "Running", "failed": "Failed"}


CARD_FIELDS = (
    "id",
    "title",
    "relation",
    "model",
    "duration",
    "peaks",
    "bpm",
    "key",
    "lufs",
    "true_peak",
    "favourite",
    "review_status",
    "created_at",
    "image_url",
    "image_file",
    "audio_file",
    "workspace_id",
    "job_id",
    "archive_status",
    "archive_problem",
    "audio_file",
    "created_by__username",
)


def song_cards(workspace: Workspace) -> QuerySet[Song]:
    return (
        Song.objects.live()
        .filter(workspace=workspace)
        .select_related("created_by")
        .only(*CARD_FIELDS)
    )


# What a job card shows: loaded alike by the page and by the poll.
JOB_CARD_FIELDS = (
    "id",
    "action",
    "status",
    "progress",
    "error",
    "params",
    "created_at",
    "workspace_id",
    "user__username",
)


def job_cards(workspace: Workspace, *, all_failed: bool = False) -> QuerySet[Job]:
    """Jobs that will make a song and have none yet: running, unknown, or failed lately
    and not dismissed. `all_failed` (the "Failed" filter) finds every failure."""
    failed = Q(status=JobStatus.FAILED)
    if not all_failed:
        failed &= Q(created_at__gte=timezone.now() - FAILED_SHOWN_FOR, dismissed_at__isnull=True)
    return (
        Job.objects.filter(workspace=workspace, action__in=SONG_ACTIONS, songs__isnull=True)
        .filter(Q(status__in=RUNNING_STATUSES) | failed)
        .select_related("user")
        .only(*JOB_CARD_FIELDS)
    )


@dataclass
class SongQuery:
    """The library's songs and job cards for a set of filters, and the page asked for."""

    songs: QuerySet[Song]
    jobs: QuerySet[Job]
    sort: str
    filters: dict


def song_query(workspace: Workspace, params) -> SongQuery:
    """The library's filters (q, status, relation, model, member, fav, review, sort) read
    from a query mapping: the library page and the API search alike."""
    q = params.get("q", "").strip()[:200]
    status = params.get("status", "")
    relation = params.get("relation", "")
    model = params.get("model", "")
    member = params.get("member", "")
    favourites = params.get("fav") == "1"
    review = params.get("review", "")
    sort = params.get("sort", "new")
    measured = figures.figure_filter(params)
    if sort not in SORTS:
        sort = "new"

    songs = song_cards(workspace)
    jobs = job_cards(workspace, all_failed=status == "failed")
    if q:
        jobs = jobs.none()
    if relation in Relation.values:
        songs = songs.filter(relation=relation)
        jobs = jobs.none()
    if model:
        songs = songs.filter(model=model)
        jobs = jobs.none()
    member_id = strict_int(member, digits=18)  # any user id; never a database overflow
    if member_id is not None:
        songs = songs.filter(created_by_id=member_id)
        jobs = jobs.filter(user_id=member_id)
    if favourites:
        songs = songs.filter(favourite=True)
        jobs = jobs.none()
    if review in ReviewStatus.values:
        songs = songs.filter(review_status=review)
        jobs = jobs.none()
    if measured.active:
        songs = songs.filter(measured.q())
        jobs = jobs.none()
    if status == "running":
        songs = songs.none()
        jobs = jobs.filter(status__in=RUNNING_STATUSES)
    elif status == "failed":
        songs = songs.none()
        jobs = jobs.filter(status=JobStatus.FAILED)
    elif status == "ready":
        jobs = jobs.none()
    filters = {
        "q": q,
        "status": status,
        "relation": relation,
        "model": model,
        "member": member,
        "fav": favourites,
        "review": review,
        "sort": sort,
        "bpm_min": measured.bpm_min,
        "bpm_max": measured.bpm_max,
        "key": measured.key,
        "loudness": measured.loudness,
    }
    return SongQuery(songs, jobs, sort, filters)


def song_page(
    workspace: Workspace, params, size: int | None = None
) -> tuple[SongQuery, CursorPage]:
    """The page of the library `params` name (filters, sort and cursor), with each song's
    open comment count. Raises BadCursor for a mangled cursor."""
    found = song_query(workspace, params)
    q, songs = found.filters["q"], found.songs
    order = SORTS[found.sort][0]
    # A search's plan depends on its words (a common one matches most songs, a rare one a
    # handful): never a plan made for other words.
    with custom_plans() if q else nullcontext():
        # Best match ranks the newest matches of the songs as filtered (without the search:
        # it finds them itself); else the search is one more filter.
        ranked = search.best_first(songs, q) if q and found.sort == BEST else None
        if ranked is not None:  # else nothing searched for, or no ranking: newest first
            songs, relevance = ranked
            order = Order(("relevance", "id"), True, annotations={"relevance": relevance})
        elif q:
            songs = search.matching(songs, q)
        page = paginate(songs, order, params, size or PAGE_SIZE)  # BadCursor for a mangled link
        reviews.attach_counts(page.object_list)
    return found, page
