"""Share links. Members with editor rights make and revoke them (listed in workspace
settings); anyone holding one plays its song or project on a page of its own, where the
token is the only key: nothing else of the workspace is linked or served from there."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from studio.accounts import ratelimit
from studio.library.files import download_name_of, not_archived, serve_file, tagged_download
from studio.models import Workspace
from studio.models.shares import ShareLink
from studio.projects import contents as projects
from studio.projects.downloads import zip_response
from studio.reviews import comments as reviews
from studio.reviews.forms import GuestCommentForm
from studio.shares import links as shares
from studio.shares.forms import ExpiryForm, ShareForm
from studio.workspaces.access import project_for, require_editor, song_for, workspace_for

GUEST_COMMENTS_PER_HOUR = 30  # per link: enough for a client's review, not for a flood


def _create(
    request: HttpRequest, workspace: Workspace, back: str, target_id, **target
) -> HttpResponse:
    form = ShareForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(e for field in form.errors.values() for e in field)
        messages.error(request, f"No link made: {errors}")
        return redirect(back)
    link, token = ShareLink.issue(
        workspace=workspace, created_by=request.user, **target, **form.cleaned_data
    )
    # Shown once, where it was made (next to Share): only the token's digest is kept.
    url = request.build_absolute_uri(reverse("shares:share_page", args=[token]))
    shares.keep_new_link(request.session, url, link, target_id)
    return redirect(back + "#new-share")


@require_POST
@login_required
def share_song(request: HttpRequest, song_id) -> HttpResponse:
    song, role = song_for(request, song_id)
    require_editor(role)
    back = reverse("library:song", args=[song.id])
    return _create(request, song.workspace, back, song.id, song=song)


@require_POST
@login_required
def share_project(request: HttpRequest, project_id) -> HttpResponse:
    project, role = project_for(request, project_id)
    require_editor(role)
    back = reverse("projects:project", args=[project.id])
    return _create(request, project.workspace, back, project.id, project=project)


@require_POST
@login_required
def share_revoke(request: HttpRequest, link_id) -> HttpResponse:
    link = ShareLink.objects.filter(pk=link_id).first()
    if link is None:
        raise Http404
    workspace, role = workspace_for(request, link.workspace_id)
    require_editor(role)
    ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    messages.success(request, "Link revoked: it no longer opens anything.")
    return redirect(
        reverse("workspaces:workspace_settings_for", args=[workspace.id]) + "#share-links"
    )


@require_POST
@login_required
def share_expiry(request: HttpRequest, link_id) -> HttpResponse:
    """A new last day for a link (within a year); a revoked link stays revoked."""
    link = ShareLink.objects.filter(pk=link_id).first()
    if link is None:
        raise Http404
    workspace, role = workspace_for(request, link.workspace_id)
    require_editor(role)
    form = ExpiryForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(e for field in form.errors.values() for e in field)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    if link.revoked_at is not None:
        return HttpResponse(
            _("This link was revoked: make a new one instead."),
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    day = form.cleaned_data["expires_on"]
    ShareLink.objects.filter(pk=link.pk).update(expires_on=day)
    messages.success(
        request, _("The link now works until %(day)s.") % {"day": date_format(day, "j M Y")}
    )
    return redirect(
        reverse("workspaces:workspace_settings_for", args=[workspace.id]) + "#share-links"
    )


# --- What a guest sees -------------------------------------------------------------------


def _link(token: str) -> ShareLink:
    link = shares.find(token, timezone.now())
    if link is None:
        raise Http404("This link does not exist, has expired or was revoked.")
    return link


def _private(response: HttpResponse) -> HttpResponse:
    """Not for search engines, and the token never leaves in a Referer header."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response.setdefault("Cache-Control", "private, no-store")
    return response


def _page(request: HttpRequest, token: str, link: ShareLink, form=None, status=200):
    songs = shares.shared_songs(link)
    comments = shares.guest_comments(link, songs)
    for song in songs:
        song.guest_comments = comments.get(song.id, [])
    context = {
        "link": link,
        "token": token,
        "songs": songs,
        "title": link.song.title if link.song_id else link.project.name,
        "withdrawn": projects.withdrawn_count(link.project) if link.project_id else 0,
        "form": form or GuestCommentForm(),
    }
    return _private(render(request, "shares/page.html", context, status=status))


@require_GET
def share_page(request: HttpRequest, token: str) -> HttpResponse:
    return _page(request, token, _link(token))


@require_safe
def share_media(request: HttpRequest, token: str, song_id: uuid.UUID, kind: str) -> HttpResponse:
    link = _link(token)
    song = shares.shared_song(link, song_id)
    if song is None or kind not in ("audio", "image"):
        raise Http404
    if request.GET.get("download") == "1" and not link.allow_downloads:
        raise PermissionDenied("This link plays the music; downloads are not part of it.")
    file = getattr(song, f"{kind}_file")
    if file:
        name = download_name_of(request, song.title, file.name)
        if name is not None and kind == "audio":
            album: tuple[str, int | None, int | None] = ("", None, None)
            if link.project_id:
                order = [s.pk for s in shares.shared_songs(link)]
                if song.pk in order:
                    album = (link.project.name, order.index(song.pk) + 1, len(order))
            return _private(tagged_download(request, file, name, song, album=album))
        return _private(serve_file(request, file, name))
    if getattr(song, f"{kind}_url"):
        return _private(not_archived(f"song's {kind}", song.archive_status, song.archive_error))
    raise Http404(f"This song has no {kind}.")


@require_safe
def share_zip(request: HttpRequest, token: str) -> HttpResponse:
    link = _link(token)
    if not link.project_id:
        raise Http404
    if not link.allow_downloads:
        raise PermissionDenied("This link plays the music; downloads are not part of it.")
    return _private(zip_response(request, link.project, shares.shared_songs(link)))


@require_POST
def share_comment(request: HttpRequest, token: str) -> HttpResponse:
    link = _link(token)
    if not link.allow_comments:
        raise PermissionDenied("Comments are not open on this link.")
    try:
        song = shares.shared_song(link, uuid.UUID(request.POST.get("song", "")))
    except ValueError:
        song = None
    if song is None:
        raise Http404("No such song on this link.")
    form = GuestCommentForm(request.POST, duration=song.duration)
    if not form.is_valid():
        return _page(request, token, link, form, status=400)
    if ratelimit.hit("share-comment", str(link.id), 3600) > GUEST_COMMENTS_PER_HOUR:
        response = HttpResponse(
            "Many comments came through this link in the last hour; try again later.",
            status=429,
            content_type="text/plain",
        )
        return _private(response)
    data = form.cleaned_data
    comment = reviews.post_comment(
        song, data["body"], guest_name=data["name"], at=data["at"], end=data["end"], share=link
    )
    return redirect(reverse("shares:share_page", args=[token]) + f"#comment-{comment.id}")
