"""The three staff roles as groups: Archivist, Editor, Administrator.

Archivists curate (add, change, view; delete only the link, scan and subject-link rows that
admin inlines remove; subject headings are a controlled vocabulary they choose from). Editors
also add subject headings, publish, merge and delete documents, entities and collections. Administrators hold every permission of the archive's apps and of auth.

Permissions are normally created after `migrate` finishes, so this migration creates them
first. Running it again leaves the same groups with the same permissions; reversing it removes
the groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATED = {
    "documents": [
        "document",
        "documentperson",
        "documentorganization",
        "documentplace",
        "taggeddocument",
        "scan",
        "collection",
        "subject",
        "repository",
        "documenttype",
        "language",
        "funder",
    ],
    "people": ["person", "organization", "place", "formerslug"],
}
ARCHIVIST_DELETES = {
    "documents": [
        "documentperson",
        "documentorganization",
        "documentplace",
        "taggeddocument",
        "scan",
    ],
}
# Subjects are a controlled vocabulary: only editors add headings (see 0009).
ARCHIVIST_WITHOUT = {("documents", "add_subject")}
EDITOR_EXTRA = {
    "documents": ["publish_document", "merge_subject", "add_subject"]
    + [f"delete_{m}" for m in ("document", "collection")],
    "people": ["merge_person", "merge_organization", "merge_place"]
    + [f"delete_{m}" for m in ("person", "organization", "place")],
}
ADMINISTRATOR_APPS = ["documents", "people", "taggit", "auth"]
ROLES = ["Archivist", "Editor", "Administrator"]


def _create_all_permissions(apps):
    for app_config in apps.get_app_configs():
        # Historical app configs have no models module, which create_permissions checks.
        historical = getattr(app_config, "models_module", None) is None
        if historical:
            app_config.models_module = True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            if historical:
                app_config.models_module = None


def _codenames(spec):
    return {(app, codename) for app, codenames in spec.items() for codename in codenames}


def _permissions(apps, pairs):
    Permission = apps.get_model("auth", "Permission")
    found = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.select_related("content_type").filter(
            content_type__app_label__in={app for app, _ in pairs},
            codename__in={codename for _, codename in pairs},
        )
    }
    missing = pairs - found.keys()
    if missing:
        raise RuntimeError(f"Permissions missing for the staff roles: {sorted(missing)}")
    return [found[pair] for pair in sorted(pairs)]


def create_roles(apps, schema_editor):
    _create_all_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    archivist = {
        (app, f"{action}_{model}")
        for app, models in CURATED.items()
        for model in models
        for action in ("add", "change", "view")
    } | {(app, f"delete_{m}") for app, models in ARCHIVIST_DELETES.items() for m in models}
    archivist -= ARCHIVIST_WITHOUT
    editor = archivist | _codenames(EDITOR_EXTRA)

    roles = {
        "Archivist": _permissions(apps, archivist),
        "Editor": _permissions(apps, editor),
        "Administrator": list(
            Permission.objects.filter(content_type__app_label__in=ADMINISTRATOR_APPS)
        ),
    }
    for name, permissions in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("people", "0001_initial"),
        ("documents", "0002_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
