from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from studio.views.accounts import admin_login

urlpatterns = [
    # Before the admin's own: its login shares the studio's failed-login limit.
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("api/", include("studio.api.urls")),
    path("", include("studio.urls")),
]
if settings.EMULATOR_ENABLED:
    urlpatterns.append(path("emulator/", include("emulator.urls")))

handler400 = "studio.views.errors.bad_request"
