from django.contrib.auth.models import User

from studio.lib import crypto
from studio.models import Membership, Role, Workspace


def test_new_user_gets_a_personal_workspace_as_owner(db):
    user = User.objects.create_user("dora", "dora@example.com", "pw-123456789")
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.OWNER
    assert user.profile.current_workspace == membership.workspace


def test_api_key_is_encrypted_at_rest_and_masked(db):
    workspace = Workspace.objects.create(name="Band")
    workspace.set_api_key("sk-live-1234567890abcdef")
    workspace.save()
    stored = Workspace.objects.values_list("api_key_encrypted", flat=True).get(pk=workspace.pk)
    assert "1234567890abcdef" not in stored
    assert Workspace.objects.get(pk=workspace.pk).get_api_key() == "sk-live-1234567890abcdef"
    assert workspace.api_key_hint == "••••cdef"


def test_undecryptable_key_reads_as_empty(db, settings):
    token = crypto.encrypt("secret-value-123")
    settings.FIELD_ENCRYPTION_KEY = "another-key"
    assert crypto.decrypt(token) == ""


def test_role_rights():
    assert Role.OWNER.can_edit
    assert Role.OWNER.can_manage
    assert Role.EDITOR.can_edit
    assert not Role.EDITOR.can_manage
    assert not Role.VIEWER.can_edit
    assert not Role.VIEWER.can_manage
