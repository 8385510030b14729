"""Subjects are a controlled vocabulary: only editors add new headings (from the subject
admin, or from the document form's subject box). Archivists choose existing ones."""

from django.db import migrations


def _add_subject(apps):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="documents", codename="add_subject"
    ).first()


def archivists_choose_subjects(apps, schema_editor):
    permission = _add_subject(apps)
    Group = apps.get_model("auth", "Group")
    if permission is None:
        return
    for group in Group.objects.filter(name="Archivist"):
        group.permissions.remove(permission)
    for group in Group.objects.filter(name__in=["Editor", "Administrator"]):
        group.permissions.add(permission)


def archivists_add_subjects(apps, schema_editor):
    permission = _add_subject(apps)
    if permission is not None:
        for group in apps.get_model("auth", "Group").objects.filter(name="Archivist"):
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("documents", "0008_curation_notes_and_pending_revisions")]

    operations = [migrations.RunPython(archivists_choose_subjects, archivists_add_subjects)]
