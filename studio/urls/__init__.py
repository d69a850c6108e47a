"""The studio's URLs, one module per area."""

from django.urls import include, path

urlpatterns = [
    path("", include("studio.urls.accounts")),
    path("", include("studio.urls.workspaces")),
    path("", include("studio.urls.songs")),
    path("", include("studio.urls.hooks")),
    path("", include("studio.urls.staff")),
]
