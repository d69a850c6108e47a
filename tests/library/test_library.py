"""The library page, its filters, and the one poll request that updates running cards."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studio.models import Job, JobStatus, Relation, Song, Workspace
from tests.factories import make_job, make_song

LIBRARY = reverse("library:library")
POLL = reverse("library:library_poll")


def j(job: Job) -> str:
    return f"{job.id}:{job.status}:{job.progress}"


@pytest.mark.parametrize("who", ["owner", "editor", "viewer"])
def test_members_see_the_workspace_songs(team, who):
    song = make_song(team.workspace, team.owner, title="Night Drive")
    response = team.client_for(getattr(team, who)).get(LIBRARY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Night Drive" in html
    assert reverse("library:song", args=[song.id]) in html
    assert 'preload="none"' in html
    assert '<svg class="wave"' in html


def test_outsider_sees_only_their_own_workspace(team, outsider_client):
    make_song(team.workspace, team.owner, title="Secret Song")
    response = outsider_client.get(LIBRARY)
    assert response.status_code == 200
    assert "Secret Song" not in response.content.decode()
    assert "No songs yet" in response.content.decode()


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get(LIBRARY)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_viewer_gets_no_create_or_remix_buttons(team, viewer_client, editor_client):
    make_song(team.workspace, team.owner)
    make_job(team.workspace, team.owner, status=JobStatus.FAILED, error="Out of credit")
    viewer_html = viewer_client.get(LIBRARY).content.decode()
    editor_html = editor_client.get(LIBRARY).content.decode()
    for marker in (reverse("library:create"), "fav-btn", "Retry"):
        assert marker not in viewer_html
        assert marker in editor_html
    assert "Out of credit" in viewer_html


def test_job_states_in_plain_words(team, owner_client):
    make_job(team.workspace, team.owner, status=JobStatus.ON_QUEUE, progress=45)
    make_job(team.workspace, team.owner, status=JobStatus.SUBMITTING)
    make_job(team.workspace, team.owner, status=JobStatus.FAILED, error="Rejected: bad words")
    make_job(team.workspace, team.owner, status=JobStatus.UNKNOWN)
    html = owner_client.get(LIBRARY).content.decode()
    assert "running 45%" in html
    assert 'value="45"' in html
    assert "queued" in html
    assert "Rejected: bad words" in html
    assert "Retry" in html
    assert "Check again" in html
    # One poller for the whole page, never one per card.
    assert html.count('hx-trigger="live-poll from:body"') == 1


def test_one_live_poll_even_when_nothing_runs(team, owner_client):
    make_song(team.workspace, team.owner)
    make_job(team.workspace, team.owner, status=JobStatus.FAILED)
    html = owner_client.get(LIBRARY).content.decode()
    assert html.count('hx-trigger="live-poll from:body"') == 1


def test_a_job_with_its_song_shows_only_the_song(team, owner_client):
    song = make_song(team.workspace, team.owner, title="Finished")
    html = owner_client.get(LIBRARY).content.decode()
    assert f'id="song-{song.id}"' in html
    assert f'id="job-{song.job_id}"' not in html


def test_search_filters_and_sort(team, owner_client):
    make_song(team.workspace, team.owner, title="Alpha", prompt="jazz piano")
    make_song(team.workspace, team.editor, title="Beta", lyrics="moonlight over water")
    make_song(team.workspace, team.owner, title="Gamma", model="FUZZ-1.0", favourite=True)
    make_song(team.workspace, team.owner, title="Delta", relation=Relation.COVER)

    def titles(**query):
        html = owner_client.get(LIBRARY, query).content.decode()
        return {t for t in ("Alpha", "Beta", "Gamma", "Delta") if f">{t}</a>" in html}

    assert titles(q="jazz") == {"Alpha"}
    assert titles(q="moonlight") == {"Beta"}
    assert titles(q="gam") == {"Gamma"}
    assert titles(model="FUZZ-1.0") == {"Gamma"}
    assert titles(fav="1") == {"Gamma"}
    assert titles(relation="cover") == {"Delta"}
    assert titles(member=str(team.editor.id)) == {"Beta"}
    assert titles(relation="nonsense", sort="nonsense", member="x", page="zz") == {
        "Alpha",
        "Beta",
        "Gamma",
        "Delta",
    }
    html = owner_client.get(LIBRARY, {"sort": "title"}).content.decode()
    assert html.index(">Alpha<") < html.index(">Beta<") < html.index(">Gamma<")
    assert "No songs match" in owner_client.get(LIBRARY, {"q": "zzzz"}).content.decode()


def test_status_filter_separates_jobs_and_songs(team, owner_client):
    make_song(team.workspace, team.owner, title="Ready one")
    running = make_job(team.workspace, team.owner)
    failed = make_job(team.workspace, team.owner, status=JobStatus.FAILED)
    html = owner_client.get(LIBRARY, {"status": "running"}).content.decode()
    assert f"job-{running.id}" in html
    assert f"job-{failed.id}" not in html
    assert "Ready one" not in html
    html = owner_client.get(LIBRARY, {"status": "failed"}).content.decode()
    assert f"job-{failed.id}" in html
    assert f"job-{running.id}" not in html
    html = owner_client.get(LIBRARY, {"status": "ready"}).content.decode()
    assert "Ready one" in html
    assert "job-" not in html


def test_htmx_filter_request_gets_only_the_results(team, owner_client):
    make_song(team.workspace, team.owner, title="Alpha")
    response = owner_client.get(
        LIBRARY, {"q": "alp"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html
    assert "Alpha" in html


def test_deleted_songs_are_hidden(team, owner_client):
    from django.utils import timezone

    make_song(team.workspace, team.owner, title="Gone", deleted_at=timezone.now())
    assert "Gone" not in owner_client.get(LIBRARY).content.decode()


# The poll.


def test_poll_without_running_cards_stops(team, owner_client):
    assert owner_client.get(POLL).status_code == 286


def test_poll_answers_nothing_while_nothing_changed(team, owner_client):
    job = make_job(team.workspace, team.owner, progress=10)
    response = owner_client.get(POLL, {"j": j(job)})
    assert response.status_code == 200
    assert response.content == b""


def test_poll_swaps_only_the_changed_cards(team, owner_client):
    still = make_job(team.workspace, team.owner, progress=10)
    moving = make_job(team.workspace, team.owner, progress=10)
    seen = [j(still), j(moving)]
    Job.objects.filter(pk=moving.pk).update(progress=60)
    response = owner_client.get(POLL, {"j": seen})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'hx-swap-oob="outerHTML:#job-{moving.id}"' in html
    assert "running 60%" in html
    assert str(still.id) not in html


def test_poll_turns_a_finished_job_into_its_song_card_and_stops(team, owner_client):
    job = make_job(team.workspace, team.owner, progress=90)
    seen = j(job)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCESS, progress=100)
    song = make_song(team.workspace, team.owner, job=job, title="Brand new")
    response = owner_client.get(POLL, {"j": seen})
    html = response.content.decode()
    assert response.status_code == 286
    assert f'id="song-{song.id}" hx-swap-oob="outerHTML:#job-{job.id}"' in html
    assert "Brand new" in html


def test_poll_shows_a_failure_with_its_reason(team, owner_client):
    job = make_job(team.workspace, team.owner)
    seen = j(job)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error="Queue full")
    html = owner_client.get(POLL, {"j": seen}).content.decode()
    assert "Queue full" in html
    assert "Retry" in html


def test_poll_ignores_jobs_of_other_workspaces(team, outsider_client):
    job = make_job(team.workspace, team.owner)
    Job.objects.filter(pk=job.pk).update(progress=50)
    response = outsider_client.get(POLL, {"j": f"{job.id}:ON_QUEUE:0"})
    assert response.status_code == 286
    assert response.content == b""


def test_poll_ignores_garbage(team, owner_client):
    response = owner_client.get(POLL, {"j": ["nonsense", "x" * 36 + ":A:1", ""]})
    assert response.status_code == 286


# Query counts: constant, whatever the library's size.


def _fill(workspace: Workspace, user, songs: int, running: int) -> list[Job]:
    Song.objects.bulk_create(
        Song(
            workspace=workspace,
            music_id=f"m-{uuid.uuid4()}",
            title=f"Song {n}",
            peaks=[0.2, 0.8] * 50,
            duration=100 + n,
            created_by=user,
        )
        for n in range(songs)
    )
    return [make_job(workspace, user, progress=5) for _ in range(running)]


def _count(client, url, data=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
    assert response.status_code in (200, 286)
    return len(queries)


def _poll_after_progress(client, workspace, user, jobs: list[Job], finish: int) -> tuple[int, str]:
    """Finish `finish` jobs with a song, move the rest on, and poll as a page that saw them
    all at 5%: every card changed."""
    seen = [f"{job.id}:ON_QUEUE:5" for job in jobs]
    Job.objects.filter(pk__in=[job.pk for job in jobs[:finish]]).update(status=JobStatus.SUCCESS)
    for job in jobs[:finish]:
        make_song(workspace, user, job=job)
    Job.objects.filter(pk__in=[job.pk for job in jobs[finish:]]).update(progress=50)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(POLL, {"j": seen})
    return len(queries), response.content.decode()


def test_library_and_poll_query_counts(team, owner_client, django_assert_max_num_queries):
    small_jobs = _fill(team.workspace, team.owner, 30, 5)
    small_page = _count(owner_client, LIBRARY)
    small_poll, _ = _poll_after_progress(owner_client, team.workspace, team.owner, small_jobs, 1)

    big_jobs = _fill(team.workspace, team.owner, 300, 40)
    # 13: a search on PostgreSQL also sets its plan mode, and the selection bar lists projects.
    with django_assert_max_num_queries(13):
        assert owner_client.get(LIBRARY, {"q": "Song", "sort": "long"}).status_code == 200
    with django_assert_max_num_queries(13):
        owner_client.get(LIBRARY)
    assert _count(owner_client, LIBRARY) == small_page

    big_poll, html = _poll_after_progress(owner_client, team.workspace, team.owner, big_jobs, 3)
    assert big_poll <= 6
    assert html.count("hx-swap-oob") == len(big_jobs)
    assert html.count('class="card"') == 3
    assert big_poll == small_poll


def test_a_song_being_copied_keeps_polling_until_its_waveform_arrives(team, owner_client):
    song = make_song(team.workspace, team.owner, archive_status="pending", peaks=[])
    html = owner_client.get(LIBRARY).content.decode()
    assert f'value="{song.job_id}:COPYING"' in html
    assert 'hx-trigger="live-poll from:body"' in html
    seen = {"j": f"{song.job_id}:COPYING"}
    response = owner_client.get(POLL, seen)
    assert response.status_code == 200
    assert response.content == b""
    Song.objects.filter(pk=song.pk).update(archive_status="done", peaks=[0.5, 1.0] * 40)
    response = owner_client.get(POLL, seen)
    html = response.content.decode()
    assert response.status_code == 286
    assert f'id="song-{song.id}" hx-swap-oob="outerHTML:#song-{song.id}"' in html
    assert '<svg class="wave"' in html
    assert "COPYING" not in html


def test_poll_renders_each_card_once_with_the_callers_role(team, viewer_client, editor_client):
    job = make_job(team.workspace, team.owner)
    seen = {"j": j(job)}
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error="Queue full")
    viewer_html = viewer_client.get(POLL, seen).content.decode()
    editor_html = editor_client.get(POLL, seen).content.decode()
    assert viewer_html.count("hx-swap-oob") == 1
    assert editor_html.count("hx-swap-oob") == 1
    assert "Retry" not in viewer_html
    assert "Retry" in editor_html


def test_footer_says_when_the_studio_runs_on_the_emulator(team, owner_client, settings):
    settings.TTAPI_API_KEY = ""
    assert (
        "running on the built-in emulator"
        in owner_client.get(reverse("library:library")).content.decode()
    )
    settings.TTAPI_API_KEY = "real-key"
    assert "built-in emulator" not in owner_client.get(reverse("library:library")).content.decode()


def test_failed_cards_can_be_dismissed_and_stay_findable(team, editor_client, viewer_client):
    from datetime import timedelta

    from django.utils import timezone

    one = make_job(team.workspace, team.owner, status=JobStatus.FAILED, error="Boom one")
    make_job(team.workspace, team.owner, status=JobStatus.FAILED, error="Boom two")
    old = make_job(team.workspace, team.owner, status=JobStatus.FAILED, error="Boom old")
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    html = editor_client.get(reverse("library:library")).content.decode()
    assert "Boom one" in html
    assert "Boom two" in html
    assert "Boom old" not in html
    assert reverse("library:job_dismiss", args=[one.id]) in html
    assert "Dismiss all failed" in html
    # Viewers see the cards but cannot put them away for everyone.
    assert viewer_client.post(reverse("library:job_dismiss", args=[one.id])).status_code == 403
    assert viewer_client.post(reverse("library:jobs_dismiss_failed")).status_code == 403

    response = editor_client.post(
        reverse("library:job_dismiss", args=[one.id]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.content == b""
    html = editor_client.get(reverse("library:library")).content.decode()
    assert "Boom one" not in html
    assert "Boom two" in html
    editor_client.post(reverse("library:jobs_dismiss_failed"))
    html = editor_client.get(reverse("library:library")).content.decode()
    assert "Boom" not in html
    assert "Dismiss all failed" not in html
    # Under the status filter every failure is still there, old ones too.
    html = editor_client.get(reverse("library:library") + "?status=failed").content.decode()
    assert "Boom one" in html
    assert "Boom two" in html
    assert "Boom old" in html


def test_dismissing_is_for_members_and_failed_jobs_only(team, outsider_client, editor_client):
    running = make_job(team.workspace, team.owner)
    assert (
        outsider_client.post(reverse("library:job_dismiss", args=[running.id])).status_code == 404
    )
    editor_client.post(reverse("library:job_dismiss", args=[running.id]))
    running.refresh_from_db()
    assert running.dismissed_at is None


def test_cards_escape_what_people_wrote(team, owner_client, viewer_client):
    evil = '"><img src=x onerror=alert(1)>'
    make_song(team.workspace, team.owner, title=evil, model=evil, review_status="in_review")
    team.owner.username = "o<b>wner"
    team.owner.save()
    for client in (owner_client, viewer_client):
        page = client.get(reverse("library:library")).content.decode()
        assert "<img src=x" not in page
        assert "o<b>wner" not in page
        assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
        assert "o&lt;b&gt;wner" in page


def test_card_urls_are_the_reversed_urls_under_any_script_prefix():
    from django.urls import get_script_prefix, set_script_prefix

    from studio.lib.reversing import url_of

    pk = uuid.uuid4()
    old = get_script_prefix()
    try:
        for prefix in ("/", "/studio/"):
            set_script_prefix(prefix)
            for name, extra in (
                ("library:song", ()),
                ("library:song_media", ("audio",)),
                ("projects:song_projects", ()),
            ):
                assert url_of(name, pk, *extra) == reverse(name, args=[pk, *extra])
            assert url_of("library:song", pk).startswith(prefix)
    finally:
        set_script_prefix(old)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="what PostgreSQL's planner picks")
def test_the_poll_finds_its_jobs_by_key_in_a_big_workspace(team, owner_client):
    # One busy workspace among many small ones: by the planner's average a workspace holds a
    # few jobs, so a plan that walks the workspace's jobs for the 50 asked about looks cheap.
    others = Workspace.objects.bulk_create(Workspace(name=f"Team {n}") for n in range(300))
    done = {"action": "music", "params": {}, "status": JobStatus.SUCCESS, "progress": 100}
    Job.objects.bulk_create(
        [Job(workspace=team.workspace, **done) for _ in range(3000)]
        + [Job(workspace=workspace, **done) for workspace in others]
    )
    running = Job.objects.bulk_create(
        Job(workspace=team.workspace, action="music", params={}, status=JobStatus.ON_QUEUE)
        for _ in range(50)
    )
    Job.objects.filter(pk__in=[job.pk for job in running[:5]]).update(progress=40)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE studio_job, studio_workspace, studio_membership")
    with CaptureQueriesContext(connection) as captured:
        response = owner_client.get(POLL, {"j": [j(job) for job in running]})
    assert response.content.decode().count("hx-swap-oob") == 5
    walked = []
    for query in captured.captured_queries:
        if '"studio_job"' not in query["sql"]:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {query['sql']}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        walked += [line.strip() for line in plan.splitlines() if "job_ws_" in line]
    assert walked == []  # only studio_job's key finds the jobs
