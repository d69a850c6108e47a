"""How many workspaces one person may own: each would bring its own running-jobs cap and
budget, so a stranger could otherwise multiply them."""

from django.urls import reverse

from studio.models import Membership, Profile, Role


def create(client, name):
    return client.post(reverse("workspaces:workspace_create"), {"name": name})


def owned(user) -> int:
    return Membership.objects.filter(user=user, role=Role.OWNER).count()


def test_a_person_owns_at_most_the_limit(owner_client, team, settings):
    settings.PERSON_MAX_WORKSPACES = 3
    assert owned(team.owner) == 1  # the personal workspace counts
    assert create(owner_client, "Band").status_code == 302
    assert create(owner_client, "Client").status_code == 302
    r = create(owner_client, "One too many")
    assert r.status_code == 400
    assert "You own 3 workspaces, as many as you may" in r.content.decode()
    assert owned(team.owner) == 3


def test_staff_raise_one_persons_limit(owner_client, editor_client, team, settings):
    settings.PERSON_MAX_WORKSPACES = 1
    assert create(owner_client, "Band").status_code == 400
    Profile.objects.filter(user=team.owner).update(max_workspaces=2)
    assert create(owner_client, "Band").status_code == 302
    # Everyone else keeps the site's limit.
    assert create(editor_client, "Mine").status_code == 400
