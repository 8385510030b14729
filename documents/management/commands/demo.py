"""`manage.py demo`: one command from a fresh clone to a running archive with the demo data.

Migrates, loads `fixtures/demo.json`, makes a demo Editor login (development only) and serves
the site. The fixed demo password is made and printed only when DEBUG is on, so the command
can never leave a known password on a production site.
"""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from archive.management.staff import ensure_staff_user
from documents.models import Document
from documents.selectors import published_documents

DEMO_USERNAME = "archivist"
DEMO_PASSWORD = "xinjiang-demo-1935"
DEMO_ROLE = "Editor"


class Command(BaseCommand):
    help = "Migrate, load the demo collection, make a demo login (DEBUG only) and serve the site."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve",
            action="store_false",
            dest="serve",
            help="Set everything up but do not start the web server.",
        )
        parser.add_argument(
            "--addrport",
            default="127.0.0.1:8000",
            help="Address and port to serve on (default 127.0.0.1:8000).",
        )

    def handle(self, *args, **options):
        # runserver's autoreloader re-runs this command in a child process; the parent has
        # already set everything up, so the child only serves.
        reloaded_child = os.environ.get("RUN_MAIN") == "true"
        addrport = options["addrport"]
        if not reloaded_child:
            self._set_up()
            host, _, port = addrport.rpartition(":")
            url = f"http://{host or '127.0.0.1'}:{port}/"
            self.stdout.write(f"Site: {url}   Admin: {url}admin/")
            if options["serve"]:
                self._step("Serving the site (Ctrl-C stops it)")
        if options["serve"]:
            call_command("runserver", addrport)

    def _set_up(self):
        self._step("Applying migrations")
        call_command("migrate", interactive=False, verbosity=0)
        existing = Document.objects.count()
        if existing:
            # Reloading would overwrite archivists' edits to the demo documents.
            self._step(f"Keeping the {existing} documents already here (demo not reloaded)")
        else:
            self._step("Loading the demo collection (fixtures/demo.json)")
            call_command("loaddata", "demo", verbosity=0)
        count = published_documents().count()
        self.stdout.write(f"  {count} published documents.")
        if settings.DEBUG:
            self._step("Ensuring the demo login")
            ensure_staff_user(DEMO_USERNAME, DEMO_ROLE, password=DEMO_PASSWORD)
            self.stdout.write(
                f"  Log in as “{DEMO_USERNAME}” with password “{DEMO_PASSWORD}” "
                f"({DEMO_ROLE}: may publish)."
            )
        else:
            self.stdout.write(
                "  DEBUG is off, so no demo login was made; "
                "create one with `manage.py create_archivist USERNAME`."
            )

    def _step(self, text: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(f"→ {text}…"))
