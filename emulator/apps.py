from django.apps import AppConfig


class EmulatorConfig(AppConfig):
    name = "emulator"
    verbose_name = "Producer API emulator"
    default_auto_field = "django.db.models.BigAutoField"
