from django.contrib import admin

from emulator import clock
from emulator.models import Job, Music


class MusicInline(admin.TabularInline):
    model = Music
    fields = ("music_id", "title", "stem", "seed", "duration")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("job_id", "api", "action", "state", "fault", "price", "created_at")
    list_filter = ("api", "action", "outcome", "hook_state")
    search_fields = ("job_id",)
    readonly_fields = ("job_id", "created_at")
    inlines = [MusicInline]
    actions = ["finish_now"]

    @admin.display(description="State")
    def state(self, job: Job) -> str:
        state = clock.state_of(job)
        return state.status if state.finished else f"{state.status} {state.progress}%"

    @admin.action(description="Finish now")
    def finish_now(self, request, queryset) -> None:
        self.message_user(request, f"Finished {clock.finish_now(queryset)} job(s).")


@admin.register(Music)
class MusicAdmin(admin.ModelAdmin):
    list_display = ("music_id", "title", "stem", "duration", "created_at")
    search_fields = ("music_id", "title")
    raw_id_fields = ("job",)
