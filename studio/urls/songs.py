from django.urls import path

from studio.views import pending

urlpatterns = [
    path("", pending.page, name="library"),
    path("create/", pending.page, name="create"),
    path("upload/", pending.page, name="upload"),
]
