"""The Producer API's actions, as stored on jobs and named in settings."""

from django.db import models


class Action(models.TextChoices):
    MUSIC = "music", "Generate"
    LYRICS = "lyrics", "Lyrics"
    EXTEND = "extend", "Extend"
    COVER = "cover", "Cover"
    VARIATION = "variation", "Variation"
    REPLACE = "replace", "Replace section"
    VOCALS_SWAP = "vocals-swap", "Swap vocals"
    INSTRUMENTALS_SWAP = "instrumentals-swap", "Swap instrumentals"
    STEMS = "stems", "Stems"
    DOWNLOAD = "download", "Download"
    UPLOAD = "upload", "Upload"
    VIDEO = "generate-video", "Video"


# Actions that work on an existing song (`music_id` is the parent's musicId).
PARENT_ACTIONS = frozenset(
    {
        Action.EXTEND,
        Action.COVER,
        Action.VARIATION,
        Action.REPLACE,
        Action.VOCALS_SWAP,
        Action.INSTRUMENTALS_SWAP,
        Action.STEMS,
        Action.DOWNLOAD,
        Action.VIDEO,
    }
)

# Actions whose result is a new song in the library.
SONG_ACTIONS = frozenset(
    {
        Action.MUSIC,
        Action.EXTEND,
        Action.COVER,
        Action.VARIATION,
        Action.REPLACE,
        Action.VOCALS_SWAP,
        Action.INSTRUMENTALS_SWAP,
        Action.UPLOAD,
    }
)

# The provider charges nothing for these.
FREE_ACTIONS = frozenset({Action.UPLOAD, Action.VIDEO})
