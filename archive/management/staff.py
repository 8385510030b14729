"""Staff accounts in one of the three roles created by `documents/migrations/0003_roles`."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from django.db import transaction

ROLES = ("Archivist", "Editor", "Administrator")


@transaction.atomic
def ensure_staff_user(username: str, role: str, password: str | None = None, email: str = ""):
    """Create or update a staff user holding exactly one role; returns (user, created).

    A role replaces any other role the user had, so `--role Editor` promotes an archivist.
    `password=None` keeps an existing user's password.
    """
    if role not in ROLES:
        raise CommandError(f"Unknown role “{role}”: choose one of {', '.join(ROLES)}.")
    try:
        group = Group.objects.get(name=role)
    except Group.DoesNotExist:
        raise CommandError(f"The “{role}” group is missing: run `manage.py migrate`.") from None
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username)
    if created and password is None:
        raise CommandError(f"A new account needs a password; none was given for “{username}”.")
    if email:
        user.email = email
    if password is not None:
        user.set_password(password)
    user.is_staff = True
    user.is_active = True
    user.save()
    user.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(pk=group.pk))
    user.groups.add(group)
    return user, created
