"""Confirming that a person reads the address on their account: a signed link that expires.

The link names the account and the address (Django's signing, salted for this use); followed
within EMAIL_VERIFICATION_DAYS, it records the address on the person's profile. One account
per confirmed address: the first to confirm it keeps it, so an account that never confirmed
never blocks the address's owner, who may sign up with it again.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from studio.models import Profile

log = logging.getLogger(__name__)

SALT = "studio.accounts.verify-email"


class VerificationError(Exception):
    """A link that confirms nothing, with the reason a person can read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def address(user) -> str:
    return (user.email or "").strip().lower()


def is_confirmed(user) -> bool:
    """Whether the address on the account is the one its owner confirmed."""
    profile = Profile.objects.filter(user=user).only("verified_email").first()
    return profile is not None and profile.has_verified(user.email)


def confirmed_elsewhere(email: str, user=None) -> bool:
    """Whether another account has already confirmed this address."""
    others = Profile.objects.filter(verified_email__iexact=email.strip())
    if user is not None:
        others = others.exclude(user=user)
    return others.exists()


def make_token(user, next_url: str = "") -> str:
    return signing.dumps({"u": user.pk, "e": address(user), "n": next_url}, salt=SALT)


def confirm(token: str) -> tuple[object, str]:
    """Confirm the address the link names; the account and where to go next."""
    max_age = timedelta(days=settings.EMAIL_VERIFICATION_DAYS)
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise VerificationError(_("This link has expired. Log in and ask for a new one.")) from None
    except signing.BadSignature:
        raise VerificationError(
            _("This link is not valid: it may have been cut short. Copy the whole link.")
        ) from None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or address(user) != data.get("e"):
        raise VerificationError(
            _("This link is for an address the account no longer has. Ask for a new one.")
        )
    taken = VerificationError(
        _("This address is already confirmed for another account: log in with that one.")
    )
    try:
        with transaction.atomic():
            profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
            if not profile.has_verified(user.email):
                if confirmed_elsewhere(user.email, user):
                    raise taken
                profile.verified_email = address(user)
                profile.email_verified_at = timezone.now()
                profile.save(update_fields=["verified_email", "email_verified_at"])
    except IntegrityError:  # another account confirmed it a moment earlier
        raise taken from None
    return user, str(data.get("n") or "")


def _url(request: HttpRequest, path: str) -> str:
    base = settings.PUBLIC_BASE_URL
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def send_link(request: HttpRequest, user, next_url: str = "") -> bool:
    """Mail the link that confirms the account's address; when another account already
    confirmed it, tell that address's owner instead (the page says the same either way, so
    it never shows whose address is known). False when the mail could not be sent."""
    email = address(user)
    if not email:
        return False
    if confirmed_elsewhere(email, user):
        subject = _("Someone signed up with your address on Producer Studio")
        body = render_to_string(
            "registration/address_in_use_email.txt",
            {"user": user, "reset_url": _url(request, reverse("password_reset"))},
        )
    else:
        subject = _("Confirm your email address for Producer Studio")
        path = reverse("verify_email", args=[make_token(user, next_url)])
        body = render_to_string(
            "registration/verify_email.txt",
            {"user": user, "url": _url(request, path), "days": settings.EMAIL_VERIFICATION_DAYS},
        )
    try:
        send_mail(subject, body, None, [email])
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("Verification mail failed: %s", exc.__class__.__name__)
        return False
    return True
