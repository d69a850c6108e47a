from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from studio.api import tokens
from studio.models import TokenRole, Workspace


class Command(BaseCommand):
    help = "Make an API token for a workspace and print it (shown this once only)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("workspace", help="The workspace's name (or id).")
        parser.add_argument("name", help="What the token is for, e.g. 'nightly build'.")
        parser.add_argument("--role", choices=TokenRole.values, default=TokenRole.READ_ONLY)
        parser.add_argument("--days", type=int, default=None, help="Expire after this many days.")

    def handle(self, *args, **options) -> None:
        name = options["workspace"]
        found = list(Workspace.objects.filter(name=name)[:2])
        if not found:
            try:
                found = list(Workspace.objects.filter(pk=name))
            except ValidationError:  # not an id either
                found = []
        if not found:
            raise CommandError(f"No workspace is named “{name}”.")
        if len(found) > 1:
            raise CommandError(f"Several workspaces are named “{name}”: give its id instead.")
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        expires = timezone.now() + timedelta(days=days) if days else None
        _token, secret = tokens.issue(
            found[0], options["name"][:100], options["role"], expires_at=expires
        )
        self.stdout.write(secret)
