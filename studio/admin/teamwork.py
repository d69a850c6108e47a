"""The admin for projects, comments and share links (the digest of a link's token is
never shown: it is only good for finding the link)."""

from django.contrib import admin

from studio.models import Comment, Mention, Project, ProjectSong, ShareLink


class ProjectSongInline(admin.TabularInline):
    model = ProjectSong
    raw_id_fields = ["song"]
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "created_by", "created_at"]
    search_fields = ["name", "workspace__name"]
    list_select_related = ["workspace", "created_by"]
    raw_id_fields = ["workspace", "created_by"]
    inlines = [ProjectSongInline]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "song", "author", "guest_name", "at_seconds", "resolved_at"]
    search_fields = ["body", "song__title", "author__username", "guest_name"]
    list_select_related = ["song", "author"]
    raw_id_fields = ["song", "parent", "author", "resolved_by", "share"]
    show_full_result_count = False


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ["user", "comment", "read_at", "created_at"]
    list_select_related = ["user", "comment"]
    raw_id_fields = ["user", "comment"]


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = ["__str__", "workspace", "expires_on", "allow_downloads", "revoked_at"]
    list_select_related = ["workspace", "song", "project"]
    exclude = ["token_digest"]
    raw_id_fields = ["workspace", "song", "project", "created_by"]

    def has_add_permission(self, request) -> bool:
        return False  # a link is made on the song's or project's page, where its token is shown
