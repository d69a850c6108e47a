"""Reviews: timed comments and replies, who may resolve and set the status, @mentions
(mail and the unread count), and the status on cards and in the library filter."""

import pytest
from django.urls import reverse

from studio.models import ActivityEvent, Comment, Mention, ReviewStatus, Verb
from studio.reviews.forms import parse_time
from tests.factories import make_song


@pytest.fixture
def song(team):
    return make_song(team.workspace, team.owner, title="Night Drive", duration=180.0)


def post(client, song, **data):
    return client.post(reverse("reviews:comment_post", args=[song.id]), data)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("", None), ("72", 72.0), ("1:12", 72.0), ("0:05.5", 5.5), ("72.25", 72.25)],
)
def test_times_are_read_as_seconds_or_minutes(text, seconds):
    assert parse_time(text) == seconds


@pytest.mark.parametrize("text", ["1:75", "abc", "-3", "1:2:3", "1e3"])
def test_bad_times_are_refused(text):
    with pytest.raises(ValueError):
        parse_time(text)


def test_a_timed_comment_shows_as_a_marker_and_in_the_thread(team, song, viewer_client):
    response = post(
        viewer_client, song, body="The snare at the chorus is off", at="1:12", end="1:20"
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.id}")
    assert (comment.at_seconds, comment.end_seconds, comment.author) == (72.0, 80.0, team.viewer)
    html = viewer_client.get(reverse("library:song", args=[song.id])).content.decode()
    assert 'data-at="72.000"' in html
    assert 'data-end="80.000"' in html
    assert "The snare at the chorus is off" in html
    assert "1:12\u20131:20" in html


def test_replies_hang_on_the_thread_and_carry_no_time(team, song, owner_client, editor_client):
    post(owner_client, song, body="Too loud here", at="30")
    first = Comment.objects.get()
    post(editor_client, song, body="Fixed in the next take", parent=str(first.id), at="50")
    reply = Comment.objects.exclude(pk=first.pk).get()
    post(owner_client, song, body="Thanks", parent=str(reply.id))
    assert Comment.objects.filter(parent=first).count() == 2
    assert reply.at_seconds is None
    html = owner_client.get(reverse("library:song", args=[song.id])).content.decode()
    assert html.count("data-at=") == 1


def test_bad_comments_get_a_form_with_the_reason(team, song, editor_client):
    cases = [
        ({"body": ""}, "Write something first."),
        ({"body": "x", "at": "soon"}, "minutes:seconds"),
        ({"body": "x", "at": "10", "end": "5"}, "must end after it starts"),
        ({"body": "x", "end": "5"}, "needs its start"),
        ({"body": "x", "at": "9:00"}, "only 180 seconds long"),
        ({"body": "x" * 2001}, "at most 2000"),
    ]
    for data, message in cases:
        response = post(editor_client, song, **data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    assert post(editor_client, song, body="x", parent="not-an-id").status_code == 404
    assert not Comment.objects.exists()


def test_outsiders_see_and_post_nothing(team, song, outsider_client, owner_client):
    post(owner_client, song, body="Mine")
    comment = Comment.objects.get()
    assert post(outsider_client, song, body="Hi").status_code == 404
    assert (
        outsider_client.post(reverse("reviews:comment_resolve", args=[comment.id])).status_code
        == 404
    )
    response = outsider_client.post(
        reverse("reviews:review_status", args=[song.id]), {"status": "approved"}
    )
    assert response.status_code == 404
    assert Comment.objects.count() == 1


def test_viewers_resolve_their_own_threads_only(team, song, owner_client, viewer_client):
    post(owner_client, song, body="Owner's note")
    post(viewer_client, song, body="Viewer's note")
    owners, viewers = Comment.objects.order_by("created_at")
    assert (
        viewer_client.post(reverse("reviews:comment_resolve", args=[owners.id])).status_code == 403
    )
    assert (
        viewer_client.post(reverse("reviews:comment_resolve", args=[viewers.id])).status_code == 302
    )
    owners.refresh_from_db()
    viewers.refresh_from_db()
    assert owners.resolved_at is None
    assert viewers.resolved_by == team.viewer


def test_a_viewer_cannot_resolve_a_thread_through_their_own_reply(
    team, song, owner_client, viewer_client
):
    post(owner_client, song, body="Owner's note")
    thread = Comment.objects.get()
    post(viewer_client, song, body="A reply", parent=str(thread.id))
    reply = Comment.objects.get(parent=thread)
    assert (
        viewer_client.post(reverse("reviews:comment_resolve", args=[reply.id])).status_code == 403
    )
    thread.refresh_from_db()
    assert thread.resolved_at is None


def test_editors_resolve_and_reopen_any_thread(team, song, viewer_client, editor_client):
    post(viewer_client, song, body="Note", at="10")
    comment = Comment.objects.get()
    editor_client.post(reverse("reviews:comment_resolve", args=[comment.id]))
    comment.refresh_from_db()
    assert comment.resolved_by == team.editor
    html = editor_client.get(reverse("library:song", args=[song.id])).content.decode()
    assert "Reopen" in html
    assert "data-at=" not in html
    editor_client.post(reverse("reviews:comment_resolve", args=[comment.id]), {"resolved": "0"})
    comment.refresh_from_db()
    assert comment.resolved_at is None


def test_status_is_set_by_editors_and_recorded(team, song, editor_client, viewer_client):
    url = reverse("reviews:review_status", args=[song.id])
    assert viewer_client.post(url, {"status": "approved"}).status_code == 403
    assert editor_client.post(url, {"status": "nonsense"}).status_code == 400
    assert editor_client.post(url, {"status": "approved"}).status_code == 302
    editor_client.post(url, {"status": "approved"})  # unchanged: recorded once
    song.refresh_from_db()
    assert song.review_status == ReviewStatus.APPROVED
    event = ActivityEvent.objects.get(verb=Verb.REVIEW_STATUS)
    assert event.actor == team.editor
    assert event.song == song
    assert "Approved" in event.subject
    activity = editor_client.get(reverse("workspaces:workspace_activity")).content.decode()
    assert "review status" in activity


def test_cards_show_status_and_open_threads_and_the_filter_finds_them(team, editor_client):
    approved = make_song(team.workspace, team.owner, title="Approved one")
    draft = make_song(team.workspace, team.owner, title="Draft one")
    editor_client.post(reverse("reviews:review_status", args=[approved.id]), {"status": "approved"})
    post(editor_client, approved, body="One")
    post(editor_client, approved, body="Two")
    post(editor_client, approved, body="Done")
    done = Comment.objects.get(body="Done")
    editor_client.post(reverse("reviews:comment_resolve", args=[done.id]))
    html = editor_client.get(reverse("library:library")).content.decode()
    assert "Approved</span>" in html
    assert ">2 comments</span>" in html
    filtered = editor_client.get(
        reverse("library:library"), {"review": "approved"}
    ).content.decode()
    assert "Approved one" in filtered
    assert "Draft one" not in filtered
    drafts = editor_client.get(reverse("library:library"), {"review": "draft"}).content.decode()
    assert "Draft one" in drafts
    assert "Approved one" not in drafts
    assert draft.review_status == ReviewStatus.DRAFT


def test_mentions_mail_the_named_members_and_count_as_unread(
    team, song, editor_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(editor_client, song, body="@carol and @Alice, listen at 0:30. @bob @nobody", at="30")
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.com", "carol@example.com"]
    mail = next(m for m in mailoutbox if m.to == ["carol@example.com"])
    assert "bob mentioned you" in mail.subject
    assert "Night Drive" in mail.subject
    comment = Comment.objects.get()
    assert f"/songs/{song.id}/#comment-{comment.id}" in mail.body
    assert set(Mention.objects.values_list("user__username", flat=True)) == {"alice", "carol"}

    viewer = team.client_for(team.viewer)
    library = viewer.get(reverse("library:library")).content.decode()
    assert 'aria-label="Mentions, 1 unread"' in library
    mentions = viewer.get(reverse("reviews:mention_list")).content.decode()
    assert "listen at 0:30" in mentions
    assert '<strong class="mention">@carol</strong>' in mentions
    viewer.get(reverse("library:song", args=[song.id]))  # opening the song reads it
    assert 'aria-label="Mentions"' in viewer.get(reverse("library:library")).content.decode()
    owner = team.client_for(team.owner)
    assert (
        'aria-label="Mentions, 1 unread"' in owner.get(reverse("library:library")).content.decode()
    )
    owner.post(reverse("reviews:mentions_read"))
    assert not Mention.objects.filter(read_at__isnull=True).exists()


def test_outsiders_are_not_mentioned_and_removed_members_lose_the_count(
    team, song, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(owner_client, song, body="@mallory @bob")
    assert [m.to for m in mailoutbox] == [["bob@example.com"]]
    team.workspace.memberships.filter(user=team.editor).delete()
    from studio.reviews.comments import unread_count

    assert unread_count(team.editor) == 0


def test_comment_text_is_escaped(team, song, owner_client):
    post(owner_client, song, body="<script>alert(1)</script> @bob")
    html = owner_client.get(reverse("library:song", args=[song.id])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_invalid_comment_time_stays_on_the_song_page(team, song, editor_client):
    """The song page itself comes back, the words kept and the reason next to the time."""
    response = post(editor_client, song, body="Lovely bridge", at="soon")
    assert response.status_code == 400
    assert response.templates[0].name == "library/song.html"
    html = response.content.decode()
    assert 'id="waveform"' in html
    assert "Lovely bridge</textarea>" in html
    assert 'name="at" id="id_at" value="soon"' in html
    assert 'aria-invalid="true"' in html
    first = Comment.objects.create(song=song, author=team.owner, body="Intro too long")
    reply = post(editor_client, song, body="Agreed", at="later", parent=str(first.id))
    assert reply.status_code == 400
    assert f'name="parent" value="{first.id}"' in reply.content.decode()
    assert Comment.objects.count() == 1
