from django.urls import path

from studio.views import activity, staff, usage

urlpatterns = [
    path("staff/", staff.dashboard_page, name="staff_dashboard"),
    *(
        path(f"staff/{where}", staff.act, {"act": act}, name=f"staff_{act}")
        for act, (where, _, _) in staff.ACTS.items()
    ),
    path("workspace/activity/", activity.activity_page, name="workspace_activity"),
    path("workspace/usage/", usage.usage_page, name="workspace_usage"),
    path(
        "workspaces/<uuid:workspace_id>/activity/",
        activity.activity_page,
        name="workspace_activity_for",
    ),
    path("workspaces/<uuid:workspace_id>/usage/", usage.usage_page, name="workspace_usage_for"),
]
