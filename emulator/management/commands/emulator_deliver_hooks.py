from django.core.management.base import BaseCommand

from emulator import hooks


class Command(BaseCommand):
    help = "Send the emulator's webhooks that are due (timers are lost when the server restarts)."

    def handle(self, *args, **options) -> None:
        sent = hooks.deliver_due()
        self.stdout.write(f"Delivered {sent} webhook(s).")
