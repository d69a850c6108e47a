"""Encryption at rest for secrets we must be able to use again (workspace API keys)."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    # A dedicated FIELD_ENCRYPTION_KEY wins; otherwise derive one from SECRET_KEY so a
    # fresh install works with nothing set.
    secret = settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY
    digest = hashlib.sha256(b"producer-studio-field-encryption:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    """The plain text, or "" when the token cannot be read (the key was rotated)."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return ""


def mask(plain: str) -> str:
    """What the UI may show of a secret: its last four characters."""
    return f"••••{plain[-4:]}" if len(plain) > 8 else "••••"
