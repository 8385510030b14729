"""Record numbers: permanent public numbers, handed out by a database sequence.

Input may carry a record number (an import keeping another copy's numbers), but it can never
move the sequence past what is sane: a new number may be at most `RECORD_NUMBER_MARGIN` above
the highest number in use (counting the numbers accepted before it in the same file, taken in
ascending order), and never above `RECORD_NUMBER_LIMIT`. Without that, one row numbered
2,147,483,647 would exhaust the sequence and make every later "add document" fail.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Max

from documents.models import RECORD_NUMBER_SEQUENCE, Document

RECORD_NUMBER_MARGIN = 10_000
# Far below the column's limit (2,147,483,647): room for the sequence whatever input does.
RECORD_NUMBER_LIMIT = 999_999_999


def highest_record_number() -> int:
    return Document.objects.aggregate(n=Max("record_number"))["n"] or 0


def record_number_problems(numbers: Iterable[int], highest: int | None = None) -> dict[int, str]:
    """Number -> why a new document may not take it, for the numbers that are refused.

    Taken in ascending order, each accepted number raises the ceiling for the next, so a file
    numbering 1..50,000 into an empty archive is accepted and a lone 2,147,483,647 is not."""
    ceiling = highest_record_number() if highest is None else highest
    problems = {}
    for number in sorted(set(numbers)):
        if number < 1 or number > RECORD_NUMBER_LIMIT:
            problems[number] = (
                f"Record number {number} is outside 1–{RECORD_NUMBER_LIMIT:,}; leave it blank "
                "to have the next number assigned."
            )
        elif number > ceiling + RECORD_NUMBER_MARGIN:
            problems[number] = (
                f"Record number {number} is far above the highest in use ({ceiling:,}): a new "
                f"document may take at most {ceiling + RECORD_NUMBER_MARGIN:,}. Leave it blank "
                "to have the next number assigned."
            )
        else:
            ceiling = max(ceiling, number)
    return problems


def sync_record_number_sequence() -> None:
    """Move the sequence past every number in use (after fixtures or imports that carry
    explicit numbers), so a number is never handed out twice."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval('{RECORD_NUMBER_SEQUENCE}', GREATEST("
            "(SELECT COALESCE(MAX(record_number), 0) FROM documents_document), "
            f"(SELECT last_value FROM {RECORD_NUMBER_SEQUENCE}), 1))"
        )
