"""A project's zip for download: built by the worker into storage, served once it is there."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.http import HttpResponseClientRedirect

from studio.lib.filenames import file_name
from studio.library import zips
from studio.library.files import serve_file
from studio.models import Song
from studio.models.projects import Project


def zip_response(request: HttpRequest, project: Project, songs: list[Song]) -> HttpResponse:
    """The project's zip once the worker has built it, served like any stored file; until
    then a page that polls (htmx) and starts the download when it is ready."""
    name = zips.zip_name(project, songs)
    if zips.ready(name):
        if request.htmx:  # the waiting page's poll: now download it
            return HttpResponseClientRedirect(request.get_full_path())
        handle = default_storage.open(name, "rb")
        download = file_name(project.name, ".zip", fallback="project")
        return serve_file(
            request,
            None,
            download,
            handle=handle,
            stored_name=name,
            own_type="application/zip",
            ascii_fallback="project",
        )
    zips.request_build(project, songs, name)
    context = {"project": project, "songs": len(songs), "url": request.get_full_path()}
    template = "projects/zip_preparing.html"
    response = render(request, template + "#preparing" if request.htmx else template, context)
    response.status_code = 202
    response["Cache-Control"] = "private, no-store"
    return response
