from django.urls import path

from emulator import views

app_name = "emulator"

urlpatterns = [
    path("", views.root, name="root"),
    path("producer/v1/fetch", views.fetch, name="fetch"),
    path("producer/v1/<str:action>", views.submit, name="submit"),
    path("flowmusic/v1/fetch", views.flow_fetch, name="flow_fetch"),
    path("flowmusic/v1/<str:action>", views.flow_submit, name="flow_submit"),
    path("files/<uuid:music_id>/<str:name>", views.media_file, name="file"),
]
