"""Search's GIN index over the workspace and the words together, on PostgreSQL (it replaces
the words-only index; see studio.db.search). Elsewhere nothing changes."""

from django.db import migrations


def forwards(apps, schema_editor) -> None:
    from studio.db import search

    search.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("studio", "0015_job_duration")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
