from django.urls import path

from studio.workspaces.patterns import for_a_workspace
from studio.workspaces.views import activity, usage
from studio.workspaces.views import workspaces as views

app_name = "workspaces"

urlpatterns = [
    path("workspaces/", views.workspace_list, name="workspace_list"),
    path("workspaces/new/", views.workspace_create, name="workspace_create"),
    *for_a_workspace("settings", views.workspace_settings, "workspace_settings"),
    *for_a_workspace("members", views.workspace_members, "workspace_members"),
    *for_a_workspace("activity", activity.activity_page, "workspace_activity"),
    *for_a_workspace("usage", usage.usage_page, "workspace_usage"),
    path("workspaces/<uuid:workspace_id>/switch/", views.workspace_switch, name="workspace_switch"),
    path("workspaces/<uuid:workspace_id>/delete/", views.workspace_delete, name="workspace_delete"),
    path("workspaces/<uuid:workspace_id>/leave/", views.workspace_leave, name="workspace_leave"),
    path("workspaces/<uuid:workspace_id>/invite/", views.workspace_invite, name="workspace_invite"),
    path(
        "workspaces/<uuid:workspace_id>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "workspaces/<uuid:workspace_id>/members/<int:membership_id>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "workspaces/<uuid:workspace_id>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
