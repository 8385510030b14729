"""Staff users in the real roles (the groups the roles migration creates).

The fixtures in `tests/conftest.py` (`archivist`, `editor`, `administrator`, their `*_client`s
and `anonymous`) are built from these; call them directly for a second user of a role.
"""

from django.contrib.auth.models import Permission

from tests.factories import UserFactory

ARCHIVIST, EDITOR, ADMINISTRATOR = "Archivist", "Editor", "Administrator"


def staff(*groups: str, **kwargs):
    """A staff user in the named groups, e.g. `staff("Editor", username="erin")`."""
    return UserFactory(is_staff=True, groups=list(groups), **kwargs)


def staff_with_permissions(*codenames: str, **kwargs):
    """A staff user holding exactly these permissions and no role: for tests of one
    permission (a role would bring others)."""
    user = UserFactory(is_staff=True, **kwargs)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user
