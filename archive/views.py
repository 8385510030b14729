"""Site-wide views: the home page and the health check."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from documents.models import Collection, Document


def home(request):
    published = Document.objects.published()
    context = {
        "document_count": published.count(),
        "collections": Collection.objects.all(),
        "recent_documents": published.order_by("-published_at", "-record_number")[:5],
    }
    return render(request, "archive/home.html", context)


def health(request):
    """Liveness and database reachability for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok", "database": "ok"})
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
