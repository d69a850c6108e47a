# Placeholder view for routes whose pages are being built; removed once each area lands.
from django.http import HttpRequest, HttpResponse


def page(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    return HttpResponse("Not built yet.", status=501)
