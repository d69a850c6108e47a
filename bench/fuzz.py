"""Fuzz: about 5,000 crafted requests over every URL pattern and form of the site, as an
anonymous visitor, an outsider, a viewer and an editor, on SQLite and on PostgreSQL.

Values: NUL bytes, huge and negative numbers, Unicode digits, long strings, markup, wrong
types (lists, objects, JSON where a form is expected), odd Range headers. Each database runs
in a child process (Django is set up once per process) through Django's test Client, with
production settings (DEBUG off). Prints the count of requests and of 5xx answers (target 0),
and each distinct 5xx with its exception.
"""

from __future__ import annotations

import inspect
import json
import os
import random
import subprocess
import sys
import tempfile
import uuid
from collections import Counter

from _common import (
    PYTHON,
    bench_env,
    migrate,
    note,
    postgres_available,
    report,
    setup_django,
    throwaway_database,
)

REQUESTS = int(os.environ.get("BENCH_FUZZ_REQUESTS", 5000))
SEED = int(os.environ.get("BENCH_FUZZ_SEED", 12))

VALUES = [
    "", " ", "\x00", "a\x00b", "0", "1", "-1", "007", "²", "٣", "\uff11\uff12", "9" * 19,
    "9" * 5000,
    "99999999999999999999", "1e309", "-1e309", "NaN", "inf", "1.5", "0x10", "x" * 10_000,
    "<script>alert(1)</script>", "'; DROP TABLE studio_song; --", "🎵" * 300, "true", "null",
    "[]", "{}", '{"a": 1}', "../../etc/passwd", "%00", "\ud800".encode("utf-8", "surrogatepass")
    .decode("latin-1"), "https://127.0.0.1:5432/", "http://169.254.169.254/", "file:///etc/passwd",
]  # fmt: skip


def _cursor(*key: object) -> str:
    import base64

    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


# Cursors no page made: dates past the calendar once in UTC, ids wider than 64 bits.
CURSORS = [
    _cursor("9999-12-31T23:59:59-14:00", str(uuid.UUID(int=0))),
    _cursor("0001-01-01T00:00:00+14:00", str(uuid.UUID(int=0))),
    _cursor("2026-01-01T00:00:00+00:00", 9 * 10**19),
    _cursor("2026-01-01T00:00:00+00:00", -(2**63) - 1),
    _cursor("x", "y"), _cursor(1e308, None), _cursor(),
    _cursor("a\x00b", "2026-01-01T00:00:00+00:00", str(uuid.UUID(int=0))),
]  # fmt: skip
VALUES += [*CURSORS, "x", "a\r\nBcc: x@example.com", "Night\r\nDrive"]
QUERY_NAMES = [
    "page", "member", "q", "status", "relation", "model", "sort", "fav", "verb", "period",
    "download", "next", "j", "cursor", "after", "before", "review", "engine", "take", "t",
]  # fmt: skip
RANGES = [
    "bytes=0-10", "bytes=" + "9" * 4400 + "-", "bytes=-" + "9" * 4400, "bytes=²-", "bytes=-0",
    "bytes=5-1", "bytes=0-1,5-9", "items=0-1", "bytes=\x00-",
]  # fmt: skip


def form_fields() -> list[str]:
    """Every field name of every form the studio defines."""
    from django import forms

    from studio.accounts import forms as account_forms
    from studio.library import forms as song_forms
    from studio.projects import forms as project_forms
    from studio.reviews import forms as review_forms
    from studio.workspaces import forms as workspace_forms

    names: set[str] = set()
    for module in (account_forms, project_forms, review_forms, song_forms, workspace_forms):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm):
                names.update(cls.base_fields)
    names.update({"username", "password", "email", "role", "user", "order", "position"})
    return sorted(names)


def patterns() -> list[tuple[str, list[str]]]:
    """(route, converter names) of every URL pattern, the admin's included."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[tuple[str, list[str]]] = []

    def walk(items, prefix: str) -> None:
        for item in items:
            route = str(item.pattern)
            if isinstance(item, URLResolver):
                walk(item.url_patterns, prefix + route)
            elif isinstance(item, URLPattern):
                found.append((prefix + route, list(item.pattern.converters)))

    walk(get_resolver().url_patterns, "")
    return found


def fill(route: str, ids: dict[str, list[str]], rng: random.Random) -> str:
    """A concrete path for a route: real ids mostly, else random ids or crafted strings."""
    import re

    def value(match: re.Match) -> str:
        kind, name = (match.group(1) or "str"), match.group(2)
        if kind == "uuid":
            pool = ids.get(name) or ids["any"]
            return rng.choice(pool) if rng.random() < 0.8 else str(uuid.uuid4())
        if kind == "int":
            return rng.choice(["1", "0", "9" * 30])
        pool = [*ids.get(name, []), "x", "a" * 300, "%00", "%C2%B2", "..%2F..", "9" * 500]
        return rng.choice(pool)

    if route.startswith("^"):  # the admin's regex routes
        route = route.lstrip("^").rstrip("$")
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: f"<str:{m.group(1)}>", route)
        route = route.replace("\\", "")
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def seed_data() -> tuple[dict, dict[str, list[str]]]:
    """A workspace with songs, files, jobs; users for each role; ids by URL parameter name."""
    from django.contrib.auth.models import User
    from django.core.files.base import ContentFile

    from studio.models import Asset, Job, JobStatus, Membership, Role, Song, Workspace

    owner = User.objects.create_user("fuzz-owner", "o@example.com", "pw-fuzz-1234")
    workspace = Workspace.objects.get(memberships__user=owner)
    users = {"editor": owner, "anonymous": None}
    for name, role in (("viewer", Role.VIEWER), ("outsider", None)):
        user = User.objects.create_user(f"fuzz-{name}", f"{name}@example.com", "pw-fuzz-1234")
        if role:
            Membership.objects.create(workspace=workspace, user=user, role=role)
            user.profile.current_workspace = workspace
            user.profile.save()
        users[name] = user
    songs, jobs = [], []
    for n, status in enumerate([JobStatus.SUCCESS, JobStatus.FAILED, JobStatus.ON_QUEUE] * 2):
        job = Job.objects.create(
            workspace=workspace, user=owner, action="music", status=status,
            params={"sound_prompt": "fuzz", "title": f"Fuzz {n}"},
            error="It failed." if status == JobStatus.FAILED else "",
        )  # fmt: skip
        jobs.append(str(job.pk))
        if status == JobStatus.SUCCESS:
            song = Song.objects.create(
                workspace=workspace, job=job, music_id=str(uuid.uuid4()), title=f"Fuzz\r\n{n}",
                prompt="fuzz", duration=10.0, peaks=[0.5] * 200, created_by=owner,
            )  # fmt: skip
            Song.objects.filter(pk=song.pk).update(root=song)
            song.audio_file.save("fuzz.mp3", ContentFile(b"ID3" + b"\x00" * 2000))
            asset = Asset.objects.create(song=song, workspace=workspace, kind="stem", label="Drums")
            asset.file.save("drums.mp3", ContentFile(b"ID3" + b"\x00" * 500))
            songs.append(str(song.pk))
    from django.apps import apps

    from studio.models import Project

    Project.objects.create(workspace=workspace, name="Fuzz", created_by=owner)

    ids: dict[str, list[str]] = {
        "song_id": songs, "job_id": jobs, "workspace_id": [str(workspace.pk)],
        "asset_id": [str(a) for a in Asset.objects.values_list("pk", flat=True)],
    }  # fmt: skip
    # Any other model with a UUID key (projects, reviews, shares ...): its rows by name.
    for model in apps.get_app_config("studio").get_models():
        if model._meta.pk.get_internal_type() == "UUIDField":
            key = f"{model._meta.model_name}_id"
            ids.setdefault(key, [str(pk) for pk in model.objects.values_list("pk", flat=True)[:5]])
    ids["any"] = [v for values in ids.values() for v in values] or [str(uuid.uuid4())]
    ids["token"] = ["x", "a" * 500]
    return users, ids


def crafted(ids: dict[str, list[str]]) -> list[tuple[str, str, str, dict]]:
    """Inputs that once answered 500, each sent as the role it needs: (role, method, path,
    keyword arguments for the test client)."""
    from django.urls import reverse

    song, workspace = ids["song_id"][0], ids["workspace_id"][0]
    project = ids.get("project_id", [""])[0]
    requests = [
        ("viewer", "get", reverse("library:library"), {"query_params": {name: "a\x00b"}})
        for name in ("q", "model", "status", "relation", "review", "sort", "member")
    ]
    for cursor in CURSORS:
        for name in ("library", "workspace_activity"):
            for direction in ("after", "before"):
                for sort in ("new", "title", "best"):  # each sort's key has its own columns
                    params = {
                        direction: cursor,
                        "sort": sort,
                        "q": "fuzz" if sort == "best" else "",
                    }
                    requests.append(("viewer", "get", reverse(name), {"query_params": params}))
    login = {"username": "fuzz-viewer", "password": "pw-fuzz-1234", "next": "x"}
    requests += [
        ("anonymous", "post", reverse("login"), {"data": login}),
        ("viewer", "post", reverse("workspaces:workspace_switch", args=[workspace]),
         {"data": {"next": "x"}}),
        ("viewer", "post", reverse("reviews:comment_post", args=[song]),
         {"data": {"body": "@fuzz-owner"}}),
        (
            "anonymous", "post", reverse("login"),
            {"data": "username=x&password=y", "csrf": True, "content_type":
             "application/x-www-form-urlencoded; charset=utf-7"},
        ),
    ]  # fmt: skip
    if project:
        data = {"song": song, "next": "x"}
        requests.append(
            ("editor", "post", reverse("projects:project_add", args=[project]), {"data": data})
        )
    return requests


def one_database(database_url: str) -> dict:
    env = bench_env(database_url, PUBLIC_BASE_URL="", TESTING="true")
    migrate(env)
    setup_django(env)
    from django.core.signals import got_request_exception
    from django.test import Client

    from studio.models import Heartbeat

    rng = random.Random(SEED)
    users, ids = seed_data()
    # A worker is running (beating below): /healthz answers 200, not 503.
    fields = form_fields()
    routes = patterns()
    # The admin has a few dozen routes that all answer non-staff with its login page.
    admin = [r for r in routes if r[0].startswith("admin/")]
    site = [r for r in routes if not r[0].startswith("admin/")]
    errors: Counter = Counter()
    statuses: Counter = Counter()
    by_role: Counter = Counter()
    failures: list[str] = []

    def on_exception(sender, request=None, **kwargs) -> None:
        exc = sys.exc_info()[1]
        failures.append(f"{request.method} {request.path[:80]}: {exc!r}"[:300])

    got_request_exception.connect(on_exception)
    clients = {}
    for role, user in users.items():
        client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
        if user is not None:
            client.force_login(user)
        clients[role] = client

    sent = 0
    per_db = REQUESTS // 2
    # The login form as a browser sends it: with CSRF checked, which reads the body.
    strict = Client(enforce_csrf_checks=True, raise_request_exception=False, HTTP_HOST="127.0.0.1")
    strict.get("/accounts/login/")
    token = strict.cookies["csrftoken"].value
    for role, method, path, kwargs in crafted(ids):
        client = clients[role]
        if kwargs.pop("csrf", False):
            client, kwargs["headers"] = strict, {"X-CSRFToken": token}
        response = getattr(client, method)(path, **kwargs)
        sent += 1
        statuses[response.status_code] += 1
        by_role[(role, method.upper(), response.status_code // 100)] += 1
        if response.status_code >= 500:
            errors[(method.upper(), path[:60], response.status_code)] += 1
    while sent < per_db:
        route, _converters = rng.choice(admin if rng.random() < 0.05 else site)
        role = rng.choice(list(clients))
        client = clients[role]
        if sent % 50 == 0:
            Heartbeat.beat("worker")
        if users[role] is not None and "_auth_user_id" not in client.session:
            client.force_login(users[role])  # a fuzzed logout or password change logged it out
        path = fill(route, ids, rng)
        query = {rng.choice(QUERY_NAMES): rng.choice(VALUES) for _ in range(rng.randint(0, 3))}
        headers = {}
        if rng.random() < 0.3:
            headers["Range"] = rng.choice(RANGES)
        if rng.random() < 0.1:
            headers["If-Range"] = rng.choice(['"x"', 'W/"x"', "Mon, 99 Foo", "\x00"])
        method = rng.choice(["GET", "GET", "POST", "POST", "HEAD", "PUT"])
        try:
            if method == "POST":
                kind = rng.random()
                if kind < 0.7:
                    data = {
                        rng.choice(fields): rng.choice(VALUES) for _ in range(rng.randint(1, 8))
                    }
                    if rng.random() < 0.2:
                        data[rng.choice(fields)] = [rng.choice(VALUES), rng.choice(VALUES)]
                    response = client.post(path, data, query_params=query, headers=headers)
                else:
                    body = rng.choice(
                        ['{"status": "SUCCESS", "data": []}', "[1, 2]", "\x00", "x" * 5000,
                         json.dumps({"data": {"jobId": "9" * 5000, "musics": [{"duration": "²"}]}}),
                         '{"status": "FAILED", "message": null, "data": {"jobId": null}}']
                    )  # fmt: skip
                    response = client.post(
                        path, body, content_type="application/json", headers=headers
                    )
            else:
                response = (
                    client.generic(method, path, query_params=query, headers=headers)
                    if method == "PUT"
                    else getattr(client, method.lower())(path, query, headers=headers)
                )
            status = response.status_code
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        except Exception as exc:  # a crash in the test client itself counts as a 5xx
            status = 599
            failures.append(f"{method} {path[:80]}: client {exc!r}"[:300])
        sent += 1
        statuses[status] += 1
        by_role[(role, method if method != "HEAD" else "GET", status // 100)] += 1
        if status >= 500:
            errors[(method, route, status)] += 1
    return {
        "requests": sent,
        "errors": sum(errors.values()),
        "statuses": dict(sorted(statuses.items())),
        "by_role": {f"{r} {m} {s}xx": n for (r, m, s), n in sorted(by_role.items())},
        "where": [f"{m} {r} -> {s} x{n}" for (m, r, s), n in errors.most_common()],
        "exceptions": sorted(set(failures))[:40],
    }


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(one_database(sys.argv[2])))
        return 0
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        urls = {"sqlite": f"sqlite:///{folder}/fuzz.sqlite3"}
        reason = postgres_available()
        with throwaway_database("h12_fuzz") if not reason else _none() as pg_url:
            if pg_url:
                urls["postgresql"] = pg_url
            else:
                note(f"PostgreSQL skipped: {reason}")
            for name, url in urls.items():
                done = subprocess.run(
                    [PYTHON, __file__, "--one", url], capture_output=True, text=True, check=False
                )
                lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
                if done.returncode or not lines:
                    print(done.stderr[-3000:], file=sys.stderr)
                    results[name] = {"requests": 0, "errors": 1, "where": ["run failed"]}
                    continue
                results[name] = json.loads(lines[-1])
    total = sum(r["requests"] for r in results.values())
    errors = sum(r["errors"] for r in results.values())
    for name, result in results.items():
        report(f"fuzz_{name}_requests", result["requests"], "requests", "info")
        report(f"fuzz_{name}_5xx", result["errors"], "responses", "0")
        note(f"{name}: answers by status {result.get('statuses')}")
        note(f"{name}: by role, method and class {result.get('by_role')}")
        for line in result.get("where", []) + result.get("exceptions", []):
            note(f"{name}: {line}")
    report("fuzz_requests", total, "requests", f"~{REQUESTS}")
    report("fuzz_5xx", errors, "responses", "0")
    return 0 if errors == 0 and "postgresql" in results else 1


class _none:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


if __name__ == "__main__":
    sys.exit(main())
