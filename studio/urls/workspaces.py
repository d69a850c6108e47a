from django.urls import path

from studio.views import workspaces as views

urlpatterns = [
    path("workspaces/", views.workspace_list, name="workspace_list"),
    path("workspaces/new/", views.workspace_create, name="workspace_create"),
    # The active workspace's pages; the ones below name the workspace in the URL.
    path("workspace/settings/", views.workspace_settings, name="workspace_settings"),
    path("workspace/members/", views.workspace_members, name="workspace_members"),
    path("workspaces/<uuid:workspace_id>/switch/", views.workspace_switch, name="workspace_switch"),
    path(
        "workspaces/<uuid:workspace_id>/settings/",
        views.workspace_settings,
        name="workspace_settings_for",
    ),
    path("workspaces/<uuid:workspace_id>/delete/", views.workspace_delete, name="workspace_delete"),
    path(
        "workspaces/<uuid:workspace_id>/members/",
        views.workspace_members,
        name="workspace_members_for",
    ),
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
