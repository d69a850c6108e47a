from django.urls import path

from studio.views import hooks

urlpatterns = [
    path("hooks/jobs/<uuid:job_id>/<str:token>/", hooks.job_hook, name="job_hook"),
]
