from django.urls import path

from emulator import views

app_name = "emulator"

urlpatterns = [
    path("", views.root, name="root"),
    path("producer/v1/fetch", views.fetch, name="fetch"),
    path("producer/v1/<str:action>", views.submit, name="submit"),
    path("files/<uuid:music_id>/<str:name>", views.media_file, name="file"),
]
