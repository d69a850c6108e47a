from django.urls import path

from studio.api.endpoints import api

app_name = "api"

urlpatterns = [path("v1/", api.urls)]
