"""The Django admin for every studio model.

Lists load their related rows in the same query (list_select_related), raw payloads are shown
read-only and pretty-printed, jobs, songs and workspaces link to each other, and workspace API
keys never appear: only their hint (the last four characters).
"""

import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Model, OuterRef, QuerySet, Subquery, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from studio.admin import operations
from studio.admin.paginator import CappedCountPaginator
from studio.jobs import ledger
from studio.models import (
    ActivityEvent,
    Asset,
    Heartbeat,
    Invitation,
    Job,
    LyricsDraft,
    Membership,
    Profile,
    Role,
    Song,
    Workspace,
)

admin.site.site_header = "Producer Studio administration"
admin.site.site_title = "Producer Studio admin"
admin.site.index_title = "Studio data"


def change_url(obj: Model) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def link(obj: Model | None, label: Any = None) -> str:
    if obj is None:
        return "—"
    return format_html('<a href="{}">{}</a>', change_url(obj), label if label is not None else obj)


def links(objects: list[Model]) -> str:
    return format_html_join(", ", "{}", ((link(o),) for o in objects)) if objects else "—"


def changelist_link(model: type[Model], label: str, **filters: Any) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return format_html('<a href="{}?{}">{}</a>', url, urlencode(filters), label)


def pretty_json(value: Any) -> str:
    if value in (None, "", {}, []):
        return "—"
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    return format_html('<pre class="json">{}</pre>', text)


def on_changelist(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(match and match.url_name and match.url_name.endswith("_changelist"))


def report(request: HttpRequest, modeladmin: admin.ModelAdmin, outcomes: list) -> None:
    for ok, text in outcomes:
        modeladmin.message_user(request, text, messages.SUCCESS if ok else messages.WARNING)


# --- Workspaces and people ---------------------------------------------------------------


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "member_count", "job_count", "key", "monthly_budget", "created_at"]
    search_fields = ["name", "memberships__user__username", "memberships__user__email"]
    list_filter = ["created_at"]
    date_hierarchy = "created_at"
    # The ciphertext stays out of every form: only the hint is shown, read-only.
    exclude = ["api_key_encrypted"]
    readonly_fields = ["id", "key", "created_at", "related"]
    fields = ["id", "name", "monthly_budget", "key", "created_at", "related"]
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .defer("api_key_encrypted")
            .annotate(
                members=Count("memberships", distinct=True), jobs_count=Count("jobs", distinct=True)
            )
        )

    @admin.display(description="members", ordering="members")
    def member_count(self, obj: Workspace) -> int:
        return obj.members

    @admin.display(description="jobs", ordering="jobs_count")
    def job_count(self, obj: Workspace) -> int:
        return obj.jobs_count

    @admin.display(description="API key")
    def key(self, obj: Workspace) -> str:
        return obj.api_key_hint or "none (the studio's key or the emulator)"

    @admin.display(description="see also")
    def related(self, obj: Workspace) -> str:
        return format_html_join(
            " · ",
            "{}",
            (
                (changelist_link(Job, "jobs", workspace__id__exact=obj.pk),),
                (changelist_link(Song, "songs", workspace__id__exact=obj.pk),),
                (changelist_link(ActivityEvent, "activity", workspace__id__exact=obj.pk),),
                (changelist_link(Invitation, "invitations", workspace__id__exact=obj.pk),),
            ),
        )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "workspace", "role", "created_at"]
    list_filter = ["role", "created_at"]
    search_fields = ["user__username", "user__email", "workspace__name"]
    list_select_related = ["user", "workspace"]
    autocomplete_fields = ["user", "workspace"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "workspace", "role", "invited_by", "created_at", "expires_at"]
    list_display += ["accepted_at"]
    list_filter = ["role", ("accepted_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["email", "workspace__name", "invited_by__username"]
    list_select_related = ["workspace", "invited_by"]
    autocomplete_fields = ["workspace", "invited_by", "accepted_by"]
    # Only the hash of the token is stored; it is of no use to anyone here.
    exclude = ["token_hash"]
    readonly_fields = ["created_at", "accepted_at", "accepted_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # invitations carry a token shown once: they are made in the studio


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    """People: whether their address is confirmed, what they spent on the studio's key this
    month against their budget, and how many workspaces they own against their limit."""

    list_display = ["user", "email", "confirmed", "spent", "budget_shown", "owned"]
    list_display += ["current_workspace"]
    list_filter = [("email_verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__email", "verified_email"]
    list_select_related = ["user", "current_workspace"]
    autocomplete_fields = ["user", "current_workspace"]
    fields = ["user", "current_workspace", "verified_email", "email_verified_at"]
    fields += ["monthly_budget", "max_workspaces"]
    actions = ["confirm_addresses"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # One query for the whole page: each person's spending and workspaces as subqueries.
        spent = (
            Job.objects.filter(
                user=OuterRef("user"), on_site_key=True, created_at__gte=ledger.month_start()
            )
            .values("user")
            .annotate(total=Sum("quota"))
            .values("total")
        )
        owned = (
            Membership.objects.filter(user=OuterRef("user"), role=Role.OWNER)
            .values("user")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(site_spent=Subquery(spent), owned_count=Subquery(owned))
        )

    @admin.display(description=_l("email"), ordering="user__email")
    def email(self, obj: Profile) -> str:
        return obj.user.email or "—"

    @admin.display(description=_l("address confirmed"), boolean=True)
    def confirmed(self, obj: Profile) -> bool:
        return obj.has_verified(obj.user.email)

    @admin.display(description=_l("spent on the studio's key this month"), ordering="site_spent")
    def spent(self, obj: Profile) -> str:
        return ledger.amount(obj.site_spent or 0)

    @admin.display(description=_l("monthly budget"))
    def budget_shown(self, obj: Profile) -> str:
        if obj.monthly_budget is not None:
            return str(obj.budget)
        return _("%(budget)s (the default)") % {"budget": obj.budget}

    @admin.display(description=_l("workspaces owned / limit"), ordering="owned_count")
    def owned(self, obj: Profile) -> str:
        return f"{obj.owned_count or 0} / {obj.workspace_limit}"

    @admin.action(description=_l("Mark their current addresses as confirmed"))
    def confirm_addresses(self, request: HttpRequest, queryset: QuerySet) -> None:
        outcomes = []
        for profile in queryset.select_related("user"):
            email = (profile.user.email or "").strip().lower()
            taken = Profile.objects.filter(verified_email__iexact=email).exclude(pk=profile.pk)
            if not email or taken.exists():
                outcomes.append(
                    (
                        False,
                        _("%(user)s: no address, or another account has it")
                        % {"user": profile.user},
                    )
                )
                continue
            profile.verified_email, profile.email_verified_at = email, timezone.now()
            profile.save(update_fields=["verified_email", "email_verified_at"])
            outcomes.append(
                (True, _("%(user)s: %(email)s confirmed") % {"user": profile.user, "email": email})
            )
        report(request, self, outcomes)


# --- Jobs, songs and files ---------------------------------------------------------------


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["short_id", "engine", "action", "status", "workspace_link", "user", "quota"]
    list_display += ["progress", "created_at", "took"]
    list_filter = ["status", "engine", "action", "failed_locally", "created_at", "workspace"]
    search_fields = [
        "=id",
        "provider_job_id",
        "songs__music_id",
        "songs__title",
        "user__username",
        "workspace__name",
    ]
    list_select_related = ["workspace", "user"]
    list_per_page = 50
    # A count(*) over every job on each page view is waste; so is a date_hierarchy, whose
    # year links read every row's date.
    show_full_result_count = False
    paginator = CappedCountPaginator
    readonly_fields = [
        "id",
        "workspace_link",
        "user",
        "engine",
        "action",
        "parent_link",
        "songs_made",
        "provider_job_id",
        "on_emulator",
        "status",
        "failed_locally",
        "progress",
        "quota",
        "error",
        "created_at",
        "submitted_at",
        "finished_at",
        "updated_at",
        "next_poll_at",
        "poll_count",
        "submit_attempts",
        "request_payload",
        "last_payload",
    ]
    fields = readonly_fields  # a job is a record of a call: nothing to edit by hand
    actions = ["poll_soon", "reconcile", "mark_failed"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The list never shows the payloads: leave them in the database.
        qs = super().get_queryset(request)
        return qs.defer("params", "raw") if on_changelist(request) else qs

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # jobs are made by submitting in the studio

    @admin.display(description="job", ordering="created_at")
    def short_id(self, obj: Job) -> str:
        return str(obj.pk)[:8]

    @admin.display(description="workspace", ordering="workspace__name")
    def workspace_link(self, obj: Job) -> str:
        return link(obj.workspace)

    @admin.display(description="made from")
    def parent_link(self, obj: Job) -> str:
        return link(obj.parent)

    @admin.display(description="songs made")
    def songs_made(self, obj: Job) -> str:
        return links(list(obj.songs.only("id", "title", "music_id")))

    @admin.display(description="time to finish")
    def took(self, obj: Job) -> str:
        if obj.duration_us is None:  # kept by the database once the job has finished
            return "—"
        seconds = obj.duration_us // 1_000_000
        return f"{seconds // 60}m {seconds % 60:02d}s"

    @admin.display(description="request (as sent)")
    def request_payload(self, obj: Job) -> str:
        return pretty_json(obj.params)

    @admin.display(description="last payload received")
    def last_payload(self, obj: Job) -> str:
        return pretty_json(obj.raw)

    @admin.action(description="Poll the selected jobs on the worker's next pass")
    def poll_soon(self, request: HttpRequest, queryset: QuerySet) -> None:
        report(request, self, [operations.poll_soon(job) for job in queryset])

    @admin.action(description="Reconcile with the provider (fetch and apply)")
    def reconcile(self, request: HttpRequest, queryset: QuerySet) -> None:
        report(request, self, [operations.reconcile(job) for job in queryset])

    @admin.action(description="Mark the selected jobs as failed")
    def mark_failed(self, request: HttpRequest, queryset: QuerySet) -> None:
        report(request, self, [operations.mark_failed(job, request.user) for job in queryset])


class ArchiveActions:
    @admin.action(description="Retry archiving the selected files")
    def retry_archiving(self, request: HttpRequest, queryset: QuerySet) -> None:
        report(request, self, [operations.retry_archiving(item) for item in queryset])


class AssetInline(admin.TabularInline):
    model = Asset
    fk_name = "song"
    extra = 0
    can_delete = False
    fields = ["kind", "label", "archive_status", "file", "size"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Song)
class SongAdmin(ArchiveActions, admin.ModelAdmin):
    list_display = ["__str__", "music_id", "workspace_link", "relation", "archive_status"]
    list_display += ["created_by", "created_at", "deleted_at"]
    list_filter = [
        "engine",
        "relation",
        "archive_status",
        ("deleted_at", admin.EmptyFieldListFilter),
        "created_at",
        "workspace",
    ]
    search_fields = ["music_id", "title", "created_by__username", "workspace__name", "=id"]
    list_select_related = ["workspace", "created_by"]
    show_full_result_count = False  # no count(*) of every song, nor a date_hierarchy's scan
    paginator = CappedCountPaginator
    autocomplete_fields = ["workspace", "job", "parent", "root", "created_by"]
    exclude = ["raw", "peaks"]
    readonly_fields = [
        "id",
        "workspace_link",
        "job_link",
        "parent_link",
        "root_link",
        "children_links",
        "music_id",
        "engine",
        "relation",
        "archive_error",
        "archive_attempts",
        "archive_next_at",
        "created_at",
        "payload",
        "peak_count",
    ]
    fields = [
        "id",
        "title",
        "workspace_link",
        "job_link",
        "parent_link",
        "root_link",
        "children_links",
        "music_id",
        "engine",
        "relation",
        "model",
        "seed",
        "duration",
        "instrumental",
        "prompt",
        "lyrics",
        "audio_url",
        "image_url",
        "video_url",
        "audio_file",
        "image_file",
        "video_file",
        "archive_status",
        "archive_error",
        "archive_attempts",
        "archive_next_at",
        "favourite",
        "created_at",
        "deleted_at",
        "peak_count",
        "payload",
    ]
    inlines = [AssetInline]
    actions = ["retry_archiving"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        return qs.defer("raw", "peaks", "lyrics", "prompt") if on_changelist(request) else qs

    @admin.display(description="workspace", ordering="workspace__name")
    def workspace_link(self, obj: Song) -> str:
        return link(obj.workspace)

    @admin.display(description="made by job")
    def job_link(self, obj: Song) -> str:
        return link(obj.job, obj.job and f"{obj.job.get_action_display()} {str(obj.job.pk)[:8]}")

    @admin.display(description="made from")
    def parent_link(self, obj: Song) -> str:
        return link(obj.parent)

    @admin.display(description="family root")
    def root_link(self, obj: Song) -> str:
        return link(obj.root)

    @admin.display(description="made from this song")
    def children_links(self, obj: Song) -> str:
        return links(list(obj.children.only("id", "title", "music_id")[:50]))

    @admin.display(description="provider payload")
    def payload(self, obj: Song) -> str:
        return pretty_json(obj.raw)

    @admin.display(description="waveform peaks")
    def peak_count(self, obj: Song) -> int:
        return len(obj.peaks or [])


@admin.register(Asset)
class AssetAdmin(ArchiveActions, admin.ModelAdmin):
    list_display = ["__str__", "kind", "song_link", "workspace", "archive_status", "size"]
    list_display += ["created_at"]
    list_filter = ["kind", "archive_status", "created_at", "workspace"]
    search_fields = ["music_id", "label", "song__title", "song__music_id", "workspace__name"]
    list_select_related = ["song", "workspace"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    autocomplete_fields = ["song", "workspace", "job"]
    readonly_fields = ["archive_error", "archive_attempts", "archive_next_at", "created_at"]
    actions = ["retry_archiving"]

    @admin.display(description="song", ordering="song__title")
    def song_link(self, obj: Asset) -> str:
        return link(obj.song)


@admin.register(LyricsDraft)
class LyricsDraftAdmin(admin.ModelAdmin):
    list_display = ["__str__", "workspace", "user", "created_at"]
    list_filter = ["created_at", "workspace"]
    search_fields = ["title", "prompt", "user__username", "workspace__name"]
    list_select_related = ["workspace", "user"]
    autocomplete_fields = ["workspace", "job", "user"]


# --- Activity and process health ------------------------------------------------------------


@admin.register(ActivityEvent)
class ActivityEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "workspace", "actor", "verb", "subject", "song_link"]
    list_filter = ["verb", "created_at", "workspace"]
    search_fields = ["subject", "actor__username", "workspace__name"]
    list_select_related = ["workspace", "actor", "song"]
    show_full_result_count = False
    paginator = CappedCountPaginator

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the log is a record of what happened: read-only

    @admin.display(description="song")
    def song_link(self, obj: ActivityEvent) -> str:
        return link(obj.song)


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "seen_at"]
    readonly_fields = ["name", "seen_at"]


from studio.admin import teamwork  # noqa: E402, F401  (projects, reviews, share links)
