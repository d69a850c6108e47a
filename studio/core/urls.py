from django.urls import path

from studio.core import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
]
