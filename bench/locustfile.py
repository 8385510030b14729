"""The reading room's traffic, for locust: lists, searches, facets, document pages, entity
pages and the API, in proportions like a real archive's (most visits are a search or a list,
then a document).

Addresses come from a JSON file named by LOAD_TARGETS (see support.targets()). With
LOAD_REQUEST_LOG set, every request is also written there as one line
`start_time response_ms status name` (for the restart-under-load script). With
LOAD_CACHE_STATS set, how many answers came from the page cache (`X-Page-Cache`: hit, miss,
none) is written there as JSON when the run ends.
"""

import collections
import json
import os
import random

from locust import FastHttpUser, between, events, task

TARGETS = json.load(open(os.environ["LOAD_TARGETS"]))
_log = (
    open(os.environ["LOAD_REQUEST_LOG"], "a", buffering=1)
    if os.environ.get("LOAD_REQUEST_LOG")
    else None
)


_page_cache = collections.Counter()


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None,
            start_time=None, **kwargs):  # fmt: skip
    if response is not None and getattr(response, "headers", None) is not None:
        _page_cache[response.headers.get("X-Page-Cache") or "none"] += 1
    if _log is not None:
        status = getattr(response, "status_code", 0) if response is not None else 0
        _log.write(f"{start_time:.3f} {response_time:.0f} {status or 'ERR'} {name}\n")


@events.quitting.add_listener
def _write_page_cache_counts(environment, **kwargs):
    if os.environ.get("LOAD_CACHE_STATS"):
        with open(os.environ["LOAD_CACHE_STATS"], "w") as out:
            json.dump(dict(_page_cache), out)


def _pick(kind):
    return random.choice(TARGETS[kind])


class Reader(FastHttpUser):
    # Readers pause between pages; 64 of them keep the server busy without a queue forming.
    wait_time = between(0.05, 0.3)

    def _get(self, path, name):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code >= 500 or response.status_code == 0:
                response.failure(f"{response.status_code}")
            elif response.status_code in (400, 404):
                response.success()  # the hostile-input script covers errors; here just no 5xx

    @task(4)
    def home(self):
        self._get("/", "home")

    @task(10)
    def document_list(self):
        page = random.choice(["", "?page=2", "?sort=-date", "?page_size=20"])
        self._get(f"/documents/{page}", "list")

    @task(10)
    def search(self):
        words = " ".join(random.sample(TARGETS["words"], random.choice([1, 1, 2])))
        self._get(f"/documents/?q={words}", "search")

    @task(6)
    def facets(self):
        facet = random.choice(["place", "person", "organization", "subject"])
        pool = {"place": "places", "person": "people", "organization": "organizations",
                "subject": "subjects"}[facet]  # fmt: skip
        self._get(f"/documents/?{facet}={_pick(pool)}&date_from=1935&date_to=1945", "facets")

    @task(12)
    def document(self):
        self._get(_pick("document_paths"), "document")

    @task(6)
    def entity(self):
        kind, pool = random.choice(
            [("people", "people"), ("places", "places"), ("organizations", "organizations")]
        )
        self._get(f"/{kind}/{_pick(pool)}/", "entity")

    @task(2)
    def a_to_z(self):
        self._get(random.choice(["/people/", "/places/", "/subjects/?letter=S"]), "a-z")

    @task(5)
    def api_list(self):
        self._get(f"/api/documents/?q={_pick('words')}&page_size=20", "api list")

    @task(4)
    def api_document(self):
        self._get(f"/api/documents/{_pick('documents')}/", "api document")

    @task(2)
    def api_entity(self):
        self._get(f"/api/people/{_pick('people')}/", "api entity")
