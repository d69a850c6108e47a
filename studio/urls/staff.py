from django.urls import path

from studio.views import activity, staff, usage

urlpatterns = [
    path("staff/", staff.dashboard_page, name="staff_dashboard"),
    path("staff/jobs/<uuid:job_id>/reconcile/", staff.job_reconcile, name="staff_job_reconcile"),
    path("staff/jobs/<uuid:job_id>/repoll/", staff.job_repoll, name="staff_job_repoll"),
    path("staff/jobs/<uuid:job_id>/fail/", staff.job_fail, name="staff_job_fail"),
    path("staff/songs/<uuid:song_id>/archive/", staff.song_archive, name="staff_song_archive"),
    path("staff/assets/<uuid:asset_id>/archive/", staff.asset_archive, name="staff_asset_archive"),
    path("workspace/activity/", activity.activity_page, name="workspace_activity"),
    path("workspace/usage/", usage.usage_page, name="workspace_usage"),
    path(
        "workspaces/<uuid:workspace_id>/activity/",
        activity.activity_page,
        name="workspace_activity_for",
    ),
    path("workspaces/<uuid:workspace_id>/usage/", usage.usage_page, name="workspace_usage_for"),
]
