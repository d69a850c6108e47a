"""A development server (`manage.py runserver`) with a limit on request bodies.

Django's development server reads whatever body a request declares once the response is
sent, in one read of the declared size: `Content-Length: 999999999999` made it fail with
MemoryError and answer 500 after the view had refused the body. This one refuses a body
over `max_body` from its headers (413) before the application is called, and closes the
connection. Production servers (gunicorn behind a proxy) need none of this.
"""

from http import HTTPStatus

from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.utils.translation import gettext as _


class LimitedBodyRequestHandler(WSGIRequestHandler):
    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        declared = (self.headers.get("Content-Length") or "").strip()
        limit = self.server.max_body
        if declared.isascii() and declared.isdigit() and int(declared) > limit:
            explain = _("The body is larger than this server accepts (%(limit)d bytes).")
            self.send_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, explain=explain % {"limit": limit})
            return False  # send_error closes the connection: the body is never read
        return True


class LimitedBodyWSGIServer(WSGIServer):
    max_body = 0  # bytes; a subclass says how many

    def __init__(self, server_address, handler_class, *args, **kwargs) -> None:
        if handler_class is WSGIRequestHandler:
            handler_class = LimitedBodyRequestHandler
        super().__init__(server_address, handler_class, *args, **kwargs)
