"""Every new person gets a profile and a personal workspace."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from studio.workspaces.current import create_workspace


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def give_new_user_a_workspace(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        create_workspace(f"{instance.get_username()}'s studio", owner=instance)
