"""System checks of our own settings, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def emulator_in_production(app_configs, **kwargs) -> list[Warning]:
    if settings.PRODUCTION and settings.EMULATOR_ENABLED:
        return [
            Warning(
                "The emulator is enabled in production: anyone who can reach /emulator/ can "
                "make this server fetch URLs and post webhooks, and jobs cost nothing.",
                hint="Set EMULATOR_ENABLED=false (the default in production).",
                id="studio.W001",
            )
        ]
    return []
