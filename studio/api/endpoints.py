"""The API's one NinjaAPI: its routers, its problem handlers and its OpenAPI document.

Built with django-ninja rather than Django REST framework: the endpoints are plain typed
functions (less code than serializers and viewsets), the bodies are Pydantic schemas that
both validate requests and write the OpenAPI 3 document, and it is async-ready should an
endpoint ever need to wait on something.
"""

from __future__ import annotations

from ninja import NinjaAPI

from studio.api import batches, jobs, problems, songs, teamwork, webhooks
from studio.api.auth import BearerToken

ERROR_CODES = ("400", "401", "403", "404", "409", "429", "500")


class StudioApi(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Errors are documented as what they are sent as: `application/problem+json`."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for code, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if str(code) in ERROR_CODES and "application/json" in content:
                        content[problems.PROBLEM_TYPE] = content.pop("application/json")
        return schema


api = StudioApi(
    title="Producer Studio API",
    version="1",
    description=(
        "The studio's workspaces, songs, jobs, projects and reviews over HTTP. Send a "
        "workspace's API token as `Authorization: Bearer <token>`; errors are RFC 9457 "
        "problem details."
    ),
    auth=BearerToken(),
    urls_namespace="api:v1",
    docs_url="/docs",
)
problems.install(api)
api.add_router("", songs.router)
api.add_router("", jobs.router)
api.add_router("", teamwork.router)
api.add_router("", batches.router)
api.add_router("", webhooks.router)
