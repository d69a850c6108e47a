"""An upload over the limit gets a clear 413 from every server, the dev server included
(`make run`), and the upload page tells the browser the limit so it can refuse first."""

import http.client
from urllib.parse import urlsplit
from wsgiref.util import is_hop_by_hop

import pytest
from django.urls import reverse

UPLOAD = reverse("library:upload")

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_dev_server_answers_413_not_500(live_server, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    body = b"x" * (2 * 1024 * 1024)
    where = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
    connection.request(
        "POST",
        UPLOAD,
        body=body,
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    assert response.status == 413
    assert "The file is over the limit of 1 MB." in text
    assert not [
        name
        for name, _ in response.getheaders()
        if is_hop_by_hop(name) and name.lower() != "connection"
    ]


def test_the_page_gives_the_browser_the_limit(team, editor_client, settings):
    settings.UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    html = editor_client.get(UPLOAD).content.decode()
    assert 'data-max-bytes="2097152"' in html
    assert "The file is over the limit of 2 MB: choose a smaller one." in html
