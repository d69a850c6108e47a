"""The OpenAPI document and the interactive docs are served by the studio itself."""


def test_openapi_document_lists_every_area_with_bearer_auth(client, db):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    for path in ("/api/v1/songs", "/api/v1/jobs", "/api/v1/batches", "/api/v1/projects"):
        assert path in paths
    assert "/api/v1/webhooks" in paths
    assert "/api/v1/usage" in paths
    schemes = document["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    errors = document["paths"]["/api/v1/jobs"]["post"]["responses"]["400"]["content"]
    assert list(errors) == ["application/problem+json"]


def test_interactive_docs_load_their_scripts_from_the_studio(client, db):
    response = client.get("/api/v1/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'src="/static/ninja/swagger-ui-bundle.js"' in html
    assert "cdn" not in html.lower()  # nothing from elsewhere: the page's CSP allows only 'self'
