from django.urls import path

from studio.views import pending

urlpatterns = [
    path("staff/", pending.page, name="staff_dashboard"),
]
