"""/oai/: the OAI-PMH base URL."""

from django.urls import path

from documents.oai.views import endpoint

urlpatterns = [path("", endpoint, name="oai")]
