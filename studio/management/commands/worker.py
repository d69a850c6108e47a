from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker (django-tasks-db's db_worker)."

    def handle(self, *args, **options) -> None:
        call_command("db_worker")
