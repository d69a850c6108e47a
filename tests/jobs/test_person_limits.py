"""One person on the studio's key: nothing spent before their address is confirmed, and a
monthly budget across every workspace they submit in, on top of each workspace's own."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection

from studio.jobs import lifecycle as jobs
from studio.models import Job, JobStatus, Profile, Workspace
from studio.workspaces.current import create_workspace
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)

PROMPT = {"sound_prompt": "calm piano"}
SITE_KEY = "site-key-0123456789"


@pytest.fixture
def site_key(settings):
    settings.TTAPI_API_KEY = SITE_KEY
    settings.PERSON_MONTHLY_BUDGET = 6  # two music jobs
    return settings


def personal(user) -> Workspace:
    """The workspace every new account gets."""
    return Workspace.objects.get(memberships__user=user, name=f"{user.username}'s studio")


def submit(user, workspace, action="music"):
    return jobs.submit(action, PROMPT, workspace=workspace, user=user)


def test_a_new_account_spends_nothing_on_the_site_key(site_key, fake_api):
    newcomer = make_user("newcomer", verified=False)
    with pytest.raises(jobs.EmailUnconfirmed, match="Confirm your email address"):
        submit(newcomer, personal(newcomer))
    assert not Job.objects.exists()
    assert not fake_api.requests


def test_an_address_confirmed_for_another_account_does_not_count(site_key, fake_api):
    newcomer = make_user("newcomer", verified=False)
    Profile.objects.filter(user=newcomer).update(verified_email="someone-else@example.com")
    with pytest.raises(jobs.EmailUnconfirmed):
        submit(newcomer, personal(newcomer))


def test_an_unconfirmed_account_is_free_on_the_emulator_and_its_own_key(settings, fake_api):
    newcomer = make_user("newcomer", verified=False)
    workspace = personal(newcomer)
    settings.TTAPI_API_KEY = ""
    job = submit(newcomer, workspace)
    assert job.on_emulator
    assert not job.on_site_key
    settings.TTAPI_API_KEY = SITE_KEY
    workspace.set_api_key("tt-own-key-0123456789")
    workspace.save()
    job = submit(newcomer, workspace)
    assert not job.on_emulator
    assert not job.on_site_key


def test_one_persons_spending_across_workspaces_stops_at_their_budget(site_key, fake_api):
    person = make_user("dora")
    first = personal(person)
    second = create_workspace("Second", owner=person)
    third = create_workspace("Third", owner=person)
    done = submit(person, first)
    assert done.on_site_key
    Job.objects.filter(pk=done.pk).update(status=JobStatus.SUCCESS, quota=Decimal(3))
    assert submit(person, second).on_site_key  # 3 spent + 3 held: the budget of 6
    with pytest.raises(jobs.SubmitRefused, match="3 of your 6 credits") as caught:
        submit(person, third)
    assert "3 more are held" in caught.value.message
    assert Job.objects.count() == 2
    # Another person in the same workspace has a budget of their own.
    other = make_user("erin")
    third.memberships.create(user=other, role="editor")
    assert submit(other, third).on_site_key
    # Staff raise this person's budget.
    Profile.objects.filter(user=person).update(monthly_budget=9)
    assert submit(person, third).on_site_key


def test_jobs_on_a_workspace_key_do_not_count_against_the_person(site_key, fake_api):
    person = make_user("dora")
    own = create_workspace("Own key", owner=person)
    own.set_api_key("tt-own-key-0123456789")
    own.save()
    for _ in range(3):
        assert not submit(person, own).on_site_key
    submit(person, personal(person))
    submit(person, personal(person))


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite serialises writers: concurrency needs PostgreSQL"
)
def test_simultaneous_submissions_in_two_workspaces_never_share_the_last_credits(
    site_key, monkeypatch
):
    site_key.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    site_key.PERSON_MONTHLY_BUDGET = 3  # one music job
    person = make_user("dora")
    spaces = [personal(person)] + [create_workspace(f"W{i}", owner=person) for i in range(3)]
    check = jobs._check_person

    def slow_check(*args):  # every submitter has counted before any has written
        check(*args)
        time.sleep(0.2)

    monkeypatch.setattr(jobs, "_check_person", slow_check)
    outcomes: list[str] = []
    barrier = threading.Barrier(len(spaces))

    def go(workspace):
        try:
            barrier.wait()
            submit(person, workspace)
            outcomes.append("created")
        except jobs.SubmitRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=(w,)) for w in spaces]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created", "refused", "refused", "refused"]
