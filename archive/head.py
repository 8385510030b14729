"""HEAD answers: GET's headers, Content-Length included, and no body.

Django renders the page for a HEAD as for a GET and leaves dropping the body to the server;
gunicorn does drop it, but logs a warning for every such request (monitors probe with HEAD).
"""


class HeadWithoutBodyMiddleware:
    """Outermost in MIDDLEWARE, so every HEAD answer leaves without a body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method != "HEAD":
            return response
        if response.streaming:
            # The file behind a FileResponse is still closed with the response.
            response.streaming_content = []
        else:
            if not response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response
