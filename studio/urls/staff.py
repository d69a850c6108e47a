from django.urls import path

from studio.urls.patterns import for_a_workspace
from studio.views import activity, staff, usage

urlpatterns = [
    path("staff/", staff.dashboard_page, name="staff_dashboard"),
    *(
        path(f"staff/{where}", staff.act, {"act": act}, name=f"staff_{act}")
        for act, (where, _, _) in staff.ACTS.items()
    ),
    *for_a_workspace("activity", activity.activity_page, "workspace_activity"),
    *for_a_workspace("usage", usage.usage_page, "workspace_usage"),
]
