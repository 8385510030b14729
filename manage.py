#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    # `serve` is the production server, so it defaults to the production settings.
    serving = sys.argv[1:2] == ["serve"]
    os.environ.setdefault(
        "DJANGO_SETTINGS_MODULE",
        "archive.settings.production" if serving else "archive.settings.dev",
    )
    from django.conf import settings
    from django.core.management import execute_from_command_line

    # Load settings now so a misconfiguration (e.g. production without SECRET_KEY) stops the
    # command loudly instead of Django quietly falling back to defaults.
    settings.INSTALLED_APPS  # noqa: B018

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
