"""The people every view is tested with: an owner, an editor and a viewer of one
workspace, and an outsider who belongs elsewhere."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from studio.models import Membership, Role, Workspace

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """A cheap hasher in tests: the real one spends about 0.3 s per password on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Team:
    workspace: Workspace
    owner: User
    editor: User
    viewer: User
    outsider: User

    def client_for(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client


def make_user(username: str, *, verified: bool = True) -> User:
    """A person with an address of their own, confirmed unless `verified` is false (as a
    newcomer's is until they follow the link mailed to them)."""
    user = User.objects.create_user(username, f"{username}@example.com", PASSWORD)
    if verified:
        confirm_address(user)
    return user


def confirm_address(user: User) -> None:
    """As following the link mailed to the account's address does (on the profile the user
    may hold already, so a later save of it keeps the address)."""
    profile = user.profile
    profile.verified_email = user.email.lower()
    profile.email_verified_at = timezone.now()
    profile.save(update_fields=["verified_email", "email_verified_at"])


@pytest.fixture
def team(db) -> Team:
    owner = make_user("alice")
    workspace = Workspace.objects.get(memberships__user=owner)
    editor = make_user("bob")
    viewer = make_user("carol")
    outsider = make_user("mallory")
    for user, role in ((editor, Role.EDITOR), (viewer, Role.VIEWER)):
        Membership.objects.create(workspace=workspace, user=user, role=role)
        user.profile.current_workspace = workspace
        user.profile.save()
    return Team(workspace, owner, editor, viewer, outsider)


@pytest.fixture
def owner_client(team: Team) -> Client:
    return team.client_for(team.owner)


@pytest.fixture
def editor_client(team: Team) -> Client:
    return team.client_for(team.editor)


@pytest.fixture
def viewer_client(team: Team) -> Client:
    return team.client_for(team.viewer)


@pytest.fixture
def outsider_client(team: Team) -> Client:
    return team.client_for(team.outsider)


@pytest.fixture
def emulator(db, settings, monkeypatch, tmp_path_factory):
    """The Producer API emulator in-process: jobs finish at once (`.finish_all()` delivers
    due webhooks), and the emulator's and studio's HTTP go through an in-process transport."""
    from emulator.testing import emulator_fixture

    yield from emulator_fixture(settings, monkeypatch, tmp_path_factory.mktemp("emulator"))


# Names under the reserved test TLDs (RFC 2606/6761) never resolve for real; tests that send
# them to an in-process transport get a public-looking address for the outbound check.
TEST_SUFFIXES = (".test", ".example", ".example.com", ".invalid")


@pytest.fixture(autouse=True)
def test_names_resolve(monkeypatch):
    from outbound import addresses

    real = addresses.RESOLVER

    def resolve(host: str, port: int) -> list[str]:
        if host.lower().endswith(TEST_SUFFIXES):
            return ["93.184.215.14"]
        return real(host, port)

    monkeypatch.setattr(addresses, "RESOLVER", resolve)
