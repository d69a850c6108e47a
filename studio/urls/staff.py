from django.urls import path

from studio.views import pending

urlpatterns = [
    path("staff/", pending.page, name="staff_dashboard"),
    path("workspace/activity/", pending.page, name="workspace_activity"),
    path("workspace/usage/", pending.page, name="workspace_usage"),
]
