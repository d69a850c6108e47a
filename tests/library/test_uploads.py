"""Uploaded files: written only for a job that is taken, within the workspace's quota,
deleted once they belong to nothing and with their workspace."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from studio.jobs import sweep
from studio.models import Job, JobStatus
from tests.library.test_media_upload import WAV

UPLOAD = reverse("library:upload")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root) -> list:
    return [p for p in (root / "uploads").rglob("*") if p.is_file()]


def wav(name: str = "take.wav") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, WAV, content_type="audio/wav")


def test_an_upload_refused_by_the_running_cap_stores_nothing(team, editor_client, settings):
    settings.WORKSPACE_MAX_RUNNING_JOBS = 1
    Job.objects.create(workspace=team.workspace, action="music", status=JobStatus.ON_QUEUE)
    response = editor_client.post(UPLOAD, {"file": wav()})
    assert response.status_code == 400
    assert "jobs running" in response.content.decode()
    assert stored_files(settings.MEDIA_ROOT) == []
    assert Job.objects.count() == 1


def test_an_upload_refused_when_sent_deletes_its_file(team, editor_client, settings):
    settings.EMULATOR_ENABLED = False  # no key, no emulator: the job itself is refused
    settings.TTAPI_API_KEY = ""
    response = editor_client.post(UPLOAD, {"file": wav()})
    assert response.status_code == 400
    assert stored_files(settings.MEDIA_ROOT) == []


def test_an_accepted_upload_is_kept_and_counted(team, editor_client, owner_client, settings):
    assert editor_client.post(UPLOAD, {"file": wav()}).status_code == 302
    [path] = stored_files(settings.MEDIA_ROOT)
    assert path.read_bytes() == WAV
    html = owner_client.get(reverse("workspaces:workspace_usage")).content.decode()
    assert "Uploaded files" in html
    assert "of 1024 MB" in html


def test_the_upload_quota_refuses_a_file_beyond_it(team, editor_client, settings):
    settings.WORKSPACE_UPLOAD_QUOTA_BYTES = len(WAV) + 10
    assert editor_client.post(UPLOAD, {"file": wav("one.wav")}).status_code == 302
    response = editor_client.post(UPLOAD, {"file": wav("two.wav")})
    assert response.status_code == 400
    message = f"has used {len(WAV)} bytes of its {len(WAV) + 10} bytes for uploaded files"
    assert message in response.content.decode()
    assert len(stored_files(settings.MEDIA_ROOT)) == 1
    assert Job.objects.count() == 1


def test_the_sweep_deletes_uploads_that_belong_to_nothing(team, editor_client, settings):
    from studio.models import StoredUpload

    assert editor_client.post(UPLOAD, {"file": wav()}).status_code == 302
    kept = StoredUpload.objects.get()
    later = timezone.now() + timedelta(days=1)
    orphan = StoredUpload.objects.create(
        workspace=team.workspace, path="uploads/orphan/a/left.wav", size=3
    )
    default_storage.save(orphan.path, ContentFile(b"abc"))
    young = StoredUpload.objects.create(
        workspace=team.workspace, path="uploads/orphan/b/young.wav", size=3,
        created_at=later,
    )  # fmt: skip
    assert sweep.sweep(later)["uploads_deleted"] == 1
    assert not default_storage.exists(orphan.path)
    assert default_storage.exists(kept.path)
    assert set(StoredUpload.objects.values_list("pk", flat=True)) == {kept.pk, young.pk}
    Job.objects.filter(pk=kept.job_id).delete()  # its job gone: it belongs to nothing
    assert sweep.sweep(later)["uploads_deleted"] == 1
    assert not default_storage.exists(kept.path)


def test_deleting_a_workspace_deletes_its_uploads_and_zips(
    team, editor_client, owner_client, settings, django_capture_on_commit_callbacks
):
    from studio.library import zips
    from studio.models.projects import Project

    assert editor_client.post(UPLOAD, {"file": wav()}).status_code == 302
    assert len(stored_files(settings.MEDIA_ROOT)) == 1
    project = Project.objects.create(workspace=team.workspace, name="EP", created_by=team.owner)
    zips.build_zip.call(str(project.pk), [], zips.zip_name(project, []))
    assert len(list((settings.MEDIA_ROOT / "zips").rglob("*.zip"))) == 1
    url = reverse("workspaces:workspace_delete", args=[team.workspace.id])
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(url, {"confirm_name": team.workspace.name})
    assert response.status_code == 302
    assert stored_files(settings.MEDIA_ROOT) == []
    assert list((settings.MEDIA_ROOT / "zips").rglob("*.zip")) == []
