"""Subjects are a controlled vocabulary: only editors add new headings (from the subject
admin, or from the document form's subject box); archivists choose existing ones. The roles
are set again from their definition in 0003 (which now says so), which also gives
administrators the permissions of the models added since (pending revisions, workflow
notes)."""

from importlib import import_module

from django.db import migrations


def set_roles(apps, schema_editor):
    import_module("documents.migrations.0003_roles").create_roles(apps, schema_editor)


def archivists_add_subjects(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(
        content_type__app_label="documents", codename="add_subject"
    ).first()
    if permission is not None:
        for group in apps.get_model("auth", "Group").objects.filter(name="Archivist"):
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("documents", "0009_curation_notes_and_pending_revisions")]

    operations = [migrations.RunPython(set_roles, archivists_add_subjects)]
