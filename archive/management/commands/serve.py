"""`manage.py serve`: the production server -- gunicorn with the production settings.

    SECRET_KEY=... ALLOWED_HOSTS=archive.example.org DATABASE_URL=postgres://... \
        .venv/bin/python manage.py serve [--bind 0.0.0.0:8000] [--workers 4] [--migrate]

Collects static files (served by WhiteNoise) when any changed since the last collection,
optionally applies migrations, then replaces itself with the gunicorn master
(archive/gunicorn.py holds its settings), so signals reach gunicorn directly: HUP reloads
gracefully, TERM stops after the requests in flight.
"""

import os
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

MANIFEST = "staticfiles.json"


def static_files_are_current() -> bool:
    """True when the collected files are newer than every source file (collecting and
    compressing them all takes a while, so restarts skip it when nothing changed)."""
    manifest = Path(settings.STATIC_ROOT) / MANIFEST
    if not manifest.exists():
        return False
    collected = manifest.stat().st_mtime
    for finder in get_finders():
        for path, storage in finder.list([]):
            if os.path.getmtime(storage.path(path)) > collected:
                return False
    return True


class Command(BaseCommand):
    help = "Serve the site with gunicorn and the production settings (see archive/gunicorn.py)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", help="Address to listen on, e.g. 0.0.0.0:8000 ($BIND).")
        parser.add_argument("--workers", type=int, help="Worker processes ($WEB_CONCURRENCY).")
        parser.add_argument("--threads", type=int, help="Threads per worker ($GUNICORN_THREADS).")
        parser.add_argument(
            "--collectstatic",
            action="store_true",
            help="Collect static files even if none changed since the last collection.",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Never collect static files (done at build time).",
        )
        parser.add_argument(
            "--migrate", action="store_true", help="Apply database migrations before serving."
        )

    def handle(self, *args, bind=None, workers=None, threads=None, **options):
        if settings.DEBUG:
            self.stderr.write(
                self.style.WARNING(
                    "DEBUG is on: these are not production settings "
                    f"({os.environ.get('DJANGO_SETTINGS_MODULE')})."
                )
            )
        if not options["no_collectstatic"] and (
            options["collectstatic"] or not static_files_are_current()
        ):
            self.stdout.write("Collecting and compressing static files (this takes a while)…")
            self.stdout.flush()
            call_command("collectstatic", interactive=False, verbosity=0)
        if options["migrate"]:
            call_command("migrate", interactive=False, verbosity=1)
        environment = os.environ.copy()
        for variable, value in (
            ("BIND", bind),
            ("WEB_CONCURRENCY", workers),
            ("GUNICORN_THREADS", threads),
        ):
            if value is not None:
                environment[variable] = str(value)
        argv = [sys.executable, "-m", "gunicorn", "--config", "python:archive.gunicorn"]
        self.stdout.write(f"Starting gunicorn ({environment['DJANGO_SETTINGS_MODULE']})…")
        self.stdout.flush()
        os.chdir(settings.BASE_DIR)
        try:
            os.execve(sys.executable, argv, environment)
        except OSError as exc:
            raise CommandError(f"Could not start gunicorn: {exc}") from exc
