"""Pixel width and height of image scans, for IIIF canvases (filled on upload, or lazily)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("documents", "0005_oai_tombstones_and_last_change_index")]

    operations = [
        migrations.AddField(
            model_name="scan",
            name="width",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="scan",
            name="height",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
    ]
