"""Error pages in the studio's look. Django renders 403, 404 and 500 from the templates of
the same names; a request body past Django's own limits is answered here as a 413."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults

import outbound


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        context = {
            "exception": "The form sent more data than the studio accepts in one request.",
            "upload_limit": outbound.size_text(settings.UPLOAD_MAX_BYTES),
        }
        return render(request, "413.html", context, status=413)
    return defaults.bad_request(request, exception)
