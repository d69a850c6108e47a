"""A real key sent to the emulator (TTAPI_BASE_URL pointed at it) is never kept in clear."""

from django.contrib.auth.models import User
from django.test import Client as DjangoClient

from emulator.models import Job, charged_total
from tests.emulator.helpers import submit

SECRET = "sk-live-very-secret-key-0123456789"


def test_the_key_is_stored_as_a_digest_and_not_shown_in_the_admin(emulator):
    job_id = submit(emulator.http(), "lyrics", {"prompt": "rain"}, key=SECRET)
    emulator.finish_all()
    stored = Job.objects.values_list("key_digest", flat=True).get(pk=job_id)
    assert SECRET not in stored
    assert len(stored) == 64
    assert charged_total(SECRET) > 0  # still counted per key

    staff = User.objects.create_superuser("root", "root@example.com", "pw-0123456789")
    admin = DjangoClient()
    admin.force_login(staff)
    for url in ("/admin/emulator/job/", f"/admin/emulator/job/{job_id}/change/"):
        page = admin.get(url)
        assert page.status_code == 200
        assert SECRET not in page.content.decode()
