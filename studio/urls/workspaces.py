from django.urls import path

from studio.views import pending

urlpatterns = [
    path("workspaces/", pending.page, name="workspace_list"),
    path("workspaces/new/", pending.page, name="workspace_create"),
    path("workspaces/<uuid:workspace_id>/switch/", pending.page, name="workspace_switch"),
    path("workspace/settings/", pending.page, name="workspace_settings"),
    path("workspace/members/", pending.page, name="workspace_members"),
]
