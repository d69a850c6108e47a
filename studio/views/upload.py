"""Upload own audio: from a URL, or a file the studio keeps and lends to the provider by an
unguessable, expiring signed link. The result becomes a root song."""

import mimetypes
import os
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import get_valid_filename
from django.views.decorators.http import require_http_methods, require_safe

from contract.producer import Action
from studio.access import current_workspace, require_editor
from studio.ranges import ranged_response
from studio.song_forms import UploadForm, submit
from studio.ttapi import switches

LINK_SALT = "studio.upload-link"
# The provider fetches an upload within minutes; a few days leaves room for retries.
LINK_MAX_AGE = 3 * 24 * 3600


def store_upload(workspace_id, upload) -> str:
    name = get_valid_filename(os.path.basename(upload.name))[-80:] or "audio"
    return default_storage.save(f"uploads/{workspace_id}/{uuid.uuid4().hex}/{name}", upload)


def signed_link(request: HttpRequest, path: str) -> str:
    """An absolute URL to the stored file, readable without logging in until it expires."""
    token = signing.dumps(path, salt=LINK_SALT, compress=True)
    relative = reverse("upload_file", args=[token])
    base = settings.PUBLIC_BASE_URL
    return f"{base}{relative}" if base else request.build_absolute_uri(relative)


@require_http_methods(["GET", "POST"])
@login_required
def upload(request: HttpRequest) -> HttpResponse:
    workspace, role = current_workspace(request)
    require_editor(role)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            audio_url = form.cleaned_data["audio_url"]
            if form.cleaned_data["file"]:
                audio_url = signed_link(
                    request, store_upload(workspace.id, form.cleaned_data["file"])
                )
            params = {"audio_url": audio_url}
            if submit(form, Action.UPLOAD, params, workspace=workspace, user=request.user):
                messages.success(request, "Uploading: the song appears below once it is in.")
                return redirect("library")
    context = {
        "form": form,
        "off": switches.disabled_reason(Action.UPLOAD),
        "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        "nav": "upload",
    }
    return render(request, "studio/upload.html", context, status=status)


@require_safe
def upload_file(request: HttpRequest, token: str) -> HttpResponse:
    """The provider's way in: no session, only a valid, unexpired signature."""
    try:
        path = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        raise Http404("This link is invalid or has expired.") from None
    if not isinstance(path, str) or not path.startswith("uploads/") or ".." in path:
        raise Http404
    try:
        handle = default_storage.open(path, "rb")
        size = default_storage.size(path)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return ranged_response(request, handle, size, content_type)
