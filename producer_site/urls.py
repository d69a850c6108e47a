from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from studio.accounts.views import admin_login

urlpatterns = [
    # Before the admin's own: its login shares the studio's failed-login limit.
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    # The provider's result callbacks come first: the busiest URL is matched without trying
    # (and listing, for the 404 page) every other area's patterns before it.
    path("", include("studio.jobs.urls")),
    # Unnamespaced: Django's auth views reverse "login", "password_reset_done" and the rest.
    path("", include("studio.accounts.urls")),
    path("", include("studio.core.urls")),
    path("", include("studio.workspaces.urls")),
    path("", include("studio.library.urls")),
    path("", include("studio.projects.urls")),
    path("", include("studio.reviews.urls")),
    path("", include("studio.shares.urls")),
    path("", include("studio.staff.urls")),
    path("api/", include("studio.api.urls")),
]
if settings.EMULATOR_ENABLED:
    urlpatterns.append(path("emulator/", include("emulator.urls")))

handler400 = "studio.core.errors.bad_request"
