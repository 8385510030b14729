"""Resumption tokens: where a harvester is in a list, signed so it cannot be forged.

A token holds the list's selection (format, set, `from`) and its end, frozen at the first
request, plus the last (datestamp, record number) sent. The next page starts after that key, so
a document published, changed or withdrawn meanwhile neither shifts the list nor repeats or skips
a record: a change gives it a datestamp past the frozen end, and the harvester's next incremental
harvest (from this list's responseDate) picks it up. Tokens expire after `OAI_TOKEN_LIFETIME`
seconds; an expired, altered or foreign token is a badResumptionToken.
"""

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

from documents.oai.protocol import OAIError

_SALT = "documents.oai.resumption"


@dataclass(frozen=True)
class ListState:
    verb: str
    prefix: str
    set_spec: str | None
    start: datetime | None  # inclusive
    end: datetime  # exclusive: the request's `until`, or the moment the list was first asked for
    after: tuple[datetime, int] | None  # the last key sent
    cursor: int  # how many records came before this page
    total: int  # completeListSize, counted at the first request


def lifetime() -> int:
    return int(settings.OAI_TOKEN_LIFETIME)


def expires_at() -> datetime:
    return timezone.now() + timedelta(seconds=lifetime())


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def encode(state: ListState) -> str:
    data = asdict(state)
    data["start"], data["end"] = _moment(state.start), _moment(state.end)
    data["after"] = [state.after[0].isoformat(), state.after[1]] if state.after else None
    return signing.dumps(data, salt=_SALT, compress=True)


def decode(token: str, verb: str) -> ListState:
    try:
        data = signing.loads(token, salt=_SALT, max_age=lifetime())
        after = data["after"]
        state = ListState(
            verb=data["verb"],
            prefix=data["prefix"],
            set_spec=data["set_spec"],
            start=datetime.fromisoformat(data["start"]) if data["start"] else None,
            end=datetime.fromisoformat(data["end"]),
            after=(datetime.fromisoformat(after[0]), int(after[1])) if after else None,
            cursor=int(data["cursor"]),
            total=int(data["total"]),
        )
    except signing.SignatureExpired:
        raise OAIError(
            "badResumptionToken", "The resumption token has expired; start the list again."
        ) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError, IndexError):
        raise OAIError("badResumptionToken", "The resumption token is not valid.") from None
    if state.verb != verb:
        raise OAIError("badResumptionToken", f"The resumption token is not one for {verb}.")
    return state
