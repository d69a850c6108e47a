"""The studio's data: workspaces and people, jobs and the songs they make."""

from studio.models.activity import ActivityEvent, Verb
from studio.models.api import (
    ApiBatch,
    ApiToken,
    BatchItem,
    BatchItemState,
    DeliveryState,
    IdempotentRequest,
    TokenRole,
    WebhookDelivery,
    WebhookEndpoint,
)
from studio.models.music import (
    ArchiveProblem,
    ArchiveStatus,
    Asset,
    AssetKind,
    Job,
    JobStatus,
    LoudnessRender,
    LyricsDraft,
    Relation,
    Song,
    SongQuerySet,
)
from studio.models.ops import Heartbeat
from studio.models.projects import Project, ProjectSong
from studio.models.reviews import Comment, Mention, ReviewStatus
from studio.models.shares import ShareLink
from studio.models.uploads import StoredUpload
from studio.models.workspaces import Invitation, Membership, Profile, Role, Workspace

__all__ = [
    "ActivityEvent",
    "ApiBatch",
    "ApiToken",
    "ArchiveProblem",
    "ArchiveStatus",
    "Asset",
    "AssetKind",
    "BatchItem",
    "BatchItemState",
    "Comment",
    "DeliveryState",
    "Heartbeat",
    "IdempotentRequest",
    "Invitation",
    "Job",
    "JobStatus",
    "LoudnessRender",
    "LyricsDraft",
    "Membership",
    "Mention",
    "Profile",
    "Project",
    "ProjectSong",
    "Relation",
    "ReviewStatus",
    "Role",
    "ShareLink",
    "Song",
    "SongQuerySet",
    "StoredUpload",
    "TokenRole",
    "Verb",
    "WebhookDelivery",
    "WebhookEndpoint",
    "Workspace",
]
