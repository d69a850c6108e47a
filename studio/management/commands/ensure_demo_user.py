import os

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create the demo account (once) for trying the studio locally."

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo account is never created in production mode.")
        if User.objects.filter(username="demo").exists():
            self.stdout.write("Demo account exists: demo")
            return
        password = os.environ.get("DEMO_PASSWORD", "demo")
        # Created directly: the local demo password is allowed to be short.
        User.objects.create_user("demo", "demo@example.com", password)
        self.stdout.write(self.style.SUCCESS("Created the demo account: demo"))
