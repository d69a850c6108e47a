"""The song page: who sees what, every action panel, the family tree and the small edits."""

import pytest
from django.urls import reverse
from django.utils import timezone

from contract.producer import Action
from studio.models import ArchiveStatus, Asset, AssetKind, Job, JobStatus, Relation, Song
from tests.factories import make_job, make_song


def page(song: Song) -> str:
    return reverse("library:song", args=[song.id])


def act(song: Song, action: str) -> str:
    return reverse("library:song_action", args=[song.id, action])


REMIX_PANELS = ("extend", "replace", "cover", "variation", "vocals-swap", "instrumentals-swap")


@pytest.mark.parametrize("who", ["owner", "editor"])
def test_editors_see_every_action(team, who):
    song = make_song(team.workspace, team.owner, title="Seed")
    html = team.client_for(getattr(team, who)).get(page(song)).content.decode()
    for action in (*REMIX_PANELS, "stems", "download", "generate-video"):
        assert act(song, action) in html
    assert 'id="waveform"' in html
    assert 'id="song-peaks"' in html
    assert "wavesurfer-7.12.12.min.js" in html
    assert reverse("library:song_rename", args=[song.id]) in html
    assert reverse("library:song_delete", args=[song.id]) in html


def test_viewer_can_listen_and_download_only(team, viewer_client):
    song = make_song(team.workspace, team.owner)
    Asset.objects.create(song=song, workspace=team.workspace, kind=AssetKind.MP3, file="x.mp3")
    html = viewer_client.get(page(song)).content.decode()
    assert reverse("library:song_media", args=[song.id, "audio"]) in html
    assert "Download audio" in html
    assert ">MP3</a>" in html
    assert "/do/" not in html
    assert "song_rename" not in html
    assert "Delete this song" not in html
    assert "fav-btn" not in html


def test_outsider_and_anonymous(team, outsider_client, client):
    song = make_song(team.workspace, team.owner)
    assert outsider_client.get(page(song)).status_code == 404
    assert client.get(page(song)).status_code == 302
    assert outsider_client.post(act(song, "extend"), {"starts": "3"}).status_code == 404
    for name in ("library:song_favourite", "library:song_rename", "library:song_delete"):
        assert outsider_client.post(reverse(name, args=[song.id])).status_code == 404
    assert outsider_client.get(reverse("library:song_poll", args=[song.id])).status_code == 404


def test_viewer_posts_are_forbidden(team, viewer_client):
    song = make_song(team.workspace, team.owner)
    for action in (*REMIX_PANELS, "stems", "download", "generate-video"):
        assert viewer_client.post(act(song, action), {"sound_prompt": "x"}).status_code == 403
    for name in ("library:song_favourite", "library:song_rename", "library:song_delete"):
        assert viewer_client.post(reverse(name, args=[song.id]), {"title": "x"}).status_code == 403
    job = make_job(team.workspace, team.owner, status=JobStatus.FAILED)
    assert viewer_client.post(reverse("library:job_retry", args=[job.id])).status_code == 403
    assert viewer_client.post(reverse("library:job_check", args=[job.id])).status_code == 403
    assert not Job.objects.filter(parent=song).exists()
    song.refresh_from_db()
    assert song.deleted_at is None
    assert not song.favourite


def test_deleted_song_page_is_gone(team, owner_client):
    song = make_song(team.workspace, team.owner, deleted_at=timezone.now())
    assert owner_client.get(page(song)).status_code == 404


@pytest.mark.parametrize(
    ("action", "data", "expected"),
    [
        ("extend", {"sound_prompt": "more", "starts": "42.5"}, {"starts": 42.5}),
        ("replace", {"lyrics_text": "new words", "starts": "10", "ends": "20"}, {"ends": 20.0}),
        ("cover", {"sound_prompt": "as jazz", "mv": "FUZZ-2.0"}, {"sound_prompt": "as jazz"}),
        ("variation", {}, {}),
        ("vocals-swap", {"sound_prompt": "male", "cover_strength": "0.6"}, {"cover_strength": 0.6}),
        ("instrumentals-swap", {"sound_prompt": "rock", "cover_strength": "1"}, {}),
        ("stems", {}, {}),
        ("download", {"format": "wav"}, {"format": "wav"}),
        ("generate-video", {"preset": "modern"}, {"preset": "modern"}),
    ],
)
def test_each_action_submits_a_job_on_the_song(team, editor_client, action, data, expected):
    song = make_song(team.workspace, team.owner, music_id="parent-music-id")
    response = editor_client.post(act(song, action), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].startswith(page(song))
    job = Job.objects.get(parent=song)
    assert job.action == action
    assert job.user == team.editor
    assert job.params["music_id"] == "parent-music-id"
    for key, value in expected.items():
        assert job.params[key] == value
    html = editor_client.get(page(song)).content.decode()
    assert 'id="song-jobs"' in html
    assert "In progress" in html
    assert reverse("library:song_poll", args=[song.id]) in html


def test_bad_fields_are_shown_in_their_panel(team, editor_client):
    song = make_song(team.workspace, team.owner)
    response = editor_client.post(
        act(song, "replace"), {"sound_prompt": "x", "starts": "30", "ends": "10"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Must be after the start." in html
    assert 'id="panel-replace" open' in html
    response = editor_client.post(act(song, "extend"), {"starts": "5"})
    assert "Write a sound prompt or lyrics" in response.content.decode()
    assert editor_client.post(act(song, "music"), {}).status_code == 404
    assert editor_client.post(act(song, "nonsense"), {}).status_code == 404
    assert not Job.objects.filter(parent=song).exists()


def test_unfinished_parent_is_refused_with_a_reason(team, editor_client):
    running = make_job(team.workspace, team.owner)
    song = make_song(team.workspace, team.owner, job=running)
    response = editor_client.post(act(song, "variation"))
    assert response.status_code == 400
    assert "has not finished yet" in response.content.decode()


def test_switched_off_actions_are_shown_disabled(team, editor_client, settings):
    settings.TTAPI_DISABLED_ACTIONS = {"variation": "Variation was retired upstream (410)."}
    song = make_song(team.workspace, team.owner)
    html = editor_client.get(page(song)).content.decode()
    assert "Variation was retired upstream (410)." in html
    assert act(song, "variation") not in html
    assert act(song, "cover") in html
    response = editor_client.post(act(song, "variation"))
    assert response.status_code == 400
    assert not Job.objects.filter(parent=song).exists()


def test_family_tree_shows_ancestors_descendants_and_deleted_nodes(team, owner_client):
    root = make_song(team.workspace, team.owner, title="Root")
    child = make_song(team.workspace, team.owner, parent=root, title="Child")
    grandchild = make_song(
        team.workspace, team.owner, parent=child, relation=Relation.COVER, title="Grandchild"
    )
    make_song(team.workspace, team.owner, parent=root, title="Sibling")
    make_song(team.workspace, team.owner, parent=child, title="Removed", deleted_at=timezone.now())
    html = owner_client.get(page(child)).content.decode()
    tree = html[html.index('id="family"') :]
    tree = tree[: tree.index("</section>")]
    assert f'<a href="{page(root)}" title="Root">Root</a>' in tree
    assert '<strong aria-current="page" title="Child">Child</strong>' in tree
    assert f'<a href="{page(grandchild)}" title="Grandchild">Grandchild</a>' in tree
    assert "Removed <small>(deleted)</small>" in tree
    assert "Sibling" not in tree  # ancestors and descendants, not cousins
    assert tree.index("Root") < tree.index("Child") < tree.index("Grandchild")
    assert "Cover" in tree
    assert "2:00" in tree
    assert 'class="here"' in tree
    # Each node: its connectors, a play button (not for deleted ones), relation, duration.
    rows = tree.split('<li class="node')[1:]
    assert [row.count('class="g g-') for row in rows] == [0, 1, 2, 2]
    assert "g-tee" in rows[2]
    assert "g-elbow" in rows[3]
    assert [("tree-play" in row) for row in rows] == [True, True, True, False]


def test_family_tree_connectors_line_up(team):
    from studio.library.views.songs import family_tree

    root = make_song(team.workspace, team.owner, title="R")
    a = make_song(team.workspace, team.owner, parent=root, title="A")
    make_song(team.workspace, team.owner, parent=a, title="A1")
    make_song(team.workspace, team.owner, parent=root, title="B")
    drawn = [(n.song.title, n.guides) for n in family_tree(root)]
    assert drawn == [
        ("R", []),
        ("A", ["tee"]),
        ("A1", ["pipe", "elbow"]),  # the line to B passes A1
        ("B", ["elbow"]),
    ]


def test_ab_compare_with_the_parent(team, owner_client):
    root = make_song(team.workspace, team.owner, title="Root")
    child = make_song(team.workspace, team.owner, parent=root)
    html = owner_client.get(page(child)).content.decode()
    assert 'id="ab-b"' in html
    assert reverse("library:song_media", args=[root.id, "audio"]) in html
    assert 'id="ab-a"' not in owner_client.get(page(root)).content.decode()


def test_files_panel_lists_stems_downloads_and_video(team, owner_client):
    song = make_song(team.workspace, team.owner)
    for label in ("Vocals", "Drums"):
        Asset.objects.create(song=song, workspace=team.workspace, kind=AssetKind.STEM, label=label)
    mp3 = Asset.objects.create(song=song, workspace=team.workspace, kind=AssetKind.MP3)
    video = Asset.objects.create(song=song, workspace=team.workspace, kind=AssetKind.VIDEO)
    html = owner_client.get(page(song)).content.decode()
    assert html.count('class="stem-label"') == 2
    assert "Download the Vocals stem" in html
    assert f"{reverse('library:asset_media', args=[mp3.id])}?download=1" in html
    assert (
        f'<video controls preload="none" src="{reverse("library:asset_media", args=[video.id])}"'
        in html
    )
    assert "Prepare WAV" in html
    assert "Prepare MP3" not in html
    assert "Split into stems" not in html


def test_song_poll_refreshes_panels_when_a_job_finishes(team, owner_client):
    song = make_song(team.workspace, team.owner)
    job = make_job(team.workspace, team.owner, action=Action.STEMS, parent=song, progress=20)
    poll = reverse("library:song_poll", args=[song.id])
    seen = f"{job.id}:{job.status}:{job.progress}"
    response = owner_client.get(poll, {"j": seen})
    assert response.status_code == 200
    assert response.content == b""
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCESS, progress=100)
    Asset.objects.create(song=song, workspace=team.workspace, kind=AssetKind.STEM, label="Bass")
    response = owner_client.get(poll, {"j": seen})
    html = response.content.decode()
    assert response.status_code == 286
    assert 'id="files" class="files" aria-labelledby="files-title" hx-swap-oob="true"' in html
    assert "Bass" in html
    assert 'id="family"' in html
    assert 'id="song-jobs"' in html


def test_favourite_rename_delete(team, editor_client):
    root = make_song(team.workspace, team.owner, title="Old")
    child = make_song(team.workspace, team.owner, parent=root)
    fav = reverse("library:song_favourite", args=[root.id])
    response = editor_client.post(fav, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'aria-pressed="true"' in response.content.decode()
    root.refresh_from_db()
    assert root.favourite
    editor_client.post(fav)
    root.refresh_from_db()
    assert not root.favourite
    for _ in range(2):  # asking twice for the same state is the same as asking once
        editor_client.post(fav, {"on": "1"}, headers={"HX-Request": "true"})
    root.refresh_from_db()
    assert root.favourite
    html = editor_client.post(fav, {"on": "1"}, headers={"HX-Request": "true"}).content.decode()
    assert """hx-vals='{"on": "0"}'""" in html
    editor_client.post(fav, {"on": "0"})
    root.refresh_from_db()
    assert not root.favourite

    editor_client.post(reverse("library:song_rename", args=[root.id]), {"title": "New name"})
    root.refresh_from_db()
    assert root.title == "New name"
    response = editor_client.post(reverse("library:song_rename", args=[root.id]), {"title": ""})
    assert response.status_code == 302
    root.refresh_from_db()
    assert root.title == "New name"

    response = editor_client.post(reverse("library:song_delete", args=[root.id]))
    assert response.status_code == 302
    root.refresh_from_db()
    child.refresh_from_db()
    assert root.deleted_at is not None
    assert child.parent_id == root.id
    assert child.deleted_at is None
    assert "(deleted)" in editor_client.get(page(child)).content.decode()


def test_retry_and_check_again(team, editor_client, monkeypatch):
    from studio.jobs import lifecycle as jobs

    failed = make_job(team.workspace, team.owner, status=JobStatus.FAILED, error="Boom")
    response = editor_client.post(reverse("library:job_retry", args=[failed.id]))
    assert response.status_code == 302
    again = Job.objects.exclude(pk=failed.pk).get()
    assert again.params == failed.params
    assert again.status == JobStatus.SUBMITTING

    unknown = make_job(team.workspace, team.owner, status=JobStatus.UNKNOWN)
    checked = []

    def fake_reconcile(job):
        checked.append(job.pk)
        Job.objects.filter(pk=job.pk).update(status=JobStatus.ON_QUEUE)
        job.refresh_from_db()
        return job

    monkeypatch.setattr(jobs, "reconcile", fake_reconcile)
    response = editor_client.post(reverse("library:job_check", args=[unknown.id]), follow=True)
    assert checked == [unknown.pk]
    assert "Checked" in response.content.decode()


@pytest.mark.parametrize(
    ("action", "fields", "field"),
    [
        ("extend", {"sound_prompt": "more", "starts": "999"}, "starts"),
        ("replace", {"sound_prompt": "x", "starts": "120"}, "starts"),
        ("replace", {"sound_prompt": "x", "starts": "10", "ends": "130"}, "ends"),
    ],
)
def test_times_past_the_song_are_refused_on_the_form(team, editor_client, action, fields, field):
    song = make_song(team.workspace, team.owner, duration=120.0)
    response = editor_client.post(act(song, action), fields)
    html = response.content.decode()
    assert response.status_code == 400
    assert "The song is 2:00 (120.00 s) long" in html
    assert f'id="panel-{action}" open' in html
    assert not Job.objects.filter(parent=song).exists()
    # Up to the end is fine for an extend point and the end of a section.
    ok = {**fields, field: "120"} if field != "starts" or action == "extend" else None
    if ok:
        assert editor_client.post(act(song, action), ok).status_code == 302


def test_retry_of_bad_values_opens_the_form_with_them(team, editor_client):
    song = make_song(team.workspace, team.owner, duration=120.0)
    failed = make_job(
        team.workspace,
        team.owner,
        action=Action.EXTEND,
        parent=song,
        status=JobStatus.FAILED,
        params={"music_id": song.music_id, "sound_prompt": "more", "starts": 999.0},
        error="Parameter error: starts must be less than the song's length (120.00 s).",
    )
    response = editor_client.post(reverse("library:job_retry", args=[failed.id]))
    assert response.status_code == 302
    assert response["Location"] == f"{page(song)}?retry={failed.id}#panel-extend"
    assert Job.objects.filter(parent=song).count() == 1  # nothing sent again
    html = editor_client.get(response["Location"]).content.decode()
    assert 'id="panel-extend" open' in html
    assert 'value="999.0"' in html
    assert "The song is 2:00" in html


def test_retry_refused_for_its_parameters_opens_the_form(team, editor_client):
    song = make_song(team.workspace, team.owner, duration=120.0)
    failed = make_job(
        team.workspace,
        team.owner,
        action=Action.COVER,
        parent=song,
        status=JobStatus.FAILED,
        params={"music_id": song.music_id, "sound_prompt": "jazz"},
        error="Parameter error",
    )
    response = editor_client.post(reverse("library:job_retry", args=[failed.id]), follow=True)
    html = response.content.decode()
    assert Job.objects.filter(parent=song).count() == 1
    assert 'id="panel-cover" open' in html
    assert "refused these settings" in html
    # A stranger's or a broken job id is just ignored.
    assert editor_client.get(page(song) + "?retry=nonsense").status_code == 200


def test_every_video_is_shown_by_style_newest_first(team, owner_client):
    from datetime import timedelta

    song = make_song(team.workspace, team.owner)
    start = timezone.now() - timedelta(hours=3)
    made = {}
    for hours, preset in enumerate(["simple", "modern", "player"]):
        made[preset] = Asset.objects.create(
            song=song,
            workspace=team.workspace,
            kind=AssetKind.VIDEO,
            label=preset,
            file=f"{preset}.mp4",
            created_at=start + timedelta(hours=hours),
        )
    html = owner_client.get(page(song)).content.decode()
    spots = [html.index(reverse("library:asset_media", args=[made[p].id])) for p in made]
    assert spots[2] < spots[1] < spots[0]  # newest first
    for preset in ("Simple", "Modern", "Player"):
        assert f"<strong>{preset}</strong> style" in html


def test_the_archived_mp3_downloads_free_and_is_never_bought_again(team, editor_client):
    song = make_song(team.workspace, team.owner, audio_file="songs/a/take.mp3")
    html = editor_client.get(page(song)).content.decode()
    assert (
        f'{reverse("library:song_media", args=[song.id, "audio"])}?download=1" role="button"'
        in html
    )
    assert "Prepare MP3" not in html
    assert "Prepare WAV <small" in html
    response = editor_client.post(act(song, "download"), {"format": "mp3"})
    assert response.status_code == 400
    assert "already holds this file" in response.content.decode()
    assert not Job.objects.filter(parent=song).exists()
    # Without an archived copy the paid preparation is offered, with its cost.
    bare = make_song(team.workspace, team.owner)
    html = editor_client.get(page(bare)).content.decode()
    assert "Prepare MP3 <small" in html
    assert "≈ 1 credit" in html


def test_each_action_shows_its_cost_and_the_budget_left(team, editor_client, settings):
    settings.TTAPI_API_KEY = "real-key"
    team.workspace.monthly_budget = 100
    team.workspace.save()
    make_job(team.workspace, team.owner, status=JobStatus.SUCCESS, quota=40)
    song = make_song(team.workspace, team.owner)
    html = editor_client.get(page(song)).content.decode()
    assert "Extend <small" in html
    assert "≈ 3 credits" in html
    assert "Make a video <small" in html
    assert "· free</small>" in html
    assert "<strong>60</strong> of 100 credits left this month" in html
    assert "nothing costs money" not in html
    html = editor_client.get(reverse("library:create")).content.decode()
    assert "<strong>60</strong> of 100 credits left" in html
    assert "Create <small" in html
    settings.TTAPI_API_KEY = ""
    html = editor_client.get(reverse("library:create")).content.decode()
    assert "On the built-in emulator nothing costs money." in html


def test_create_says_the_budget_is_spent_before_submitting(team, editor_client):
    team.workspace.monthly_budget = 10
    team.workspace.save()
    make_job(team.workspace, team.owner, status=JobStatus.SUCCESS, quota=9)
    html = editor_client.get(reverse("library:create")).content.decode()
    assert "The monthly budget is spent" in html
    assert '<button type="submit" class="big" disabled>' in html


def test_a_remix_under_its_parents_title_is_told_apart(team):
    from studio.jobs.lifecycle import apply_result

    song = make_song(team.workspace, team.owner, title="Aurora")
    job = make_job(
        team.workspace, team.owner, action=Action.VARIATION, parent=song, params={}, progress=0
    )
    body = {
        "status": "SUCCESS",
        "data": {
            "jobId": "p-var",
            "action": "variation",
            "progress": "100%",
            "musics": [{"musicId": "m-var", "title": "Aurora", "audioUrl": "https://cdn/v.mp3"}],
        },
    }
    apply_result(job, body)
    assert job.songs.get().title == "Aurora · variation"


def test_song_page_follows_its_file_being_copied_in(team, owner_client):
    song = make_song(team.workspace, team.owner, archive_status=ArchiveStatus.PENDING)
    poll = reverse("library:song_poll", args=[song.id])
    html = owner_client.get(page(song)).content.decode()
    # No job runs, yet the page polls: the download shows once the file is in.
    assert poll in html
    assert 'name="copy" value="pending"' in html
    assert "being copied into the studio" in html
    assert "No MP3 or WAV" not in html
    response = owner_client.get(poll, {"copy": "pending"})
    assert response.status_code == 200
    assert response.content == b""
    Song.objects.filter(pk=song.pk).update(
        archive_status=ArchiveStatus.DONE, audio_file=f"songs/{song.pk}/song.mp3"
    )
    response = owner_client.get(poll, {"copy": "pending"})
    html = response.content.decode()
    assert response.status_code == 286
    assert 'hx-swap-oob="true"' in html
    assert ">MP3</a>" in html
    assert "being copied" not in html


def test_song_page_says_why_its_file_could_not_be_copied(team, owner_client):
    song = make_song(
        team.workspace,
        team.owner,
        archive_status=ArchiveStatus.FAILED,
        archive_error="The file is larger than 200 MB. Gave up after 1 attempt.",
    )
    html = owner_client.get(page(song)).content.decode()
    assert "own file could not be copied into the studio. The file is larger than 200 MB." in html
