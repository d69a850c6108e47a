"""The staff dashboard and the usage page in a real browser: charts drawn, nothing blocked
by the Content Security Policy, buttons that work. Screenshots in test-results/screenshots/."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from contract.producer import Action
from studio.jobs import ledger
from studio.models import (
    ArchiveStatus,
    Heartbeat,
    Job,
    JobStatus,
    Membership,
    Role,
    Song,
    Workspace,
)
from studio.models.activity import Verb, record

pytestmark = pytest.mark.django_db(transaction=True)

REASONS = [
    "Content policy: the prompt was refused.",
    "No result after 30 minutes: the music service never finished this job.",
    "The music service is busy (too many running jobs).",
]
PROMPTS = [
    "dreamy synth-pop, warm bass, 110 bpm",
    "lofi hip hop with rain and vinyl crackle",
    "epic orchestral trailer, big drums",
    "acoustic folk ballad, female vocals",
    "driving techno, 128 bpm, dark pads",
]


def seed_history(owner: User, editor: User) -> Workspace:
    """Two weeks of believable traffic across three workspaces."""
    rng = random.Random(3)
    now = timezone.now()
    workspace = Workspace.objects.get(memberships__user=owner)
    workspace.name = "Northern Lights Records"
    workspace.monthly_budget = 400
    workspace.save()
    others = [Workspace.objects.create(name=n) for n in ("Basement Tapes", "Studio Kilo")]
    actions = [Action.MUSIC] * 6 + [Action.EXTEND, Action.COVER, Action.STEMS, Action.VIDEO]
    jobs = []
    for i in range(900):
        created = now - timedelta(hours=rng.uniform(0.5, 24 * 14))
        action = rng.choice(actions)
        space = workspace if i % 3 == 0 else rng.choice(others)
        user = rng.choice([owner, editor])
        job = Job(
            workspace=space,
            user=user,
            action=action,
            created_at=created,
            params={"prompt": rng.choice(PROMPTS)},
        )
        if rng.random() < 0.9:
            job.status = JobStatus.SUCCESS
            job.finished_at = created + timedelta(seconds=rng.lognormvariate(4.2, 0.4))
            job.quota = Decimal(0 if action == Action.VIDEO else rng.choice([3, 3, 3, 6]))
        else:
            job.status = JobStatus.FAILED
            job.error = rng.choice(REASONS)
        jobs.append(job)
    Job.objects.bulk_create(jobs)
    # Keep this month's spending near the budget whatever the date: 85 % of it. The month
    # starts where the ledger says (local midnight of the 1st, to the microsecond).
    month_start = ledger.month_start(now)
    month = Job.objects.filter(workspace=workspace, created_at__gte=month_start)
    month.update(quota=None)
    for i in range(34):
        Job.objects.create(
            workspace=workspace,
            user=owner if i % 3 else editor,
            action=Action.MUSIC if i % 4 else Action.EXTEND,
            status=JobStatus.SUCCESS,
            quota=10,
            params={"prompt": PROMPTS[i % len(PROMPTS)]},
            created_at=max(now - timedelta(days=i % 9, hours=1), month_start),
            finished_at=now - timedelta(days=i % 9, hours=1) + timedelta(seconds=70 + i),
        )
    Job.objects.create(
        workspace=workspace,
        user=owner,
        action=Action.COVER,
        status=JobStatus.ON_QUEUE,
        created_at=now - timedelta(minutes=25),
        provider_job_id="job-stuck",
    )
    Job.objects.create(
        workspace=others[0],
        user=editor,
        action=Action.MUSIC,
        status=JobStatus.UNKNOWN,
        created_at=now - timedelta(minutes=3),
    )
    Job.objects.create(
        workspace=workspace,
        user=editor,
        action=Action.MUSIC,
        status=JobStatus.ON_QUEUE,
        created_at=now - timedelta(seconds=40),
    )
    Song.objects.create(
        workspace=others[1],
        music_id="m-lost",
        title="Midnight Drive",
        archive_status=ArchiveStatus.FAILED,
        archive_error="The provider's file answered 404 (expired link).",
        archive_attempts=5,
    )
    Heartbeat.beat("worker")
    for verb, subject in [
        (Verb.SONG_CREATED, "Aurora"),
        (Verb.MEMBER_INVITED, "dana@example.com as Editor"),
        (Verb.SONG_REMIXED, "Aurora (extended)"),
        (Verb.BUDGET_CHANGED, "set to 400 credits a month"),
    ]:
        record(workspace, owner, verb, subject)
    return workspace


@pytest.fixture
def people(db):
    owner = User.objects.create_user("alice", "alice@example.com", "pw-alice-123456")
    editor = User.objects.create_user("bob", "bob@example.com", "pw-bob-123456")
    workspace = Workspace.objects.get(memberships__user=owner)
    Membership.objects.create(workspace=workspace, user=editor, role=Role.EDITOR)
    staff = User.objects.create_user("sam", "sam@example.com", "pw-sam-123456", is_staff=True)
    return owner, editor, staff


def csp_errors(page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return errors


def test_staff_dashboard(studio, login, page, shot, people):
    owner, editor, staff = people
    seed_history(owner, editor)
    errors = csp_errors(page)
    login(staff, "/staff/?period=7d")
    expect(page.locator("h1")).to_have_text("Staff dashboard")
    expect(page.locator("svg.chart")).to_have_count(3)
    expect(page.locator("svg.chart rect").first).to_be_visible()
    # Bars get their colour from the stylesheet (no inline styles): not the default black.
    fill = page.eval_on_selector("svg.chart rect", "r => getComputedStyle(r).fill")
    assert fill not in ("rgb(0, 0, 0)", "none")
    expect(page.locator("#attention")).to_contain_text("stuck")
    expect(page.locator(".reasons li").first).to_contain_text("Content policy")
    shot(page, "staff-dashboard")
    page.click("nav.period-picker >> text=30d")
    expect(page).to_have_url(studio.url + "/staff/?period=30d")
    # Mark the stuck job failed from its button.
    row = page.locator("#attention tr.stuck", has_text="Cover")
    row.locator("button", has_text="Mark failed").click()
    expect(page.locator(".messages")).to_contain_text("marked as failed")
    assert Job.objects.get(provider_job_id="job-stuck").status == JobStatus.FAILED
    assert errors == []


def test_usage_page(studio, login, page, shot, people):
    owner, editor, _ = people
    seed_history(owner, editor)
    errors = csp_errors(page)
    login(owner, "/workspace/usage/")
    expect(page.locator("h1")).to_have_text("Usage")
    expect(page.locator(".alert-warn")).to_contain_text("85 % of the monthly budget is spent")
    expect(page.locator("svg.chart")).to_have_count(1)
    expect(page.locator("progress.budget[aria-label='Budget used']")).to_be_visible()
    shot(page, "workspace-usage")
    page.click("nav.period-picker >> text=Activity")
    expect(page.locator(".timeline li")).to_have_count(4)
    shot(page, "workspace-activity")
    assert errors == []
