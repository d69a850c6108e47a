from django.urls import path

from studio.projects import views as projects

app_name = "projects"

urlpatterns = [
    path("projects/", projects.project_list, name="project_list"),
    path("projects/<uuid:project_id>/", projects.project_page, name="project"),
    path("projects/<uuid:project_id>/rename/", projects.project_rename, name="project_rename"),
    path("projects/<uuid:project_id>/delete/", projects.project_delete, name="project_delete"),
    path("projects/<uuid:project_id>/add/", projects.project_add, name="project_add"),
    path("projects/<uuid:project_id>/remove/", projects.project_remove, name="project_remove"),
    path("projects/<uuid:project_id>/move/", projects.project_move, name="project_move"),
    path("projects/<uuid:project_id>/order/", projects.project_order, name="project_order"),
    path("projects/<uuid:project_id>/download/", projects.project_zip, name="project_zip"),
    path("projects/<uuid:project_id>/release/", projects.project_release, name="project_release"),
    path(
        "projects/<uuid:project_id>/normalise/",
        projects.project_normalise,
        name="project_normalise",
    ),
    path("songs/<uuid:song_id>/projects/", projects.song_projects, name="song_projects"),
]
