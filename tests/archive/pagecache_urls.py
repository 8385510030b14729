"""The site's URLconf plus pages that must never be kept whole, for the page-cache tests."""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path
from django.views.decorators.cache import cache_control

from archive.urls import urlpatterns


def sets_a_cookie(request):
    response = HttpResponse("cookie page")
    response.set_cookie("seen", "1")
    return response


def has_a_form(request):
    return HttpResponse(f'<form method="post"><input value="{get_token(request)}"></form>')


def uses_a_nonce(request):
    return HttpResponse(f'<script nonce="{request.csp_nonce}">1</script>')


def varies_by_language(request):
    response = HttpResponse(request.headers.get("Accept-Language", "none"))
    response["Vary"] = "Accept-Language"
    return response


@cache_control(private=True)
def private_page(request):
    return HttpResponse("private page")


def plain(request):
    return HttpResponse(f"plain {request.GET.get('n', '')}")


urlpatterns = [
    path("test-cache/cookie/", sets_a_cookie),
    path("test-cache/form/", has_a_form),
    path("test-cache/nonce/", uses_a_nonce),
    path("test-cache/vary/", varies_by_language),
    path("test-cache/private/", private_page),
    path("test-cache/plain/", plain),
    *urlpatterns,
]
