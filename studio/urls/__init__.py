"""The studio's URLs, one module per area."""

from django.urls import include, path

urlpatterns = [
    # The provider's result callbacks come first: the busiest URL is matched without trying
    # (and listing, for the 404 page) every other area's patterns before it.
    path("", include("studio.urls.hooks")),
    path("", include("studio.urls.accounts")),
    path("", include("studio.urls.workspaces")),
    path("", include("studio.urls.songs")),
    path("", include("studio.urls.projects")),
    path("", include("studio.urls.reviews")),
    path("", include("studio.urls.shares")),
    path("", include("studio.urls.staff")),
]
