from django.urls import path

from studio.jobs import views as hooks

app_name = "jobs"

urlpatterns = [
    path("hooks/jobs/<uuid:job_id>/<str:token>/", hooks.job_hook, name="job_hook"),
]
