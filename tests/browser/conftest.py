"""Browser tests: Debian's Chromium driven by pytest-playwright against a live server.

Every test in this folder is marked `browser` (`make test-fast` leaves them out). Without
Chromium they are left out, with one line in the summary saying why. The live server talks
to the built-in emulator over real HTTP, results come back through the webhook, and
background tasks run at once (django.tasks' ImmediateBackend): no worker runs beside it.

Reusable fixtures: `studio` (the live server, set up as above), `login` (a page logged in
as a user), `shot` (saves a screenshot to test-results/screenshots/).
"""

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE.parent.parent / "test-results" / "screenshots"
SKIPPED = pytest.StashKey[int]()
MISSING = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"

# Playwright runs an event loop in the test thread; the ORM calls made there are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


def pytest_collection_modifyitems(config, items):
    mine = [item for item in items if HERE in Path(item.fspath).resolve().parents]
    for item in mine:
        item.add_marker(pytest.mark.browser)
        # One worker runs them all, one after the other (make test's --dist loadgroup): two
        # browsers, live servers and emulators at once on two cores time out their waits.
        item.add_marker(pytest.mark.xdist_group("browser"))
    if mine and not chromium_available():
        # Left out as a group, and said once in the summary rather than once per test.
        items[:] = [item for item in items if item not in mine]
        config.hook.pytest_deselected(items=mine)
        config.stash[SKIPPED] = len(mine)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if config.stash.get(SKIPPED, 0):
        count = config.stash[SKIPPED]
        terminalreporter.write_line(f"{count} browser tests skipped: {MISSING}", yellow=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def studio(live_server, settings, tmp_path):
    """The live server, talking to its own emulator and reachable for webhooks."""
    settings.PUBLIC_BASE_URL = live_server.url
    settings.EMULATOR_BASE_URL = f"{live_server.url}/emulator"
    settings.EMULATOR_JOB_SECONDS = float(os.environ.get("BROWSER_JOB_SECONDS", "3"))
    settings.EMULATOR_FAULT_RATE = 0
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMULATOR_MEDIA_ROOT = tmp_path / "emulator"
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
    }
    settings.ALLOWED_HOSTS = ["*"]
    settings.TTAPI_DISABLED_ACTIONS = []
    return live_server


@pytest.fixture
def login(studio, page) -> Callable:
    """`login(user)`: the page, logged in as `user` (a session cookie, no form)."""

    def log_in(user, path: str = "/"):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": studio.url}])
        page.goto(studio.url + path)
        return page

    return log_in


@pytest.fixture
def shot() -> Callable:
    """`shot(page, name)`: a full-page screenshot in test-results/screenshots/name.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
