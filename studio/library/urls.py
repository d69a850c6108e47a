from django.urls import path

from studio.library.views import bulk, create, library, media, songs, takes, trash, upload

app_name = "library"

urlpatterns = [
    path("", library.library, name="library"),
    path("poll/", library.poll, name="library_poll"),
    path("create/", create.create, name="create"),
    path("create/lyrics/", create.lyrics_start, name="lyrics_start"),
    path("create/lyrics/<uuid:job_id>/", create.lyrics_poll, name="lyrics_poll"),
    path("upload/", upload.upload, name="upload"),
    path("u/<str:token>/", upload.upload_file, name="upload_file"),
    # The same link ending with the file's name, so whoever reads it can tell what it is.
    path("u/<str:token>/<str:name>", upload.upload_file, name="upload_file_named"),
    path("songs/<uuid:song_id>/", songs.song_page, name="song"),
    path("songs/<uuid:song_id>/poll/", songs.song_poll, name="song_poll"),
    path("songs/<uuid:song_id>/do/<str:action>/", songs.song_action, name="song_action"),
    path("songs/<uuid:song_id>/favourite/", songs.song_favourite, name="song_favourite"),
    path("songs/<uuid:song_id>/rename/", songs.song_rename, name="song_rename"),
    path("songs/<uuid:song_id>/delete/", songs.song_delete, name="song_delete"),
    path("songs/<uuid:song_id>/restore/", trash.song_restore, name="song_restore"),
    path("trash/", trash.trash_page, name="trash"),
    path("songs/bulk/trash/", bulk.bulk_trash, name="bulk_trash"),
    path("songs/bulk/restore/", bulk.bulk_restore, name="bulk_restore"),
    path("songs/bulk/review-status/", bulk.bulk_review_status, name="bulk_review_status"),
    path("songs/bulk/add-to-project/", bulk.bulk_add_to_project, name="bulk_add_to_project"),
    path("songs/bulk/download/", bulk.bulk_download, name="bulk_download"),
    path("takes/<uuid:batch>/", takes.takes_page, name="takes"),
    path("takes/<uuid:batch>/keep/<uuid:song_id>/", takes.keep_take, name="keep_take"),
    path("songs/<uuid:song_id>/media/<str:kind>/", media.song_media, name="song_media"),
    path("files/<uuid:asset_id>/", media.asset_media, name="asset_media"),
    path("jobs/<uuid:job_id>/retry/", songs.job_retry, name="job_retry"),
    path("jobs/<uuid:job_id>/check/", songs.job_check, name="job_check"),
    path("jobs/<uuid:job_id>/dismiss/", songs.job_dismiss, name="job_dismiss"),
    path("jobs/dismiss-failed/", songs.jobs_dismiss_failed, name="jobs_dismiss_failed"),
]
