"""Shared fixtures. Tests run against real PostgreSQL (DATABASE_URL, or the embedded server)."""

import pytest
from django.core.management import call_command


@pytest.fixture
def demo(db):
    """The demo collection, loaded from fixtures/ exactly as `loaddata demo` does."""
    call_command("loaddata", "demo", verbosity=0)


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")
