from django.urls import path

from studio.shares import views as shares

app_name = "shares"

urlpatterns = [
    path("songs/<uuid:song_id>/share/", shares.share_song, name="share_song"),
    path("projects/<uuid:project_id>/share/", shares.share_project, name="share_project"),
    path("shares/<uuid:link_id>/revoke/", shares.share_revoke, name="share_revoke"),
    path("shares/<uuid:link_id>/expiry/", shares.share_expiry, name="share_expiry"),
    # What a guest opens: the token is the only key.
    path("s/<str:token>/", shares.share_page, name="share_page"),
    path("s/<str:token>/comments/", shares.share_comment, name="share_comment"),
    path("s/<str:token>/download/", shares.share_zip, name="share_zip"),
    path("s/<str:token>/songs/<uuid:song_id>/<str:kind>/", shares.share_media, name="share_media"),
]
