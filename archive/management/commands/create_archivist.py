"""`manage.py create_archivist USERNAME`: a staff login in the Archivist, Editor or
Administrator role, without handing out superuser rights."""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from archive.management.staff import ROLES, ensure_staff_user

PASSWORD_ENV = "ARCHIVIST_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create (or update) a staff account in one role. The password comes from --password, "
        f"a prompt, or with --noinput the {PASSWORD_ENV} environment variable."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="The account's e-mail address.")
        parser.add_argument(
            "--password",
            help=f"The password (visible in shell history; prefer the prompt or {PASSWORD_ENV}).",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help=f"Never prompt; read the password from {PASSWORD_ENV}.",
        )
        parser.add_argument(
            "--role",
            choices=ROLES,
            default="Archivist",
            help="The staff role (default: Archivist).",
        )

    def handle(self, *args, **options):
        username = options["username"].strip()
        if not username:
            raise CommandError("The username cannot be blank.")
        exists = get_user_model().objects.filter(username=username).exists()
        password = options["password"]
        if password is None and not options["interactive"]:
            password = os.environ.get(PASSWORD_ENV) or None
        if password is None and options["interactive"]:
            password = self._prompt(username, keep_blank=exists)
        if password is None and not exists:
            raise CommandError(
                f"A new account needs a password: pass --password or set {PASSWORD_ENV}."
            )
        if password is not None:
            candidate = get_user_model()(username=username, email=options["email"])
            try:
                validate_password(password, candidate)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
        user, created = ensure_staff_user(
            username, options["role"], password=password, email=options["email"]
        )
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} staff account “{user}” ({options['role']})."))

    def _prompt(self, username: str, keep_blank: bool) -> str | None:
        """Ask twice; for an existing account a blank answer keeps its password."""
        hint = " (blank: keep the current one)" if keep_blank else ""
        while True:
            password = getpass.getpass(f"Password for {username}{hint}: ")
            if not password and keep_blank:
                return None
            if password and password == getpass.getpass("Password (again): "):
                return password
            self.stderr.write("The passwords were empty or did not match; try again.")
