"""Jobs (one call to one of TTAPI's music APIs each), the songs they make and their files."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, FloatField, Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contract.engines import Engine
from contract.producer import Action
from studio.db.dialect import Microseconds
from studio.models.reviews import ReviewStatus
from studio.models.workspaces import Workspace


class JobStatus(models.TextChoices):
    SUBMITTING = "SUBMITTING", "Submitting"
    ON_QUEUE = "ON_QUEUE", "Running"
    UNKNOWN = "UNKNOWN", "Unknown"
    SUCCESS = "SUCCESS", "Done"
    FAILED = "FAILED", "Failed"


class StoredGeneratedField(models.GeneratedField):
    """A generated column kept on disk. Django's check of generated columns asks PostgreSQL's
    version (for virtual ones), connecting to the database even in `check --deploy`; for a
    stored column its persistence check, which needs no connection, is the whole answer."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("db_persist", True)
        super().__init__(**kwargs)

    def _check_supported(self, databases: list[str]) -> list:
        return []


RUNNING_STATUSES = (JobStatus.SUBMITTING, JobStatus.ON_QUEUE, JobStatus.UNKNOWN)
FINAL_STATUSES = (JobStatus.SUCCESS, JobStatus.FAILED)


def new_hook_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed by job_ws_created, which starts with it (every index costs each result's write).
    workspace = models.ForeignKey(Workspace, models.CASCADE, related_name="jobs", db_index=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    # Which API the job went to; `action` is the studio's name for what it does, whatever the
    # engine (a Flow Music generation is `music`, sent to its `generations` path).
    engine = models.CharField(max_length=12, choices=Engine.choices, default=Engine.PRODUCER)
    action = models.CharField(max_length=24, choices=Action.choices)
    parent = models.ForeignKey(
        "studio.Song", models.SET_NULL, null=True, blank=True, related_name="child_jobs"
    )
    # The request as sent (never the hook_url: it holds the secret token).
    params = models.JSONField(default=dict, blank=True)
    provider_job_id = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField(
        max_length=12, choices=JobStatus.choices, default=JobStatus.SUBMITTING
    )
    progress = models.PositiveSmallIntegerField(default=0)
    quota = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    raw = models.JSONField(null=True, blank=True)  # the last payload received, as received
    error = models.TextField(blank=True, default="")
    hook_token = models.CharField(max_length=64, default=new_hook_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # How long the job took, kept by the database: the staff dashboard's finish times read
    # it for every job of a period (working it out per row was most of that page's time).
    duration_us = StoredGeneratedField(
        expression=Microseconds("created_at", "finished_at"), output_field=models.BigIntegerField()
    )
    next_poll_at = models.DateTimeField(null=True, blank=True)
    poll_count = models.PositiveIntegerField(default=0)
    submit_attempts = models.PositiveSmallIntegerField(default=0)
    # FAILED by the studio (gave up waiting, or marked by staff), not by the provider:
    # a late result from the provider still counts.
    failed_locally = models.BooleanField(default=False)
    # Sent to the built-in emulator (no key at the time): polled there even after an owner
    # adds a key. None for jobs from before this was recorded: the workspace's choice.
    on_emulator = models.BooleanField(null=True, default=None)
    # Sent on the studio's own key (TTAPI_API_KEY): counts against its submitter's monthly
    # budget across every workspace.
    on_site_key = models.BooleanField(default=False)
    # Takes asked for together on Create (one job per take) share this id: their page
    # shows them side by side.
    take_batch = models.UUIDField(null=True, blank=True, db_index=True)
    # A failed job someone put out of sight: off the top of the library, still listed
    # under the "Failed" filter.
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["workspace", "-created_at"], name="job_ws_created"),
            # The library's job cards: a workspace's running and failed jobs, not all of them.
            models.Index(fields=["workspace", "status", "-created_at"], name="job_ws_status"),
            models.Index(fields=["status", "next_poll_at"], name="job_status_poll"),
            models.Index(fields=["action", "created_at"], name="job_action_created"),
            # A person's spending on the studio's key this month (only those jobs).
            models.Index(
                fields=["user", "created_at"],
                condition=models.Q(on_site_key=True),
                name="job_user_site_key",
            ),
            # Covers the staff dashboard's scans of a period (index-only on both databases).
            models.Index(
                fields=["created_at", "status", "action", "workspace", "quota", "duration_us"],
                name="job_created_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.id} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES


class Relation(models.TextChoices):
    ORIGINAL = "original", "Original"
    EXTEND = "extend", "Extension"
    COVER = "cover", "Cover"
    VARIATION = "variation", "Variation"
    REPLACE = "replace", "Replaced section"
    VOCALS_SWAP = "vocals_swap", "Vocals swap"
    INSTRUMENTALS_SWAP = "instrumentals_swap", "Instrumentals swap"
    UPLOAD = "upload", "Upload"


RELATION_OF_ACTION = {
    Action.MUSIC: Relation.ORIGINAL,
    Action.EXTEND: Relation.EXTEND,
    Action.COVER: Relation.COVER,
    Action.VARIATION: Relation.VARIATION,
    Action.REPLACE: Relation.REPLACE,
    Action.VOCALS_SWAP: Relation.VOCALS_SWAP,
    Action.INSTRUMENTALS_SWAP: Relation.INSTRUMENTALS_SWAP,
    Action.UPLOAD: Relation.UPLOAD,
}


class ArchiveStatus(models.TextChoices):
    PENDING = "pending", "Copying"
    DONE = "done", "Archived"
    FAILED = "failed", "Copy failed"


class ArchiveProblem(models.TextChoices):
    """Why the last copy failed, when the page says it in its own words (and staff act)."""

    NONE = "", _("None")
    STORAGE_FULL = "storage_full", _("Storage is full")
    # The provider's file host answered 404 or 410: once while confirming, twice for good.
    EXPIRED = "expired", _("The file expired before it could be copied")
    # An archived file found missing from storage (or damaged) whose provider link no longer
    # serves it: nothing can copy it again.
    MISSING = "missing", _("The archived file is missing")


def media_path(instance: models.Model, filename: str) -> str:
    # Unguessable names: the provider may have to read an uploaded file by its URL.
    return f"ws/{instance.workspace_id}/{uuid.uuid4().hex}/{filename}"


class LengthKey(Func):
    """The "Longest" sort's key: the duration, 0 when unknown, so it is never NULL (unknown
    lengths sort last on every database) and pages by cursor pass it in one row comparison.

    The 0 is written into the SQL, not bound: PostgreSQL matches a query's expression to an
    index's only when both are the same text, and a bound value is not known when planning.
    """

    template = "COALESCE(%(expressions)s, 0.0)"
    output_field = FloatField()


class TempoKey(Func):
    """The "Fastest" sort's key: the tempo, 0 when not measured (last), as LengthKey."""

    template = "COALESCE(%(expressions)s, 0.0)"
    output_field = FloatField()


class LoudnessKey(Func):
    """The "Loudest" sort's key: the integrated loudness, -1000 LUFS when not measured."""

    template = "COALESCE(%(expressions)s, -1000.0)"
    output_field = FloatField()


class SongQuerySet(models.QuerySet):
    """Songs out of the trash (`live`) or in it (`in_trash`); a trashed song keeps its row,
    files and lineage until the sweep empties the trash."""

    def live(self) -> SongQuerySet:
        return self.filter(deleted_at__isnull=True)

    def in_trash(self) -> SongQuerySet:
        return self.filter(deleted_at__isnull=False)

    @staticmethod
    def live_via(path: str) -> Q:
        """`live()` through a relation, for another model's query: live_via("song")."""
        return Q(**{f"{path}__deleted_at__isnull": True})


class Song(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed by song_unique_music_id and song_ws_*, which start with it.
    workspace = models.ForeignKey(Workspace, models.CASCADE, related_name="songs", db_index=False)
    job = models.ForeignKey(Job, models.SET_NULL, null=True, blank=True, related_name="songs")
    # The provider's id: a Producer API musicId, or a Flow Music clip_id.
    music_id = models.CharField(max_length=64)
    # The API that made it, and so the only one that can remix it.
    engine = models.CharField(max_length=12, choices=Engine.choices, default=Engine.PRODUCER)
    parent = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="children"
    )
    # The first ancestor (itself for a root): one query loads a whole family.
    root = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="family")
    relation = models.CharField(max_length=20, choices=Relation.choices, default=Relation.ORIGINAL)
    title = models.CharField(max_length=200, blank=True, default="")
    prompt = models.TextField(blank=True, default="")
    lyrics = models.TextField(blank=True, default="")
    model = models.CharField(max_length=40, blank=True, default="")
    seed = models.CharField(max_length=40, blank=True, default="")
    duration = models.FloatField(null=True, blank=True)
    instrumental = models.BooleanField(default=False)
    audio_url = models.TextField(blank=True, default="")
    image_url = models.TextField(blank=True, default="")
    video_url = models.TextField(blank=True, default="")
    audio_file = models.FileField(upload_to=media_path, max_length=300, blank=True)
    image_file = models.FileField(upload_to=media_path, max_length=300, blank=True)
    video_file = models.FileField(upload_to=media_path, max_length=300, blank=True)
    # Bytes of each archived file as copied: a file of another size in storage is damaged.
    audio_size = models.PositiveBigIntegerField(null=True, blank=True)
    image_size = models.PositiveBigIntegerField(null=True, blank=True)
    video_size = models.PositiveBigIntegerField(null=True, blank=True)
    peaks = models.JSONField(default=list, blank=True)
    # Measured from the archived audio by the worker (mediatools.analysis); None until then,
    # and for what has none (no beat, no pitch, silence).
    bpm = models.FloatField(null=True, blank=True)
    key = models.CharField(max_length=12, blank=True, default="")  # "A minor", "Eb major"
    lufs = models.FloatField(null=True, blank=True)  # integrated loudness
    lra = models.FloatField(null=True, blank=True)  # loudness range, LU
    true_peak = models.FloatField(null=True, blank=True)  # dBTP
    analysed_at = models.DateTimeField(null=True, blank=True)
    archive_status = models.CharField(
        max_length=10, choices=ArchiveStatus.choices, default=ArchiveStatus.PENDING
    )
    archive_error = models.TextField(blank=True, default="")
    archive_problem = models.CharField(
        max_length=20, choices=ArchiveProblem.choices, blank=True, default=""
    )
    archive_attempts = models.PositiveSmallIntegerField(default=0)
    archive_next_at = models.DateTimeField(null=True, blank=True)  # next copy attempt due
    favourite = models.BooleanField(default=False)
    review_status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Deleted songs stay as hidden nodes so their family tree stays intact.
    deleted_at = models.DateTimeField(null=True, blank=True)
    raw = models.JSONField(default=dict, blank=True)

    objects = SongQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "music_id"], name="song_unique_music_id")
        ]
        # One per sort and per filter of the library, each ending in the sort key the
        # library pages by (studio.keyset), so no page reads more than its own rows.
        indexes = [
            models.Index(fields=["workspace", "-created_at", "-id"], name="song_ws_created"),
            models.Index(
                fields=["workspace", "relation", "-created_at", "-id"], name="song_ws_relation"
            ),
            models.Index(
                fields=["workspace", "favourite", "-created_at", "-id"], name="song_ws_fav"
            ),
            models.Index(
                fields=["workspace", "review_status", "-created_at", "-id"], name="song_ws_review"
            ),
            models.Index(fields=["workspace", "model", "-created_at", "-id"], name="song_ws_model"),
            models.Index(
                fields=["workspace", "created_by", "-created_at", "-id"], name="song_ws_creator"
            ),
            models.Index(fields=["workspace", "title", "created_at", "id"], name="song_ws_title"),
            models.Index(
                F("workspace"),
                LengthKey("duration").desc(),
                F("created_at").desc(),
                F("id").desc(),
                name="song_ws_length",
            ),
            models.Index(
                F("workspace"),
                TempoKey("bpm").desc(),
                F("created_at").desc(),
                F("id").desc(),
                name="song_ws_tempo",
            ),
            models.Index(
                F("workspace"),
                LoudnessKey("lufs").desc(),
                F("created_at").desc(),
                F("id").desc(),
                name="song_ws_loudness",
            ),
            models.Index(fields=["workspace", "key", "-created_at", "-id"], name="song_ws_key"),
            models.Index(fields=["archive_status"], name="song_archive_status"),
        ]

    def __str__(self) -> str:
        return self.title or self.music_id

    @property
    def playable(self) -> bool:
        """Whether a play button can play it: its audio is here, or still on its way (the
        page says "copying"). A copy given up for good, or an archived file found missing
        that could not be copied again (its name is cleared), leaves nothing to play."""
        return bool(self.audio_file) or self.archive_status != ArchiveStatus.FAILED


class AssetKind(models.TextChoices):
    STEM = "stem", "Stem"
    WAV = "wav", "WAV download"
    MP3 = "mp3", "MP3 download"
    VIDEO = "video", "Video"


class Asset(models.Model):
    """A file that belongs to a song: a stem, a WAV/MP3 download or a video."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    song = models.ForeignKey(Song, models.CASCADE, related_name="assets")
    workspace = models.ForeignKey(Workspace, models.CASCADE, related_name="assets")
    job = models.ForeignKey(Job, models.SET_NULL, null=True, blank=True, related_name="assets")
    kind = models.CharField(max_length=10, choices=AssetKind.choices)
    label = models.CharField(max_length=100, blank=True, default="")  # "Vocals", "Drums" ...
    music_id = models.CharField(max_length=64, blank=True, default="")
    remote_url = models.TextField(blank=True, default="")
    file = models.FileField(upload_to=media_path, max_length=300, blank=True)
    content_type = models.CharField(max_length=100, blank=True, default="")
    size = models.PositiveBigIntegerField(null=True, blank=True)
    archive_status = models.CharField(
        max_length=10, choices=ArchiveStatus.choices, default=ArchiveStatus.PENDING
    )
    archive_error = models.TextField(blank=True, default="")
    archive_problem = models.CharField(
        max_length=20, choices=ArchiveProblem.choices, blank=True, default=""
    )
    archive_attempts = models.PositiveSmallIntegerField(default=0)
    archive_next_at = models.DateTimeField(null=True, blank=True)  # next copy attempt due
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "label"]
        indexes = [models.Index(fields=["song", "kind"], name="asset_song_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label} of {self.song}"

    @property
    def gone(self) -> bool:
        """Its archived file went missing and the provider's link could not give it back."""
        return self.archive_problem == ArchiveProblem.MISSING


class LoudnessRender(models.Model):
    """A song's copy at the delivery loudness (-14 LUFS, true peak at most -1 dBTP), rendered
    by the worker for a project's release package, with what it measures once written."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Rendering")
        DONE = "done", _("Rendered")
        FAILED = "failed", _("Failed")

    song = models.OneToOneField(Song, models.CASCADE, related_name="loudness_render")
    source = models.CharField(max_length=300, blank=True, default="")  # the audio it was made of
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to=media_path, max_length=300, blank=True)
    gain = models.FloatField(null=True, blank=True)  # dB applied
    lufs = models.FloatField(null=True, blank=True)  # measured on the file written
    true_peak = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Loudness render of {self.song}"

    @property
    def workspace_id(self):  # media_path's folder: the song's workspace
        return self.song.workspace_id


class LyricsDraft(models.Model):
    """Lyrics written by the lyrics action, kept to reuse in a song."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, models.CASCADE, related_name="lyrics_drafts")
    job = models.OneToOneField(
        Job, models.SET_NULL, null=True, blank=True, related_name="lyrics_draft"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    prompt = models.TextField(blank=True, default="")
    title = models.CharField(max_length=200, blank=True, default="")
    text = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title or f"Lyrics {self.id}"
