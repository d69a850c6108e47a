from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from studio.models import ActivityEvent, Job, Membership, Role, Song, Verb, Workspace


def settings_url(workspace) -> str:
    return reverse("workspaces:workspace_settings_for", args=[workspace.id])


def test_list_shows_each_workspace_with_the_role(viewer_client, team):
    r = viewer_client.get(reverse("workspaces:workspace_list"))
    assert r.status_code == 200
    text = r.content.decode()
    assert "alice&#x27;s studio" in text
    assert "carol&#x27;s studio" in text
    assert "Viewer" in text
    assert "Owner" in text


def test_create_makes_the_creator_owner_and_active(owner_client, team):
    assert owner_client.get(reverse("workspaces:workspace_create")).status_code == 200
    r = owner_client.post(reverse("workspaces:workspace_create"), {"name": "  Night   Shift "})
    workspace = Workspace.objects.get(name="Night Shift")
    assert r["Location"] == settings_url(workspace)
    assert Membership.objects.get(workspace=workspace).role == Role.OWNER
    team.owner.profile.refresh_from_db()
    assert team.owner.profile.current_workspace == workspace


def test_create_needs_a_name(owner_client, team):
    r = owner_client.post(reverse("workspaces:workspace_create"), {"name": "   "})
    assert r.status_code == 200
    assert b"This field is required" in r.content or b"Give the workspace a name" in r.content
    r = owner_client.post(reverse("workspaces:workspace_create"), {"name": "x" * 101})
    assert b"at most 100 characters" in r.content


def test_switch_is_remembered_and_returns_to_the_page(editor_client, team):
    own = Workspace.objects.get(memberships__user=team.editor, memberships__role=Role.OWNER)
    r = editor_client.post(
        reverse("workspaces:workspace_switch", args=[own.id]),
        HTTP_REFERER="http://testserver/workspaces/",
    )
    assert r["Location"] == "/workspaces/"  # back to the page, as a path on this site
    team.editor.profile.refresh_from_db()
    assert team.editor.profile.current_workspace == own
    # The page without an id now shows the chosen workspace.
    r = editor_client.get(reverse("workspaces:workspace_settings"))
    assert r.context["workspace"] == own


def test_switch_never_redirects_off_site(editor_client, team):
    r = editor_client.post(
        reverse("workspaces:workspace_switch", args=[team.workspace.id]),
        HTTP_REFERER="https://evil.example/phish",
    )
    assert r["Location"] == reverse("library:library")


def test_rename(owner_client, team):
    r = owner_client.post(settings_url(team.workspace), {"rename": "1", "name": "The Band"})
    assert r["Location"] == settings_url(team.workspace)
    team.workspace.refresh_from_db()
    assert team.workspace.name == "The Band"
    event = ActivityEvent.objects.get(verb=Verb.WORKSPACE_RENAMED)
    assert event.subject == "alice's studio → The Band"
    assert event.actor == team.owner


def test_rename_refuses_an_empty_name(owner_client, team):
    r = owner_client.post(settings_url(team.workspace), {"rename": "1", "name": ""})
    assert r.status_code == 200
    assert b"field-error" in r.content
    team.workspace.refresh_from_db()
    assert team.workspace.name == "alice's studio"


def test_an_unknown_settings_action_is_400(owner_client, team):
    assert owner_client.post(settings_url(team.workspace), {"other": "1"}).status_code == 400


def test_set_and_remove_the_api_key(owner_client, team, settings):
    settings.TTAPI_API_KEY = ""
    r = owner_client.get(settings_url(team.workspace))
    assert b"the built-in emulator" in r.content

    owner_client.post(settings_url(team.workspace), {"set_key": "1", "api_key": " tt-secret-0042 "})
    team.workspace.refresh_from_db()
    assert team.workspace.get_api_key() == "tt-secret-0042"
    assert team.workspace.api_key_hint == "••••0042"
    r = owner_client.get(settings_url(team.workspace))
    assert b"this workspace's key" in r.content
    assert "••••0042" in r.content.decode()

    owner_client.post(settings_url(team.workspace), {"remove_key": "1"})
    team.workspace.refresh_from_db()
    assert not team.workspace.has_api_key
    assert team.workspace.api_key_hint == ""
    settings.TTAPI_API_KEY = "site-wide-key-123"
    r = owner_client.get(settings_url(team.workspace))
    assert b"the site's key" in r.content
    subjects = list(
        ActivityEvent.objects.filter(verb=Verb.KEY_CHANGED).values_list("subject", flat=True)
    )
    assert subjects == ["removed", "set ••••0042"]


def test_a_bad_key_gets_a_form_error(owner_client, team):
    for bad in ("", "short", "has spaces inside it"):
        r = owner_client.post(settings_url(team.workspace), {"set_key": "1", "api_key": bad})
        assert r.status_code == 200
        assert b"field-error" in r.content
    team.workspace.refresh_from_db()
    assert not team.workspace.has_api_key


def test_an_unreadable_key_is_reported(owner_client, team, settings):
    team.workspace.set_api_key("tt-secret-0042")
    team.workspace.save()
    settings.FIELD_ENCRYPTION_KEY = "rotated"
    r = owner_client.get(settings_url(team.workspace))
    assert b"can no longer be decrypted" in r.content


def test_budget(owner_client, team):
    owner_client.post(settings_url(team.workspace), {"set_budget": "1", "monthly_budget": "1500"})
    team.workspace.refresh_from_db()
    assert team.workspace.monthly_budget == 1500
    assert b"1,500" in owner_client.get(settings_url(team.workspace)).content
    owner_client.post(settings_url(team.workspace), {"set_budget": "1", "monthly_budget": ""})
    team.workspace.refresh_from_db()
    assert team.workspace.monthly_budget is None
    subjects = ActivityEvent.objects.filter(verb=Verb.BUDGET_CHANGED).values_list(
        "subject", flat=True
    )
    assert list(subjects) == ["no limit", "1,500 credits a month"]


def test_a_bad_budget_gets_a_form_error(owner_client, team):
    for bad in ("-5", "lots", "1.5", "99999999999"):
        r = owner_client.post(
            settings_url(team.workspace), {"set_budget": "1", "monthly_budget": bad}
        )
        assert r.status_code == 200
        assert b"field-error" in r.content
    team.workspace.refresh_from_db()
    assert team.workspace.monthly_budget is None


def test_members_see_settings_read_only(viewer_client, team):
    r = viewer_client.get(reverse("workspaces:workspace_settings"))
    assert r.status_code == 200
    assert b"Only owners can change these settings" in r.content
    assert b'name="set_key"' not in r.content
    assert b'name="rename"' not in r.content


def test_delete_needs_the_typed_name(owner_client, team):
    url = reverse("workspaces:workspace_delete", args=[team.workspace.id])
    r = owner_client.get(url)
    assert r.status_code == 200
    assert b"cannot be undone" in r.content
    r = owner_client.post(url, {"confirm_name": "alice"})
    assert r.status_code == 200
    assert b"Type the name exactly" in r.content
    assert Workspace.objects.filter(pk=team.workspace.pk).exists()


def test_delete_removes_songs_jobs_and_files_and_lands_elsewhere(
    owner_client, team, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    other = Workspace.objects.create(name="Other")
    Membership.objects.create(workspace=other, user=team.owner, role=Role.VIEWER)
    job = Job.objects.create(workspace=team.workspace, action="music")
    song = Song.objects.create(workspace=team.workspace, job=job, music_id="m-1")
    song.audio_file.save("a.mp3", ContentFile(b"ID3"), save=True)
    name = song.audio_file.name
    assert default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        r = owner_client.post(
            reverse("workspaces:workspace_delete", args=[team.workspace.id]),
            {"confirm_name": "alice's studio"},
        )
    assert r["Location"] == reverse("library:library")
    assert not Workspace.objects.filter(pk=team.workspace.pk).exists()
    assert not Song.objects.filter(pk=song.pk).exists()
    assert not Job.objects.filter(pk=job.pk).exists()
    assert not default_storage.exists(name)
    # Everyone whose active workspace it was falls back to one of theirs.
    r = owner_client.get(reverse("workspaces:workspace_settings"))
    assert r.context["workspace"] == other
    r = team.client_for(team.viewer).get(reverse("workspaces:workspace_settings"))
    assert r.context["workspace"].name == "carol's studio"


def test_deleting_the_only_workspace_gives_a_fresh_one(outsider_client, team):
    own = Workspace.objects.get(memberships__user=team.outsider)
    outsider_client.post(
        reverse("workspaces:workspace_delete", args=[own.id]), {"confirm_name": own.name}
    )
    r = outsider_client.get(reverse("workspaces:workspace_settings"))
    assert r.status_code == 200
    assert r.context["workspace"].pk != own.pk
    assert r.context["role"] == Role.OWNER
