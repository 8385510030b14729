"""Request bodies over the cap are refused with 413 before a byte of them is read."""

import io

import pytest
from django.conf import settings
from django.test import Client


class UnreadableBody(io.RawIOBase):
    """A request body that counts reads: the server must refuse without any."""

    def __init__(self):
        self.reads = 0

    def readable(self):
        return True

    def read(self, size=-1):
        self.reads += 1
        return b"x" * (size if size and size > 0 else 1024)

    def readline(self, size=-1):
        return self.read(size)


def post(client, path, length, **extra):
    body = UnreadableBody()
    response = client.generic(
        "POST",
        path,
        b"",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": body},
        **extra,
    )
    return response, body


HUNDRED_MB = 100 * 1024 * 1024


@pytest.mark.parametrize("path", ["/admin/login/", "/documents/", "/api/documents/", "/"])
def test_anonymous_100_mb_post_is_refused_unread(db, path):
    response, body = post(Client(), path, HUNDRED_MB)
    assert response.status_code == 413
    assert body.reads == 0
    assert "at most" in response.content.decode()


def test_staff_may_send_up_to_the_upload_cap_to_the_admin(admin_client):
    cap = settings.UPLOAD_MAX_BODY_BYTES
    response, body = post(admin_client, "/admin/documents/document/add/", cap + 1)
    assert response.status_code == 413
    assert body.reads == 0
    # Within the upload cap the request goes on to the admin (which reads the body).
    response, body = post(
        admin_client, "/admin/documents/document/add/", settings.REQUEST_MAX_BODY_BYTES + 1
    )
    assert response.status_code != 413
    assert body.reads > 0


def test_staff_get_only_the_public_cap_outside_the_admin(admin_client):
    response, body = post(admin_client, "/documents/", settings.REQUEST_MAX_BODY_BYTES + 1)
    assert response.status_code == 413
    assert body.reads == 0


def test_caps_come_from_settings(db, settings):
    settings.REQUEST_MAX_BODY_BYTES = 10
    response, body = post(Client(), "/admin/login/", 11)
    assert response.status_code == 413


@pytest.mark.parametrize("length", ["-1", "1e9", "²", "abc"])
def test_unreadable_content_length_is_a_400(db, length):
    response = Client().generic("POST", "/admin/login/", b"", CONTENT_LENGTH=length)
    assert response.status_code == 400
