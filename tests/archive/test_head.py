"""HEAD answers carry GET's headers and no body (servers would otherwise warn per request)."""

import io

from django.http import FileResponse, HttpResponse

from archive.head import HeadWithoutBodyMiddleware


def test_head_answers_have_get_headers_and_no_body(rf):
    page = HeadWithoutBodyMiddleware(lambda request: HttpResponse("<p>page</p>"))
    response = page(rf.head("/"))
    assert response.content == b""
    assert response["Content-Length"] == "11"
    assert page(rf.get("/")).content == b"<p>page</p>"

    stream = HeadWithoutBodyMiddleware(lambda request: FileResponse(io.BytesIO(b"x" * 10)))
    response = stream(rf.head("/"))
    assert b"".join(response.streaming_content) == b""
    assert response["Content-Length"] == "10"
