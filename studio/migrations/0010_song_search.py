"""Full-text search of songs: on PostgreSQL a generated tsvector column with a GIN index, on
SQLite an FTS5 table kept in step by triggers (nothing where SQLite lacks FTS5). The SQL is
studio.db.search's, which also puts back triggers a later table rebuild drops."""

from django.db import migrations


def forwards(apps, schema_editor) -> None:
    from studio.db import search

    search.install(schema_editor.connection)


def backwards(apps, schema_editor) -> None:
    from studio.db import search

    search.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("studio", "0009_library_keyset_indexes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
