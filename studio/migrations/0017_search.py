"""Search reads Chinese, Japanese and Korean: their text is indexed as pairs of characters
(see studio.db.search). What indexed the text before is dropped and made again with them:
on PostgreSQL the generated column and its index, on SQLite the triggers (and so the copy of
every song's text they keep)."""

from django.db import migrations


def forwards(apps, schema_editor) -> None:
    from studio.db import search

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS song_ws_search")
            cursor.execute("ALTER TABLE studio_song DROP COLUMN IF EXISTS search")
        elif connection.vendor == "sqlite":
            for name in search.FTS_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    search.install(connection)


class Migration(migrations.Migration):
    dependencies = [("studio", "0016_song_workspace_search")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
