"""`runserver` as WhiteNoise sets it up, on a server that refuses a body larger than any
the studio accepts before reading it (studio/lib/devserver.py)."""

from django.conf import settings
from whitenoise.runserver_nostatic.management.commands.runserver import (
    Command as WhiteNoiseRunserver,
)

from studio.lib.devserver import LimitedBodyWSGIServer
from studio.library.views.upload import FORM_OVERHEAD


class StudioDevServer(LimitedBodyWSGIServer):
    @property
    def max_body(self) -> int:
        # An upload at its limit with its form around it is the largest body of any path.
        return max(settings.UPLOAD_MAX_BYTES + FORM_OVERHEAD, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


class Command(WhiteNoiseRunserver):
    server_cls = StudioDevServer
