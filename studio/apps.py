from django.apps import AppConfig
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import post_migrate

SEARCH_MIGRATION = ("studio", "0010_song_search")


def _search_after_migrate(sender, using: str, **kwargs) -> None:
    """SQLite drops a table's triggers when a migration rebuilds it: put search's back."""
    from studio.db import search

    connection = connections[using]
    if SEARCH_MIGRATION in MigrationRecorder(connection).applied_migrations():
        search.install(connection)


def _search_function(sender, connection, **kwargs) -> None:
    from studio.db import search

    search.register(connection)


class StudioConfig(AppConfig):
    name = "studio"
    verbose_name = "Studio"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from studio import checks, signals  # noqa: F401

        post_migrate.connect(_search_after_migrate, sender=self)
        connection_created.connect(_search_function)
