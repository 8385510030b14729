"""The small vocabularies documents use: archives, types, languages, funders, collections,
subjects."""

from django.db import models
from django.urls import reverse
from taggit.models import TagBase

from archive.curation.slugs import unique_slug
from people.models import retired_slugs


class SlugNaturalKeyQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SlugNamed(models.Model):
    """A small named vocabulary record addressed by slug (repositories, types, funders...)."""

    name = models.CharField(max_length=255, unique=True, help_text="The name as readers see it.")
    slug = models.SlugField(
        max_length=255, unique=True, blank=True, help_text="The name in page addresses."
    )

    objects = SlugNaturalKeyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name, self._meta.model_name, retired=retired_slugs)
        super().save(*args, **kwargs)


class Repository(SlugNamed):
    """An archive that holds originals (RGASPI, GARF)."""

    abbreviation = models.CharField(
        max_length=32, blank=True, help_text="The usual short form, e.g. “RGASPI”."
    )
    location = models.CharField(max_length=255, blank=True, help_text="City and country.")
    url = models.URLField(blank=True, help_text="The repository's own website.")
    description = models.TextField(blank=True, help_text="A short public description.")

    class Meta(SlugNamed.Meta):
        verbose_name_plural = "repositories"

    def __str__(self) -> str:
        if self.abbreviation and self.abbreviation not in self.name:
            return f"{self.name} ({self.abbreviation})"
        return self.name


class DocumentType(SlugNamed):
    """The form of a document: decision, minutes, telegram, report, letter..."""

    description = models.TextField(blank=True, help_text="When to use this type.")


class Language(models.Model):
    code = models.CharField(
        max_length=16, unique=True, help_text="ISO 639 code, e.g. “ru”; used in `lang` attributes."
    )
    name = models.CharField(max_length=64, unique=True, help_text="English name, e.g. “Russian”.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.code,)

    class _Manager(models.Manager):
        def get_by_natural_key(self, code):
            return self.get(code=code)

    objects = _Manager()


class Funder(SlugNamed):
    """Who paid for obtaining or translating documents (shown in the funder line)."""


class Collection(models.Model):
    title = models.CharField(max_length=255, help_text="The collection's public title.")
    slug = models.SlugField(max_length=255, unique=True, help_text="The title in page addresses.")
    description = models.TextField(blank=True, help_text="What the collection holds and why.")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SlugNaturalKeyQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("collection_detail", kwargs={"slug": self.slug})


class Subject(TagBase):
    """A subject heading, attached to documents through taggit."""

    description = models.TextField(blank=True, help_text="Scope note: what belongs here.")

    objects = SlugNaturalKeyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [("merge_subject", "Can merge subjects")]

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("subject_detail", kwargs={"slug": self.slug})
