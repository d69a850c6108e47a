"""Takes: Create asks for 1 to 4 (one job each, each within the cap and the budget), their
page shows them side by side to keep the best; "Use these settings" fills Create in."""

import pytest
from django.urls import reverse

from contract.producer import Action
from studio.models import Job, JobStatus, Song
from tests.factories import make_job, make_song

CREATE = reverse("library:create")
GOOD = {
    "sound_prompt": "warm lofi hip hop, vinyl crackle",
    "mv": "FUZZ-2.0",
    "title": "Rainy Window",
    "lyrics_strength": "0.5",
    "sound_strength": "0.7",
    "weirdness": "0.2",
}


def test_three_takes_are_three_jobs_of_one_batch(team, editor_client):
    response = editor_client.post(CREATE, {**GOOD, "takes": "3", "seed": "41"})
    jobs = list(Job.objects.order_by("created_at", "pk"))
    assert len(jobs) == 3
    assert all(job.action == Action.MUSIC for job in jobs)
    batch = jobs[0].take_batch
    assert batch is not None
    assert all(job.take_batch == batch for job in jobs)
    assert response.status_code == 302
    assert response["Location"] == reverse("library:takes", args=[batch])
    # The same settings, but a given seed moves on per take: three different songs.
    assert sorted(job.params["seed"] for job in jobs) == ["41", "42", "43"]
    assert {job.params["sound_prompt"] for job in jobs} == {GOOD["sound_prompt"]}
    page = editor_client.get(response["Location"]).content.decode()
    assert page.count('class="card take"') == 3
    assert 'hx-trigger="live-poll from:body"' in page


def test_takes_without_a_seed_each_get_their_own(team, editor_client):
    editor_client.post(CREATE, {**GOOD, "takes": "2"})
    seeds = sorted(int(job.params["seed"]) for job in Job.objects.all())
    assert seeds[1] == seeds[0] + 1


def test_one_take_is_the_usual_create(team, editor_client):
    response = editor_client.post(CREATE, GOOD)
    assert response["Location"] == reverse("library:library")
    job = Job.objects.get()
    assert job.take_batch is None
    assert "seed" not in job.params


@pytest.mark.parametrize("takes", ["0", "5", "two", "-1"])
def test_takes_out_of_range_is_a_form_error(team, editor_client, takes):
    response = editor_client.post(CREATE, {**GOOD, "takes": takes})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Job.objects.exists()


def test_only_some_can_start_under_the_cap(team, editor_client, settings):
    settings.WORKSPACE_MAX_RUNNING_JOBS = 3
    make_job(team.workspace, team.owner)  # one running already: room for two
    response = editor_client.post(CREATE, {**GOOD, "takes": "4"}, follow=True)
    started = Job.objects.exclude(take_batch=None)
    assert started.count() == 2
    html = response.content.decode()
    assert "2 of 4 takes started; the rest could not:" in html
    assert "jobs running" in html
    assert response.redirect_chain[-1][0] == reverse(
        "library:takes", args=[started.first().take_batch]
    )


def test_none_can_start_the_form_says_why(team, editor_client, settings):
    settings.WORKSPACE_MAX_RUNNING_JOBS = 1
    make_job(team.workspace, team.owner)
    response = editor_client.post(CREATE, {**GOOD, "takes": "2"})
    assert response.status_code == 400
    assert "jobs running" in response.content.decode()
    assert Job.objects.count() == 1


def test_a_spent_budget_starts_no_take(team, editor_client):
    team.workspace.monthly_budget = 0
    team.workspace.save()
    response = editor_client.post(CREATE, {**GOOD, "takes": "2"})
    assert response.status_code == 400
    assert not Job.objects.exists()


@pytest.fixture
def batch(team):
    """Three takes: two finished with a song, one still running."""
    import uuid

    batch = uuid.uuid4()
    songs = []
    for n in range(2):
        job = make_job(team.workspace, team.owner, status=JobStatus.SUCCESS, take_batch=batch)
        songs.append(make_song(team.workspace, team.owner, job=job, title=f"Take song {n}"))
    make_job(team.workspace, team.owner, take_batch=batch, progress=40)
    return batch, songs


def test_takes_side_by_side_and_the_one_poll(team, viewer_client, batch):
    batch_id, songs = batch
    url = reverse("library:takes", args=[batch_id])
    html = viewer_client.get(url).content.decode()
    for song in songs:
        assert f'data-song="{song.id}"' in html  # plays through the bar
    assert "running 40%" in html
    assert (
        reverse("library:keep_take", args=[batch_id, songs[0].id]) not in html
    )  # viewers only listen
    poll = viewer_client.get(url, headers={"HX-Request": "true"})
    assert poll.status_code == 200
    assert "<html" not in poll.content.decode()
    Job.objects.filter(take_batch=batch_id).update(status=JobStatus.FAILED)
    assert viewer_client.get(url, headers={"HX-Request": "true"}).status_code == 286


def test_roles_on_takes(team, viewer_client, outsider_client, batch):
    batch_id, songs = batch
    keep = reverse("library:keep_take", args=[batch_id, songs[0].id])
    assert outsider_client.get(reverse("library:takes", args=[batch_id])).status_code == 404
    assert outsider_client.post(keep).status_code == 404
    assert viewer_client.post(keep).status_code == 403
    assert viewer_client.post(CREATE, {**GOOD, "takes": "2"}).status_code == 403
    assert not Song.objects.filter(deleted_at__isnull=False).exists()


def test_keep_the_best_and_the_others_go_to_the_trash(team, editor_client, batch):
    batch_id, (best, other) = batch
    response = editor_client.post(reverse("library:keep_take", args=[batch_id, best.id]))
    assert response["Location"] == reverse("library:song", args=[best.id])
    best.refresh_from_db()
    other.refresh_from_db()
    assert best.favourite
    assert best.deleted_at is None
    assert other.deleted_at is not None
    assert "Take song 1" in editor_client.get(reverse("library:trash")).content.decode()
    # A song that is not one of the takes cannot be kept through this batch.
    stranger = make_song(team.workspace, team.owner)
    assert (
        editor_client.post(reverse("library:keep_take", args=[batch_id, stranger.id])).status_code
        == 404
    )


def test_use_these_settings_fills_create_in(team, editor_client):
    job = make_job(
        team.workspace,
        team.owner,
        status=JobStatus.SUCCESS,
        params={"sound_prompt": "glassy ambient pads", "weirdness": 0.9, "seed": "77"},
    )
    song = make_song(team.workspace, team.owner, job=job, title="Glass")
    song_page = editor_client.get(reverse("library:song", args=[song.id])).content.decode()
    assert f"{CREATE}?from={song.id}" in song_page
    html = editor_client.get(CREATE, {"from": str(song.id)}).content.decode()
    assert "glassy ambient pads</textarea>" in html
    assert 'value="0.9"' in html
    assert 'value="77"' in html
    assert 'value="Glass"' in html
    # A remix fills Create in from the song itself.
    extend = make_job(
        team.workspace, team.owner, action=Action.EXTEND, status=JobStatus.SUCCESS, parent=song
    )
    remix = make_song(
        team.workspace, team.owner, parent=song, job=extend, prompt="brighter", title="Glass 2"
    )
    assert (
        "brighter</textarea>" in editor_client.get(CREATE, {"from": str(remix.id)}).content.decode()
    )


def test_use_these_settings_roles_and_bad_input(
    team, editor_client, viewer_client, outsider_client
):
    song = make_song(team.workspace, team.owner)
    assert outsider_client.get(CREATE, {"from": str(song.id)}).status_code == 404
    assert viewer_client.get(CREATE, {"from": str(song.id)}).status_code == 403
    assert editor_client.get(CREATE, {"from": "not-a-uuid"}).status_code == 404


def test_the_poll_goes_on_until_the_takes_are_archived(team, viewer_client):
    """Finished takes whose files are still being copied in show a placeholder cover (no
    broken image) and the page keeps polling until the cover and waveform are ours."""
    import uuid

    batch_id = uuid.uuid4()
    job = make_job(team.workspace, team.owner, status=JobStatus.SUCCESS, take_batch=batch_id)
    song = make_song(
        team.workspace,
        team.owner,
        job=job,
        image_url="https://provider.example/cover.jpg",
        peaks=[],
        archive_status="pending",
    )
    url = reverse("library:takes", args=[batch_id])
    cover = reverse("library:song_media", args=[song.id, "image"])
    poll = viewer_client.get(url, headers={"HX-Request": "true"})
    assert poll.status_code == 200  # not 286: the page polls on
    html = poll.content.decode()
    assert cover not in html
    assert "wave-empty" in html
    Song.objects.filter(pk=song.pk).update(
        archive_status="done", image_file=f"ws/{team.workspace.pk}/x/cover.jpg", peaks=[0.5] * 40
    )
    poll = viewer_client.get(url, headers={"HX-Request": "true"})
    assert poll.status_code == 286
    html = poll.content.decode()
    assert f'<img src="{cover}"' in html
    assert "wave-empty" not in html


def test_keep_this_one_asks_first_and_says_what_happens(team, editor_client, batch):
    batch_id, (best, other) = batch
    html = editor_client.get(reverse("library:takes", args=[batch_id])).content.decode()
    assert '<details class="confirm">' in html
    assert "the other take goes to the trash, where it can be restored" in html
    best.refresh_from_db()
    other.refresh_from_db()
    assert other.deleted_at is None
