"""Tombstones of documents that stopped being public (OAI-PMH deleted records), and an index
on each document's last change for harvesting in datestamp order."""

import django.contrib.postgres.fields
import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_covering_published_index"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="DocumentTombstone",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "record_number",
                    models.PositiveIntegerField(
                        help_text="The record number the public knew (never reused).", unique=True
                    ),
                ),
                (
                    "title",
                    models.CharField(blank=True, help_text="Its title when it went.", max_length=500),
                ),
                (
                    "collections",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=255),
                        blank=True,
                        default=list,
                        help_text="Slugs of its collections when it went, so harvesters of a set "
                        "hear of it.",
                        size=None,
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("withdrawn", "Withdrawn"),
                            ("draft", "Returned to draft"),
                            ("review", "Returned to review"),
                            ("embargoed", "Embargoed again"),
                            ("deleted", "Deleted"),
                        ],
                        max_length=16,
                    ),
                ),
                (
                    "removed_at",
                    models.DateTimeField(help_text="When it stopped being public (latest time)."),
                ),
            ],
            options={"ordering": ["removed_at", "record_number"], "default_permissions": ()},
        ),
        migrations.AddIndex(
            model_name="documenttombstone",
            index=models.Index(fields=["removed_at", "record_number"], name="tombstone_removed_idx"),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                django.db.models.functions.comparison.Greatest(
                    "updated_at",
                    django.db.models.functions.comparison.Coalesce("publish_on", "updated_at"),
                ),
                models.F("record_number"),
                name="document_last_change_idx",
            ),
        ),
    ]
