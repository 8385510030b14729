"""Where the current bulk download of the published collection is, per format."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("documents", "0006_scan_dimensions")]

    operations = [
        migrations.CreateModel(
            name="CollectionExport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("format", models.CharField(max_length=16, unique=True)),
                (
                    "file",
                    models.CharField(help_text="Name in the default storage.", max_length=255),
                ),
                ("size", models.PositiveBigIntegerField(help_text="Bytes.")),
                ("sha256", models.CharField(max_length=64)),
                (
                    "documents",
                    models.PositiveIntegerField(help_text="How many documents the file holds."),
                ),
                (
                    "fingerprint",
                    models.CharField(
                        help_text="The state of the published collection the file was built "
                        "from.",
                        max_length=64,
                    ),
                ),
                ("generated_at", models.DateTimeField()),
            ],
            options={"ordering": ["format"], "default_permissions": ()},
        ),
    ]
