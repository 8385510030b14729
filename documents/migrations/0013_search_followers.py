"""The search outbox becomes a log every index reads to the end (one index per app node).

Rows are no longer deleted by the index that applied them: each carries its transaction's
id, each index keeps its own position, `SearchFollower` lists the indexes so the cleanup
deletes only what all of them have applied. Rows already queued get this migration's
transaction id; an index without a position applies them all again (which changes nothing).
"""

import django.db.models.functions.datetime
import documents.models.outbox
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0012_drop_search_vector'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchFollower',
            fields=[
                ('name', models.CharField(max_length=500, primary_key=True, serialize=False)),
                ('kind', models.CharField(choices=[('index', 'index'), ('rebuild', 'rebuild under way')], default='index', max_length=10)),
                ('horizon', models.BigIntegerField()),
                ('build', models.CharField(blank=True, max_length=200)),
                ('registered_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
                ('seen_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
            ],
            options={
                'verbose_name': 'search index follower',
                'default_permissions': (),
            },
        ),
        migrations.CreateModel(
            name='SearchOutboxFloor',
            fields=[
                ('id', models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ('deleted_below', models.BigIntegerField(default=0)),
                ('cleaned_at', models.DateTimeField(null=True)),
            ],
            options={
                'verbose_name': 'search outbox floor',
                'default_permissions': (),
            },
        ),
        migrations.RemoveIndex(
            model_name='searchoutbox',
            name='search_outbox_pending',
        ),
        migrations.RemoveField(
            model_name='searchoutbox',
            name='applied',
        ),
        migrations.AddField(
            model_name='searchoutbox',
            name='txid',
            field=models.BigIntegerField(db_default=documents.models.outbox.CurrentTransactionId()),
        ),
        migrations.AddIndex(
            model_name='searchoutbox',
            index=models.Index(fields=['txid', 'id'], name='search_outbox_position'),
        ),
    ]
