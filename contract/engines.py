"""The two APIs a job or a song can belong to."""

from django.db import models


class Engine(models.TextChoices):
    PRODUCER = "producer", "Producer"
    FLOWMUSIC = "flowmusic", "Flow Music"
