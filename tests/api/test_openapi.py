"""The API against its own OpenAPI description, checked by schemathesis: every declared
address, with generated valid and invalid parameters, must answer as described (status,
content type, body schema, headers), never with a server error, and refuse what the
description does not allow."""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.config import SchemathesisConfig

from documents.api.openapi import ENDPOINTS, openapi_document
from documents.models import Role
from tests.factories import (
    CollectionFactory,
    DocumentFactory,
    DocumentOrganizationFactory,
    DocumentPersonFactory,
    DocumentPlaceFactory,
    LanguageFactory,
    OrganizationFactory,
    PersonFactory,
    PlaceFactory,
    SubjectFactory,
)

# Valid-looking facet values that name nothing answer 400 by design, so "positive" data may
# be refused with 400 as well as found missing (404).
CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"mode": "all"},  # valid and invalid requests
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2xx", "301", "400", "404"]},
        },
    }
)
schema = schemathesis.openapi.from_dict(openapi_document("http://testserver"), config=CONFIG)
schema.app = get_wsgi_application()


@pytest.fixture
def wsgi_requests():
    """Requests straight to the WSGI app, kept inside the test's transaction: Django closes
    connections around each request, which its test client (and this fixture) turns off."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def collection(db, wsgi_requests):
    """A small published collection, so lists, records and entities have something to show."""
    place = PlaceFactory(name="Xinjiang", slug="xinjiang", latitude=41.1, longitude=85.2)
    city = PlaceFactory(name="Kashgar", slug="kashgar", parent=place)
    org = OrganizationFactory(name="NKVD", slug="nkvd", abbreviation="NKVD")
    person = PersonFactory(name="Sheng Shicai", slug="sheng-shicai", birth="c. 1897")
    for i in range(3):
        doc = DocumentFactory(title=f"NKVD report {i}", record_number=i + 1)
        DocumentPlaceFactory(document=doc, place=city if i else place)
        DocumentOrganizationFactory(document=doc, organization=org, role=Role.AUTHOR)
        DocumentPersonFactory(document=doc, person=person)
        doc.subjects.add(SubjectFactory(slug=f"subject-{i}"))
        doc.collections.add(CollectionFactory(slug=f"collection-{i}"))
        doc.original_languages.add(LanguageFactory())


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same cases every run: CI is repeatable
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_api_conforms_to_its_openapi_description(collection, case):
    case.call_and_validate()


def test_openapi_json_is_the_generated_description(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oai.openapi+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    served = json.loads(response.content)
    assert served == openapi_document("http://testserver")
    assert served["openapi"] == "3.1.0"
    assert {e.path for e in ENDPOINTS} <= set(served["paths"])
    params = served["paths"]["/api/documents/"]["get"]["parameters"]
    sort = next(p for p in params if p["name"] == "sort")
    assert sort["schema"]["enum"] == ["relevance", "date", "-date", "title"]


def test_docs_page_serves_swagger_ui_from_this_site(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-openapi-url="/api/openapi.json"' in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "//cdn" not in html and "unpkg" not in html and "jsdelivr" not in html
