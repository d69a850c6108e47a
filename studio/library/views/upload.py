"""Upload own audio: from a URL, or a file the studio keeps and lends to the provider by an
unguessable, expiring signed link. The result becomes a root song."""

import os

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

import outbound
from contract.producer import Action
from studio.jobs.ttapi import switches
from studio.lib.numbers import strict_int
from studio.library import uploads
from studio.library.files import serve_file
from studio.library.forms import UploadForm, submit
from studio.workspaces.access import current_workspace, require_editor

LINK_SALT = "studio.upload-link"
# The provider fetches an upload within minutes; a few days leaves room for retries.
LINK_MAX_AGE = 3 * 24 * 3600


def signed_link(request: HttpRequest, path: str, name: str = "") -> str:
    """An absolute URL to the stored file, readable without logging in until it expires.
    It ends with the file's name as the user had it: the song is titled after it."""
    token = signing.dumps(path, salt=LINK_SALT, compress=True)
    name = os.path.basename(name).strip()[:120]
    if name:
        relative = reverse("library:upload_file_named", args=[token, name])
    else:
        relative = reverse("library:upload_file", args=[token])
    base = settings.PUBLIC_BASE_URL
    return f"{base}{relative}" if base else request.build_absolute_uri(relative)


# Room for the multipart framing and the form's other fields around the file itself.
FORM_OVERHEAD = 64 * 1024


class CappedUpload(FileUploadHandler):
    """Stops reading the body once a file passes the limit (the form then says so)."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


@csrf_exempt  # checked in `_upload`: CSRF reads the body, so the limits come first
def upload(request: HttpRequest) -> HttpResponse:
    """Refuse a body over the limit from its Content-Length, before reading any of it."""
    limit = settings.UPLOAD_MAX_BYTES
    declared = strict_int(request.META.get("CONTENT_LENGTH"), digits=19) or 0
    if request.method == "POST" and declared > limit + FORM_OVERHEAD:
        size = outbound.size_text(limit)
        context = {"exception": f"The file is over the limit of {size}.", "upload_limit": size}
        # No `Connection: close`: a hop-by-hop header is the server's to set (the dev
        # server answers one from the application with a 500; gunicorn drops it).
        return render(request, "413.html", context, status=413)
    capped = CappedUpload(request, limit)
    request.upload_handlers.insert(0, capped)
    return _upload(request, capped)


@csrf_protect
@require_http_methods(["GET", "POST"])
@login_required
def _upload(request: HttpRequest, capped: CappedUpload) -> HttpResponse:
    workspace, role = current_workspace(request)
    require_editor(role)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    status = 200
    if request.method == "POST":
        status = 400
        if capped.exceeded:
            status = 413
            form.is_valid()
            form.errors.clear()
            form.add_error(
                "file", f"The file is over the limit of {outbound.size_text(capped.limit)}."
            )
        elif form.is_valid():
            audio_url = form.cleaned_data["audio_url"]
            upload = form.cleaned_data["file"]
            # A file is written only for a job that will be taken: quota and limits first.
            refused = uploads.refusal(workspace, upload.size) if upload else ""
            if refused:
                form.add_error("file", refused)
            else:
                stored = uploads.store(workspace, upload) if upload else None
                if stored is not None:
                    audio_url = signed_link(request, stored.path, upload.name)
                params = {"audio_url": audio_url}
                job = submit(form, Action.UPLOAD, params, workspace=workspace, user=request.user)
                if stored is not None:
                    uploads.settle(stored, job)  # refused after all: the file goes
                if job is not None:
                    messages.success(
                        request,
                        "Uploading: the song appears below once it is in.",
                        extra_tags="until-done",
                    )
                    return redirect("library:library")
    context = {
        "form": form,
        "off": switches.disabled_reason(Action.UPLOAD),
        "max_size": outbound.size_text(settings.UPLOAD_MAX_BYTES),
        "max_bytes": settings.UPLOAD_MAX_BYTES,  # the page refuses a bigger file before sending
        "nav": "upload",
    }
    return render(request, "library/upload.html", context, status=status)


@require_safe
def upload_file(request: HttpRequest, token: str, name: str = "") -> HttpResponse:
    """The provider's way in: no session, only a valid, unexpired signature."""
    try:
        path = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        raise Http404("This link is invalid or has expired.") from None
    if not isinstance(path, str) or not path.startswith("uploads/") or ".." in path:
        raise Http404
    try:
        handle = default_storage.open(path, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return serve_file(request, None, None, handle=handle, stored_name=path)
