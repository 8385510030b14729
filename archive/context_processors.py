from django.conf import settings


def site(request):
    """The archive's name on every page."""
    return {
        "ARCHIVE_NAME": settings.ARCHIVE_NAME,
        "ARCHIVE_SHORT_NAME": settings.ARCHIVE_SHORT_NAME,
    }
