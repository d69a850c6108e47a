from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("studio", "0023_analysis")]

    operations = [
        migrations.AddField(
            model_name="workspace",
            name="live_version",
            field=models.BigIntegerField(default=0, editable=False),
        ),
    ]
