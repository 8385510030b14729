"""People, organizations and places: the named entities that documents point at.

This app imports nothing from `documents`; documents link here through typed relation models.
Entities are written through `people.services` (slug, sort name, dates, newlines, lock, history).
"""

import json

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.safestring import mark_safe

from archive.partialdates import display_partial_date, validate_partial_date


class EntityQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def matching_name(self, name: str):
        """Entities whose name, abbreviation or one of whose variants is exactly `name`."""
        name = name.strip()
        q = Q(name__iexact=name) | Q(variants__iregex=rf"(^|\n){_regex_escape(name)}(\n|$)")
        if hasattr(self.model, "abbreviation"):
            q |= Q(abbreviation__iexact=name)
        return self.filter(q)


def _regex_escape(text: str) -> str:
    import re

    return re.escape(text)


# Authority identifiers: (field, label, format, example, address of the record).
AUTHORITIES = {
    "wikidata": ("Wikidata", r"Q[1-9][0-9]*", "Q57286", "https://www.wikidata.org/wiki/{}"),
    "viaf": ("VIAF", r"[1-9][0-9]{0,21}", "59878606", "https://viaf.org/viaf/{}"),
    "geonames": ("GeoNames", r"[1-9][0-9]{0,9}", "1529102", "https://www.geonames.org/{}"),
    "lcnaf": (
        "LCNAF",
        r"n[bro]?[0-9]{8,10}",
        "n80126307",
        "https://id.loc.gov/authorities/names/{}",
    ),
}


def authority_field(key: str) -> models.CharField:
    label, pattern, example, _url = AUTHORITIES[key]
    return models.CharField(
        f"{label} ID",
        max_length=32,
        blank=True,
        validators=[
            RegexValidator(
                rf"^{pattern}\Z",
                f"Not a {label} identifier: write it as in “{example}”.",
            )
        ],
        help_text=f"The {label} identifier, e.g. “{example}”. Blank: none known.",
    )


class Entity(models.Model):
    """Fields every named entity shares. `version` backs optimistic locking of admin edits."""

    name = models.CharField(
        max_length=255,
        help_text="The form of the name readers see first, e.g. “Ma Zhongying”.",
    )
    slug = models.SlugField(
        max_length=255,
        unique=True,
        blank=True,
        help_text="The name in the page address; blank fills it from the name. Changing it "
        "keeps the old address working.",
    )
    variants = models.TextField(
        blank=True,
        help_text=(
            "Other spellings, transliterations and original-script forms, one per line "
            "(e.g. “Ma Chung-ying”, “马仲英”). Search finds the entity by any of them."
        ),
    )
    description = models.TextField(
        blank=True, help_text="A short public description: who or what this is, and why it matters."
    )
    certainty_note = models.TextField(
        blank=True,
        help_text="Public note on what is disputed or uncertain (e.g. sources disagree on a date).",
    )
    notes = models.TextField(
        blank=True, help_text="Internal notes for archivists; never shown on the public site."
    )
    wikidata = authority_field("wikidata")
    viaf = authority_field("viaf")
    lcnaf = authority_field("lcnaf")
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Incremented on every save; guards against lost edits."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EntityQuerySet.as_manager()
    AUTHORITY_FIELDS = ("wikidata", "viaf", "lcnaf")
    SCHEMA_TYPE = "Thing"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)

    @property
    def variant_list(self) -> list[str]:
        return [line.strip() for line in self.variants.splitlines() if line.strip()]

    @property
    def all_names(self) -> list[str]:
        return [self.name, *self.variant_list]

    def authority_links(self) -> list[tuple[str, str, str]]:
        """(authority, identifier, address) for each identifier recorded, in a fixed order:
        the entity page links them, its JSON-LD lists the addresses as `sameAs`."""
        links = []
        for key in self.AUTHORITY_FIELDS:
            value = (getattr(self, key) or "").strip()
            if value:
                label, _pattern, _example, url = AUTHORITIES[key]
                links.append((label, value, url.format(value)))
        return links

    def json_ld(self, url: str = "") -> dict:
        """The entity in schema.org terms: a small core that fuller JSON-LD can extend."""
        data = {"@context": "https://schema.org", "@type": self.SCHEMA_TYPE, "name": self.name}
        if url:
            data["url"] = url
        if self.variant_list:
            data["alternateName"] = self.variant_list
        same_as = [address for _label, _value, address in self.authority_links()]
        if same_as:
            data["sameAs"] = same_as
        return data

    def json_ld_script(self, url: str = "") -> str:
        """`json_ld()` safe inside a <script type="application/ld+json"> element."""
        text = json.dumps(self.json_ld(url), ensure_ascii=False)
        escaped = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return mark_safe(escaped)  # noqa: S308 - JSON with <, > and & escaped


class Person(Entity):
    SCHEMA_TYPE = "Person"
    sort_name = models.CharField(
        max_length=255,
        blank=True,
        help_text="How the name sorts in A–Z lists, e.g. “Beria, Lavrentiy”. Blank: the name.",
    )
    birth = models.CharField(
        max_length=32,
        blank=True,
        validators=[validate_partial_date],
        help_text="Birth date as YYYY, YYYY-MM or YYYY-MM-DD; add “~” for circa. Blank: unknown.",
    )
    death = models.CharField(
        max_length=32,
        blank=True,
        validators=[validate_partial_date],
        help_text="Death date as YYYY, YYYY-MM or YYYY-MM-DD; add “~” for circa. Blank: unknown.",
    )

    class Meta:
        ordering = ["sort_name", "name"]
        verbose_name_plural = "people"
        permissions = [("merge_person", "Can merge people")]
        indexes = [models.Index(fields=["sort_name", "name"])]

    def get_absolute_url(self):
        return reverse("person_detail", kwargs={"slug": self.slug})

    @property
    def birth_display(self) -> str:
        return display_partial_date(self.birth)

    @property
    def death_display(self) -> str:
        return display_partial_date(self.death)

    @property
    def life_dates(self) -> str:
        """“1899–1953”, “b. 1899”, “d. 1953” or ""."""
        birth, death = self.birth_display, self.death_display
        if birth and death:
            return f"{birth}–{death}"
        if birth:
            return f"b. {birth}"
        if death:
            return f"d. {death}"
        return ""


class Organization(Entity):
    SCHEMA_TYPE = "Organization"
    abbreviation = models.CharField(
        max_length=64, blank=True, help_text="The usual short form, e.g. “NKVD”."
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The body this one is part of (a Politburo is part of a Central Committee).",
    )
    founded = models.CharField(
        max_length=32,
        blank=True,
        validators=[validate_partial_date],
        help_text="Founding date as YYYY, YYYY-MM or YYYY-MM-DD. Blank: unknown.",
    )
    dissolved = models.CharField(
        max_length=32,
        blank=True,
        validators=[validate_partial_date],
        help_text="Dissolution date as YYYY, YYYY-MM or YYYY-MM-DD. Blank: unknown or extant.",
    )

    class Meta:
        ordering = ["name"]
        permissions = [("merge_organization", "Can merge organizations")]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("pk")),
                name="organization_not_own_parent",
            ),
        ]

    def __str__(self) -> str:
        if self.abbreviation and self.abbreviation not in self.name:
            return f"{self.name} ({self.abbreviation})"
        return self.name

    def get_absolute_url(self):
        return reverse("organization_detail", kwargs={"slug": self.slug})

    @property
    def all_names(self) -> list[str]:
        names = [self.name, *self.variant_list]
        if self.abbreviation:
            names.insert(1, self.abbreviation)
        return names

    @property
    def founded_display(self) -> str:
        return display_partial_date(self.founded)

    @property
    def dissolved_display(self) -> str:
        return display_partial_date(self.dissolved)


class Place(Entity):
    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        REGION = "region", "Region"
        PROVINCE = "province", "Province"
        DISTRICT = "district", "District"
        CITY = "city", "City"
        TOWN = "town", "Town or village"
        FEATURE = "feature", "Natural feature"
        OTHER = "other", "Other"

    kind = models.CharField(
        max_length=16,
        choices=Kind.choices,
        default=Kind.OTHER,
        help_text="What sort of place this is.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The larger place this lies in (Kashgar lies in Xinjiang).",
    )
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        help_text="Decimal degrees north (negative: south). Give both coordinates or neither.",
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        help_text="Decimal degrees east (negative: west). Give both coordinates or neither.",
    )
    geonames = authority_field("geonames")
    AUTHORITY_FIELDS = ("wikidata", "geonames", "viaf", "lcnaf")
    SCHEMA_TYPE = "Place"

    class Meta:
        ordering = ["name"]
        permissions = [("merge_place", "Can merge places")]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("pk")), name="place_not_own_parent"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="place_coordinates_both_or_neither",
                violation_error_message="Give both latitude and longitude, or neither.",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="place_latitude_range",
                violation_error_message="Latitude must lie between -90 and 90.",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="place_longitude_range",
                violation_error_message="Longitude must lie between -180 and 180.",
            ),
        ]

    def get_absolute_url(self):
        return reverse("place_detail", kwargs={"slug": self.slug})

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class FormerSlug(models.Model):
    """An address an entity used to have; its page redirects (301) to the current one.

    Written when a slug changes or when a merge retires the losing records.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    slug = models.SlugField(max_length=255, help_text="The retired slug.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "slug"], name="former_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.slug


def retired_slugs(model, base: str) -> list[str]:
    """Retired slugs of `model` starting with `base`: they still redirect, so never reuse them."""
    content_type = ContentType.objects.get_for_model(model)
    return list(
        FormerSlug.objects.filter(content_type=content_type, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )


def resolve_former_slug(model, slug):
    """The record of `model` that used to be at `slug` (renamed or merged away), or None.

    Entity views call this when no record has the slug now, and redirect (301) to the
    result's current address."""
    if not slug or "\x00" in slug:  # PostgreSQL text cannot hold NUL
        return None
    concrete = model._meta.concrete_model
    former = FormerSlug.objects.filter(
        content_type=ContentType.objects.get_for_model(concrete), slug=slug
    ).values("object_id")
    return model._default_manager.filter(pk__in=former).first()
