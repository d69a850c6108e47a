"""The studio's settings with one bare view: the baseline of bench/webhook_throughput.py.

Same middleware, database and server as the studio; the view does nothing but answer `{}`.
Never part of the product's URLs.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from producer_site.settings import *  # noqa: F403

ROOT_URLCONF = "bare_site"


@csrf_exempt
@require_POST
def bare(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    return JsonResponse({})


urlpatterns = [path("bare/<uuid:job_id>/<str:token>/", bare)]
