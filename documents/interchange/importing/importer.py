"""The importer: check every row first, then write everything or nothing."""

from django.db import DatabaseError, transaction

from documents.interchange.formats import FormatError, ParsedFile, parse
from documents.interchange.importing.apply import Writer
from documents.interchange.importing.entities import EntityResolver
from documents.interchange.importing.existing import load_existing
from documents.interchange.importing.plan import RowPlanner
from documents.interchange.importing.report import REJECTED, ImportReport
from documents.interchange.importing.values import record_number
from documents.interchange.importing.vocabularies import declare_vocabularies, load_vocabularies
from documents.services.record_numbers import record_number_problems
from people.models import Organization, Person, Place

ENTITY_MODELS = {"person": Person, "organization": Organization, "place": Place}


def import_file(content, fmt, **options) -> ImportReport:
    """Parse and import a file's content (bytes or str). See `Importer` for the options."""
    try:
        parsed = parse(content, fmt)
    except FormatError as exc:
        report = ImportReport(dry_run=options.get("dry_run", True))
        report.errors.append(str(exc))
        return report
    return Importer(parsed, **options).run()


class Importer:
    """Imports a parsed file. `allow_publish` says whether the user may publish (the publish
    permission): rows that change the publication state are judged by the workflow's rule
    with it. `progress(stage, done, total)` is called while checking and writing."""

    def __init__(
        self,
        parsed: ParsedFile,
        *,
        dry_run: bool = True,
        create_repositories: bool = False,
        allow_publish: bool = True,
        progress=None,
        user=None,
        comment: str = "",
    ):
        self.parsed = parsed
        self.dry_run = dry_run
        self.options = {"create_repositories": create_repositories, "allow_publish": allow_publish}
        self.progress = progress or (lambda stage, done, total: None)
        self.user, self.comment = user, comment
        self.report = ImportReport(dry_run=dry_run, warnings=list(parsed.warnings))

    @property
    def allow_publish(self) -> bool:
        return self.options["allow_publish"]

    def run(self) -> ImportReport:
        report = self.report
        report.errors.extend(self.parsed.errors)
        if report.errors:
            return report
        try:
            with transaction.atomic():
                plans = self.plan()
                if self.dry_run or not report.ok:
                    return report
                self.write(plans)
                report.written = True
        except DatabaseError as exc:
            report.written = False
            report.errors.append(f"The database refused the import, nothing was written: {exc}")
        return report

    def write(self, plans) -> None:
        """Write checked plans (inside the transaction that planned them)."""
        writer = Writer(
            plans, self.existing, progress=self.progress, user=self.user, comment=self.comment
        )
        writer.write(self.vocab, self.entities)

    def plan(self) -> list:
        """Every row checked and classified; reads only (a real run locks the documents it
        will update). Returns the plans of the rows that are not rejected."""
        self.vocab = load_vocabularies()
        self.entities = {
            kind: EntityResolver(model, kind, self.report) for kind, model in ENTITY_MODELS.items()
        }
        declare_vocabularies(self.vocab, self.parsed.vocabularies, self.report)
        for kind in ENTITY_MODELS:
            self.entities[kind].declare(self.parsed.entities[kind], self.report)
        self.existing = load_existing(self.parsed.rows, lock=not self.dry_run)
        planner = RowPlanner(
            vocab=self.vocab,
            entities=self.entities,
            existing=self.existing,
            report=self.report,
            options=self.options,
            refused_numbers=self._refused_numbers(),
        )
        plans, total = [], len(self.parsed.rows)
        for done, row in enumerate(self.parsed.rows, start=1):
            plan = planner.plan(row)
            self.report.rows.append(plan.result)
            if plan.result.action != REJECTED:
                plans.append(plan)
            if done % 500 == 0 or done == total:
                self.progress("check", done, total)
        return plans

    def _refused_numbers(self) -> dict[int, str]:
        """New record numbers the file may not use (documents.services.record_numbers)."""
        numbers = set()
        for row in self.parsed.rows:
            number = record_number(row.data.get("record_number"))
            if isinstance(number, int) and number not in self.existing.by_number:
                numbers.add(number)
        return record_number_problems(numbers) if numbers else {}
