from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("studio.urls")),
]
if settings.EMULATOR_ENABLED:
    urlpatterns.append(path("emulator/", include("emulator.urls")))
