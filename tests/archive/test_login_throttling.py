"""Admin sign-in is throttled: after LOGIN_FAILURE_LIMIT wrong passwords the right one is
refused too, every attempt is on record, and an administrator can lift the block."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.management import call_command

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def curator(django_user_model):
    return django_user_model.objects.create_superuser("curator", "c@example.org", "right-pw")


def sign_in(client, password, address="203.0.113.7"):
    return client.post(LOGIN, {"username": "curator", "password": password}, REMOTE_ADDR=address)


def test_the_right_password_is_refused_after_too_many_wrong_ones(client, curator):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "wrong")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    locked = sign_in(client, "wrong")
    assert locked.status_code == 429

    response = sign_in(client, "right-pw")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed sign-ins" in html
    assert "/static/archive/css/site.css" in html
    assert client.get("/admin/").status_code == 302, "not signed in"


def test_every_attempt_is_on_record(client, curator):
    for _ in range(3):
        sign_in(client, "wrong")
    attempt = AccessAttempt.objects.get(username="curator")
    assert attempt.failures_since_start == 3
    assert attempt.ip_address == "203.0.113.7"
    assert AccessFailureLog.objects.filter(username="curator").count() == 3

    assert sign_in(client, "right-pw").status_code == 302
    assert AccessLog.objects.filter(username="curator", ip_address="203.0.113.7").exists()
    # A success before the limit starts the count again.
    assert not AccessAttempt.objects.filter(username="curator").exists()


def test_lockout_is_per_address_and_can_be_lifted(client, curator):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong")
    assert sign_in(client, "right-pw").status_code == 429
    # The same curator from another address is not locked out by an attacker elsewhere.
    assert sign_in(client, "right-pw", address="198.51.100.2").status_code == 302

    call_command("axes_reset", verbosity=0)
    assert sign_in(client, "right-pw").status_code == 302


def test_a_forged_forwarded_for_header_does_not_dodge_the_lockout(client, curator):
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": "curator", "password": "wrong"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
        )
    assert sign_in(client, "right-pw").status_code == 429
