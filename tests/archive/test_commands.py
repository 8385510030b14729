"""Staff roles (groups from the 0003_roles migration) and `manage.py create_archivist`."""

import importlib
from io import StringIO

import pytest
from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STRONG = "Kashgar-Urumqi-1937"
roles_migration = importlib.import_module("documents.migrations.0003_roles")


def _perms(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def _create(*args, **kwargs) -> str:
    out = StringIO()
    call_command("create_archivist", *args, stdout=out, stderr=StringIO(), **kwargs)
    return out.getvalue()


# Groups and their permissions.


def test_archivist_curates_but_cannot_publish_merge_or_delete_records(archivist):
    for perm in [
        "documents.add_document",
        "documents.change_document",
        "documents.view_document",
        "people.add_person",
        "people.change_organization",
        "people.view_place",
        "documents.change_subject",
        "documents.add_collection",
        "documents.add_repository",
        "documents.delete_documentperson",
        "documents.delete_documentorganization",
        "documents.delete_documentplace",
        "documents.delete_taggeddocument",
        "documents.delete_scan",
    ]:
        assert archivist.has_perm(perm), perm
    for perm in [
        "documents.publish_document",
        "people.merge_person",
        "people.merge_organization",
        "people.merge_place",
        "documents.merge_subject",
        "documents.delete_document",
        "people.delete_person",
        "people.delete_organization",
        "people.delete_place",
        "documents.delete_collection",
        "auth.add_user",
    ]:
        assert not archivist.has_perm(perm), perm


def test_editor_has_everything_an_archivist_has_plus_publish_merge_delete(editor):
    assert _perms("Archivist") < _perms("Editor")
    assert _perms("Editor") - _perms("Archivist") == {
        "documents.add_subject",  # subjects: a controlled vocabulary
        "documents.publish_document",
        "documents.merge_subject",
        "documents.delete_document",
        "documents.delete_collection",
        "people.merge_person",
        "people.merge_organization",
        "people.merge_place",
        "people.delete_person",
        "people.delete_organization",
        "people.delete_place",
    }
    assert editor.has_perm("documents.publish_document")
    assert editor.has_perm("people.merge_person")
    assert not editor.has_perm("auth.change_user")


def test_administrator_holds_every_permission_of_the_archive_and_auth_apps(administrator):
    expected = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.filter(
            content_type__app_label__in=["documents", "people", "taggit", "auth"]
        ).values_list("content_type__app_label", "codename")
    }
    assert _perms("Administrator") == expected
    assert administrator.has_perm("auth.add_user")
    assert administrator.has_perm("documents.publish_document")
    assert not administrator.is_superuser


def test_roles_migration_is_idempotent_and_reversible():
    before = {name: _perms(name) for name in roles_migration.ROLES}
    roles_migration.create_roles(global_apps, None)
    assert {name: _perms(name) for name in roles_migration.ROLES} == before
    assert Group.objects.filter(name__in=roles_migration.ROLES).count() == 3

    roles_migration.remove_roles(global_apps, None)
    assert not Group.objects.filter(name__in=roles_migration.ROLES).exists()
    roles_migration.create_roles(global_apps, None)
    assert {name: _perms(name) for name in roles_migration.ROLES} == before


# create_archivist.


def test_create_archivist_with_a_password_option():
    output = _create("nadia", "--email", "nadia@example.org", "--password", STRONG, "--noinput")
    assert "Created staff account “nadia” (Archivist)" in output
    user = get_user_model().objects.get(username="nadia")
    assert user.is_staff and user.is_active and not user.is_superuser
    assert user.email == "nadia@example.org"
    assert user.check_password(STRONG)
    assert [g.name for g in user.groups.all()] == ["Archivist"]
    assert not user.has_perm("documents.publish_document")
    assert user.has_perm("documents.change_document")


def test_create_archivist_reads_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("ARCHIVIST_PASSWORD", STRONG)
    _create("editor1", "--noinput", "--role", "Editor")
    user = get_user_model().objects.get(username="editor1")
    assert user.check_password(STRONG)
    assert user.has_perm("documents.publish_document")


def test_create_archivist_prompts_for_the_password(monkeypatch):
    answers = iter(["", STRONG, "typo", STRONG, STRONG])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    _create("prompted")
    assert get_user_model().objects.get(username="prompted").check_password(STRONG)


def test_create_archivist_without_a_password_refuses_a_new_account(monkeypatch):
    monkeypatch.delenv("ARCHIVIST_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="needs a password"):
        _create("nopass", "--noinput")
    assert not get_user_model().objects.filter(username="nopass").exists()


def test_create_archivist_rejects_a_weak_password():
    with pytest.raises(CommandError, match="too short|too common|entirely numeric"):
        _create("weak", "--password", "1234", "--noinput")
    assert not get_user_model().objects.filter(username="weak").exists()


def test_create_archivist_rejects_an_unknown_role():
    with pytest.raises(CommandError, match="invalid choice"):
        _create("someone", "--password", STRONG, "--role", "Superuser", "--noinput")


def test_create_archivist_changes_the_role_of_an_existing_user(monkeypatch):
    monkeypatch.delenv("ARCHIVIST_PASSWORD", raising=False)
    _create("promoted", "--password", STRONG, "--noinput")
    output = _create("promoted", "--role", "Editor", "--noinput")
    assert "Updated staff account “promoted” (Editor)" in output
    user = get_user_model().objects.get(username="promoted")
    # The role replaces the old one; the password is kept when none is given.
    assert [g.name for g in user.groups.all()] == ["Editor"]
    assert user.check_password(STRONG)
    assert user.has_perm("documents.publish_document")


def test_create_archivist_keeps_unrelated_groups():
    other = Group.objects.create(name="Translators")
    user = UserFactory(username="translator")
    user.groups.add(other)
    _create("translator", "--password", STRONG, "--role", "Administrator", "--noinput")
    assert {g.name for g in user.groups.all()} == {"Translators", "Administrator"}
    user.refresh_from_db()
    assert user.is_staff
