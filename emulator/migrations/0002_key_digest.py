import hashlib

from django.db import migrations, models


def digest_keys(apps, schema_editor):
    Job = apps.get_model("emulator", "Job")
    for job in Job.objects.only("pk", "key_digest").iterator():
        job.key_digest = hashlib.sha256(job.key_digest.encode()).hexdigest()
        job.save(update_fields=["key_digest"])


class Migration(migrations.Migration):
    dependencies = [("emulator", "0001_initial")]

    operations = [
        migrations.RemoveIndex(model_name="job", name="emu_job_key_finish"),
        migrations.RenameField("job", "api_key", "key_digest"),
        migrations.RunPython(digest_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="job",
            name="key_digest",
            field=models.CharField(db_index=True, max_length=64),
        ),
        migrations.AddIndex(
            model_name="job",
            index=models.Index(fields=["key_digest", "finishes_at"], name="emu_job_key_finish"),
        ),
    ]
