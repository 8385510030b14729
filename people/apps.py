from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """Named entities that documents point at. Imports nothing from `documents`."""

    name = "people"
    verbose_name = "People, organizations and places"
