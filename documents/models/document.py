"""The document: its description, partial date, texts and publication state.

Who may see it is decided in `documents.selectors`; how it is written (sanitized text, slug,
`published_at`, publication rule, history, search upkeep) in `documents.services.documents`.
`save()` is Django's own: write through the service."""

import json
from datetime import timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Coalesce, ExtractDay, Greatest
from django.db.models.lookups import Exact
from django.urls import reverse
from taggit.managers import TaggableManager

from archive.partialdates import PartialDate, Precision
from archive.text import folded
from documents.models.vocabularies import Collection, DocumentType, Funder, Language, Repository
from people.models import Organization, Person, Place

RECORD_NUMBER_SEQUENCE = "documents_record_number_seq"


def last_change():
    """When a document last changed for readers: its last save, or the moment its embargo
    lifted if that is later. OAI-PMH datestamps and bulk-download staleness use it; the
    `document_last_change_idx` index is built on exactly this expression."""
    return Greatest("updated_at", Coalesce("publish_on", "updated_at"))


def prefetch_many_to_many(documents: list, names: tuple[str, ...]) -> None:
    """Fill each document's prefetch cache for these many-to-many fields from one UNION
    statement: (field, document id, the related row as JSON), in the related model's order."""
    documents = [doc for doc in documents if doc.pk is not None]
    if not documents:
        return
    quote = connection.ops.quote_name
    parts, params, fields = [], [], {}
    for name in names:
        field = Document._meta.get_field(name)
        through = field.remote_field.through._meta.db_table
        target = field.related_model
        fields[name] = field
        parts.append(
            f"SELECT %s, t.{quote(field.m2m_column_name())}, row_to_json(r)::text "
            f"FROM {quote(through)} t JOIN {quote(target._meta.db_table)} r "
            f"ON r.{quote(target._meta.pk.column)} = t.{quote(field.m2m_reverse_name())} "
            f"WHERE t.{quote(field.m2m_column_name())} = ANY(%s)"
        )
        params += [name, [doc.pk for doc in documents]]
    found: dict[tuple[str, int], list] = {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for name, document_id, data in cursor.fetchall():
            target = fields[name].related_model
            values = json.loads(data)
            columns = target._meta.concrete_fields
            record = target.from_db(
                connection.alias,
                [column.attname for column in columns],
                [column.to_python(values[column.column]) for column in columns],
            )
            found.setdefault((name, document_id), []).append(record)
    for name, field in fields.items():
        order = [key.lstrip("-") for key in field.related_model._meta.ordering or ["pk"]]
        for doc in documents:
            records = found.get((name, doc.pk), [])
            records.sort(key=lambda r: tuple(getattr(r, key) or "" for key in order))
            queryset = getattr(doc, name).all()
            queryset._result_cache, queryset._prefetch_done = records, True
            doc._prefetched_objects_cache = getattr(doc, "_prefetched_objects_cache", {})
            doc._prefetched_objects_cache[field.name] = queryset


def search_vector():
    """The weighted text of a document as PostgreSQL's full-text search reads it (the
    weights the engine's field boosts follow): title A; summary and entity names B;
    translation C; citation and original D."""
    return (
        SearchVector(folded(F("title")), config="english", weight="A")
        + SearchVector(folded(F("summary")), config="english", weight="B")
        + SearchVector(folded(F("entity_text")), config="english", weight="B")
        + SearchVector(folded(F("full_text")), config="english", weight="C")
        + SearchVector(folded(F("source_citation")), config="simple", weight="D")
        + SearchVector(folded(F("original_text")), config="simple", weight="D")
    )


class DocumentQuerySet(models.QuerySet):
    """Documents, with `prefetch_together()`: several many-to-many relations of the loaded
    documents (languages, funders, collections...) in one statement instead of one each."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._together: tuple[str, ...] = ()

    def _clone(self):
        clone = super()._clone()
        clone._together = self._together
        return clone

    def prefetch_together(self, *names: str):
        """As `prefetch_related(*names)` for plain many-to-many fields, in one statement."""
        clone = self._chain()
        clone._together = (*clone._together, *names)
        return clone

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if (
            fresh
            and self._together
            and issubclass(self._iterable_class, models.query.ModelIterable)
        ):
            prefetch_many_to_many(self._result_cache, self._together)

    def chronological(self):
        return self.order_by(F("date_earliest").asc(nulls_last=True), "record_number")

    def search(self, q: str):
        """Documents matching reader input in web-search syntax ("quoted phrase", or, -word) as
        PostgreSQL's own full-text search reads it, annotated with `search_vector` and `rank`.

        Computed row by row: there is no stored vector or index (readers search the search
        engine, `documents.search.engine`), so this is for small sets only, e.g. the reference
        the engine is tested against. Accents are folded on both sides."""
        from archive.text import fold

        query = SearchQuery(fold(q), search_type="websearch", config="english")
        return (
            self.annotate(search_vector=search_vector())
            .filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
        )


class DocumentManager(models.Manager.from_queryset(DocumentQuerySet)):
    def get_by_natural_key(self, record_number):
        return self.get(record_number=record_number)


class Document(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    record_number = models.PositiveIntegerField(
        unique=True,
        editable=False,
        db_default=Func(Value(RECORD_NUMBER_SEQUENCE), function="nextval"),
        help_text="Stable public number, assigned once and never reused.",
    )
    slug = models.SlugField(
        max_length=255,
        blank=True,
        help_text="The title in the page address; blank fills it from the title. "
        "Old addresses keep working.",
    )
    title = models.CharField(max_length=500, help_text="The document's title as published.")

    date_precision = models.CharField(
        "date precision",
        max_length=8,
        choices=Precision.choices,
        default=Precision.DAY,
        help_text="How exactly the date is known. Month: earliest is the 1st; year: January 1.",
    )
    date_earliest = models.DateField(
        "date (earliest)",
        null=True,
        blank=True,
        help_text="The date, or the first day it may be. Empty only when undated.",
    )
    date_latest = models.DateField(
        "date (latest)",
        null=True,
        blank=True,
        help_text="The last day it may be. Filled in for day, month and year precision; "
        "give it for a range.",
    )
    date_circa = models.BooleanField(
        "circa", default=False, help_text="The date is approximate (shown as “c.”)."
    )

    summary = models.TextField(
        blank=True, help_text="One or two sentences on what the document says; shown in lists."
    )
    full_text = models.TextField(
        blank=True,
        help_text="English translation. Limited HTML (paragraphs, emphasis, lists, tables, "
        "footnotes); anything else is removed on save. Leave empty if no text is available.",
    )
    original_text = models.TextField(
        blank=True,
        help_text="Text in the original language, same limited HTML. Leave empty if unknown.",
    )
    original_languages = models.ManyToManyField(
        Language,
        blank=True,
        related_name="documents",
        help_text="Language(s) of the original.",
    )
    document_type = models.ForeignKey(
        DocumentType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        help_text="The document's form: decision, telegram, report...",
    )
    source_citation = models.CharField(
        max_length=500,
        blank=True,
        help_text="Archival locator of the original, e.g. “RGASPI, f. 17, op. 162, d. 18, "
        "ll. 140-141”. Leave empty when the locator is unknown; the page says so.",
    )
    repository = models.ForeignKey(
        Repository,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name="original archive",
        help_text="The archive that holds the original.",
    )
    obtained_by = models.CharField(
        max_length=255, blank=True, help_text="Who obtained the copy, e.g. “Jamil Hasanli”."
    )
    translated_by = models.CharField(
        max_length=255, blank=True, help_text="Who translated it, e.g. “Gary Goldberg”."
    )
    funders = models.ManyToManyField(
        Funder, blank=True, related_name="documents", help_text="Who funded obtaining it."
    )
    rights = models.TextField(
        blank=True, help_text="Rights statement for this document. Blank: the site's default."
    )
    original_classification = models.CharField(
        max_length=255,
        blank=True,
        help_text="Classification marked on the original, e.g. “Top Secret”.",
    )
    source_url = models.URLField(
        max_length=500,
        blank=True,
        help_text="Where this document was first published online, if elsewhere.",
    )
    collections = models.ManyToManyField(
        Collection,
        blank=True,
        related_name="documents",
        help_text="Collections this document belongs to.",
    )
    subjects = TaggableManager(
        through="TaggedDocument",
        blank=True,
        help_text="Subject headings, comma-separated. New ones are created as you type them.",
    )
    people = models.ManyToManyField(Person, through="DocumentPerson", related_name="documents")
    organizations = models.ManyToManyField(
        Organization, through="DocumentOrganization", related_name="documents"
    )
    places = models.ManyToManyField(Place, through="DocumentPlace", related_name="documents")

    status = models.CharField(
        max_length=16,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Only published documents (past any embargo) are public.",
    )
    publish_on = models.DateTimeField(
        "embargo until",
        null=True,
        blank=True,
        help_text="Optional embargo: a published document stays hidden until this moment.",
    )
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When it was first published."
    )
    internal_notes = models.TextField(
        blank=True, help_text="Notes for archivists; never shown on the public site."
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Incremented on every save; guards against lost edits."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Names and variants of linked entities and subjects (documents.search.entity_text), for
    # the admin's accent-blind search (readers search the engine, which indexes them itself).
    entity_text = models.TextField(blank=True, default="", editable=False)

    objects = DocumentManager()

    class Meta:
        ordering = [F("date_earliest").asc(nulls_last=True), "record_number"]
        permissions = [("publish_document", "Can publish, withdraw and embargo documents")]
        indexes = [
            models.Index(fields=["date_earliest", "date_latest"], name="document_date_idx"),
            # Covers what lists read from every public document (its id, year, type and
            # archive), so "published ids" for facets, histogram and home are index-only scans
            # instead of reads of the wide rows (10x faster at 50,000 documents).
            models.Index(
                fields=["status", "publish_on"],
                include=["id", "date_earliest", "document_type", "repository"],
                name="document_status_idx",
            ),
            # OAI-PMH lists pages in (last change, record number) order from a resumption point.
            models.Index(last_change(), F("record_number"), name="document_last_change_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        date_precision=Precision.UNDATED,
                        date_earliest__isnull=True,
                        date_latest__isnull=True,
                        date_circa=False,
                    )
                    | (
                        ~Q(date_precision=Precision.UNDATED)
                        & Q(date_earliest__isnull=False, date_latest__isnull=False)
                        & Q(date_latest__gte=F("date_earliest"))
                    )
                ),
                name="document_date_bounds",
                violation_error_message=(
                    "A dated document needs an earliest and a latest day, the latest not before "
                    "the earliest; an undated one has neither and is not circa."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(date_precision=Precision.DAY) | Q(date_latest=F("date_earliest")),
                name="document_date_day",
                violation_error_message="A day-precision date has one day: latest = earliest.",
            ),
            models.CheckConstraint(
                condition=~Q(date_precision=Precision.MONTH)
                | (
                    Q(date_earliest__day=1)
                    & Q(date_latest__year=F("date_earliest__year"))
                    & Q(date_latest__month=F("date_earliest__month"))
                    & Exact(ExtractDay(F("date_latest") + timedelta(days=1)), 1)
                ),
                name="document_date_month",
                violation_error_message=(
                    "A month-precision date runs from the first to the last day of one month."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(date_precision=Precision.YEAR)
                | Q(
                    date_earliest__month=1,
                    date_earliest__day=1,
                    date_latest__month=12,
                    date_latest__day=31,
                    date_latest__year=F("date_earliest__year"),
                ),
                name="document_date_year",
                violation_error_message=(
                    "A year-precision date runs from January 1 to December 31 of one year."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(date_precision=Precision.RANGE)
                | Q(date_latest__gt=F("date_earliest")),
                name="document_date_range",
                violation_error_message="A date range must end after it starts.",
            ),
            models.CheckConstraint(
                condition=~Q(title=""),
                name="document_title_not_empty",
                violation_error_message="A document needs a title.",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="document_published_has_timestamp",
                violation_error_message="A published document records when it was published.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def natural_key(self):
        return (self.record_number,)

    def get_absolute_url(self):
        return reverse(
            "document_detail", kwargs={"record_number": self.record_number, "slug": self.slug}
        )

    @property
    def date(self) -> PartialDate:
        return PartialDate(
            self.date_precision, self.date_earliest, self.date_latest, self.date_circa
        )

    @property
    def date_display(self) -> str:
        return self.date.display()

    @property
    def rights_statement(self) -> str:
        from django.conf import settings

        return self.rights or settings.ARCHIVE_DEFAULT_RIGHTS

    def set_date(self, text: str) -> None:
        """Set the date from archivist input such as `1945-07`, `1935/1936` or `c. 1936`."""
        value = PartialDate.parse(text)
        self.date_precision = value.precision
        self.date_earliest, self.date_latest = value.earliest, value.latest
        self.date_circa = value.circa

    def clean(self):
        from django.core.exceptions import ValidationError

        from archive.partialdates import month_end

        errors = {}
        precision, earliest = self.date_precision, self.date_earliest
        if precision == Precision.UNDATED:
            self.date_earliest = self.date_latest = None
            self.date_circa = False
        elif earliest is None:
            errors["date_earliest"] = "Give the date, or choose “Undated” as the precision."
        elif precision == Precision.DAY:
            self.date_latest = earliest
        elif precision == Precision.MONTH:
            self.date_earliest = earliest.replace(day=1)
            self.date_latest = month_end(earliest.year, earliest.month)
        elif precision == Precision.YEAR:
            self.date_earliest = earliest.replace(month=1, day=1)
            self.date_latest = earliest.replace(month=12, day=31)
        elif precision == Precision.RANGE:
            if self.date_latest is None:
                errors["date_latest"] = "A range needs its last day."
            elif self.date_latest <= earliest:
                errors["date_latest"] = "A date range must end after it starts."
        if not (self.title or "").strip():
            errors["title"] = "A document needs a title."
        if errors:
            raise ValidationError(errors)
