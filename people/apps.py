from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """Named entities that documents point at. Imports nothing from `documents`."""

    name = "people"
    verbose_name = "People, organizations and places"

    def ready(self):
        from people.models import Organization, Person, Place
        from people.signals import track_slug_changes

        for model in (Person, Organization, Place):
            track_slug_changes(model)
