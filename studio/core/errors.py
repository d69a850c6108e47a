"""Error pages in the studio's look. Django renders 403, 404 and 500 from the templates of
the same names; a request body past Django's own limits is answered here as a 413."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

import outbound


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        context = {
            "exception": "The form sent more data than the studio accepts in one request.",
            "upload_limit": outbound.size_text(settings.UPLOAD_MAX_BYTES),
        }
        return render(request, "413.html", context, status=413)
    # Not defaults.bad_request: its CSRF check reads the form again, and a body that could
    # not be read the first time (a charset other than UTF-8) raises the same error again.
    return render(request, "400.html", status=400)
