"""Hostile input against the production server: `python bench/fuzz_bench.py [--port 8108]`.

Starts `manage.py serve` (production settings) on a throwaway database with the demo loaded
(or, with `--database-url`, a corpus from bench/corpus.py) and sends some 8,000 raw HTTP
requests: every parameter of every public address with Unicode digits and spaces, NUL,
invalid UTF-8 (percent-encoded and raw), huge and repeated values, markup, query syntax and
path tricks; every HTTP method on every address; oversized and malformed bodies and headers.
Passes when no response is a server error (5xx) and every request gets an answer. Requests go
over raw sockets, so nothing is cleaned up on the way.
"""

import argparse
import collections
import itertools
import socket
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import (  # noqa: E402
    AppServer,
    add_corpus_arguments,
    corpus_env,
    corpus_or_demo,
    log,
    production_env,
    scratch_directory,
    targets,
)

PARAMS = [
    "q", "place", "person", "organization", "subject", "collection", "language", "type",
    "archive", "date_from", "date_to", "sort", "page", "page_size", "p", "letter", "format",
    "next",
]  # fmt: skip
# Raw bytes to put in a query value (percent-encoded unless marked raw).
VALUES = [
    "²", "①", "١", "２", "𝟐", "1²", "¹²", "-1", "0", "+1", " 1", "1.5", "1e3", "0x10",
    "9" * 30, "9" * 5000, "\u00a0", "\u2003", "\u3000", "1\u00a0", "\u200b", "\u202e1",
    "\x00", "a\x00b", "%", "%%", "%zz", "'", '"', "\\", "' OR 1=1--", "<script>alert(1)</script>",
    '"unterminated', "-", "or", "a & b | !c", ":*", "(((", "../../etc/passwd", "🙂",
    "1935-13-45", "0000", "99999", "1935-02-30", "x" * 20000, "",
]  # fmt: skip
INVALID_UTF8 = ["%ff", "%c0%af", "%ed%a0%80", "%fe%ff", "%80", "a%e2%82"]
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND",
           "FOO", "CONNECT"]  # fmt: skip


def paths(found: dict) -> tuple[list[str], list[str]]:
    doc = found["documents"][0]
    person, place = found["people"][0], found["places"][0]
    listing = ["/documents/", "/documents/feed/", "/api/documents/", "/people/", "/places/",
               "/organizations/", "/subjects/", "/collections/", f"/people/{person}/",
               f"/places/{place}/", "/sitemap-documents.xml"]  # fmt: skip
    others = ["/", f"/documents/{doc}/", f"/documents/{doc}/cite.bib", f"/documents/{doc}/cite.ris",
              f"/api/documents/{doc}/", f"/api/people/{person}/", f"/documents/{doc}/scans/1/file",
              "/sitemap.xml", "/health/", "/admin/login/", "/robots.txt", "/favicon.ico",
              "/static/archive/css/site.css", "/media/scans/1/x.png", "/admin/"]  # fmt: skip
    return listing, others


def requests(found: dict, host: str) -> list[bytes]:
    listing, others = paths(found)
    built = []

    def request(method="GET", target="/", headers=(), body=b""):
        lines = [f"{method} ".encode() + target + b" HTTP/1.1", f"Host: {host}".encode()]
        lines += [h.encode("latin-1") if isinstance(h, str) else h for h in headers]
        declared = any(h.lower().startswith("content-length") for h in headers)
        if not declared and (body or method in ("POST", "PUT", "PATCH")):
            lines.append(f"Content-Length: {len(body)}".encode())
        lines.append(b"Connection: close")
        built.append(b"\r\n".join(lines) + b"\r\n\r\n" + body)

    for path, name, value in itertools.product(listing, PARAMS, VALUES):
        request(target=f"{path}?{name}={quote(value, safe='')}".encode())
    for path, name, bad in itertools.product(listing, PARAMS, INVALID_UTF8):
        request(target=f"{path}?{name}={bad}".encode())
        request(target=path.encode() + b"?" + name.encode() + b"=\xff\xfe")  # raw bytes
    for path in listing:
        request(target=(path + "?" + "&".join(f"page={i}" for i in range(500))).encode())
        request(target=(path + "?" + "&".join(f"place=p{i}" for i in range(300))).encode())
        request(target=(path + "?" + "&".join(f"k{i}=v" for i in range(2000))).encode())
        request(target=(path + "?q=" + "word " * 3000).encode())
    for path, method in itertools.product(listing + others, METHODS):
        request(method, path.encode())
    for path, value in itertools.product(others, VALUES + INVALID_UTF8):
        suffix = quote(value, safe="%") if value not in INVALID_UTF8 else value
        request(target=(path.rstrip("/") + "/" + suffix).encode())
    for path in listing + others:
        request(target=path.encode() + b"\xff\xfe/")
        request(target=path.encode(), headers=["Cookie: sessionid=\xff; csrftoken=" + "x" * 300])
        request(target=path.encode(), headers=["Range: bytes=99999999-", "If-Modified-Since: x"])
        request(target=path.encode(), headers=["X-Forwarded-For: \x7f, ::zz, 999.1.1.1"])
        request(target=path.encode(), headers=["Accept-Language: " + "zz-" * 500])
        request("POST", path.encode(), headers=["Content-Length: 104857600"])
        request("POST", path.encode(), headers=["Content-Length: ²", "Content-Type: text/plain"])
        request("POST", path.encode(), body=b"a=" + b"\xff" * 100,
                headers=["Content-Type: application/x-www-form-urlencoded"])  # fmt: skip
        request("POST", path.encode(), body=b"--x\r\nbroken",
                headers=["Content-Type: multipart/form-data; boundary=x"])  # fmt: skip
    return built


def send(port: int, raw: bytes) -> int:
    """The status code of the answer, 0 when none came."""
    for attempt in range(3):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                sock.sendall(raw)
                sock.shutdown(socket.SHUT_WR)
                head = sock.recv(64)
            return int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
        except (ConnectionResetError, BrokenPipeError):
            if attempt == 2:
                return 0
            time.sleep(0.2)  # the server may close early on a body it refused; try again
        except (OSError, ValueError, IndexError):
            return 0
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8108)
    parser.add_argument("--concurrency", type=int, default=16)
    add_corpus_arguments(parser)
    args = parser.parse_args()
    with corpus_or_demo(args.database_url, "fuzzbench") as database_url, \
            scratch_directory("fuzz-") as tmp:  # fmt: skip
        env = production_env(args.port, database_url, **corpus_env(args))
        with AppServer(args.port, env, tmp / "server.log") as server:
            batch = requests(targets(server.url), f"127.0.0.1:{args.port}")
            log(f"sending {len(batch)} hostile requests")
            started = time.monotonic()
            with ThreadPoolExecutor(args.concurrency) as pool:
                statuses = list(pool.map(lambda raw: send(args.port, raw), batch))
            elapsed = time.monotonic() - started
            server_log = (tmp / "server.log").read_text()
        counts = collections.Counter(statuses)
        errors = [raw[:120] for raw, status in zip(batch, statuses, strict=True)
                  if status >= 500 or status == 0]  # fmt: skip
        by_status = ", ".join(f"{code or 'none'}: {n}" for code, n in sorted(counts.items()))
        print(f"\n{len(batch)} requests in {elapsed:.0f} s; answers by status: {by_status}")
        for raw in errors[:20]:
            print("  ", raw)
        tracebacks = server_log.count("Traceback")
        print(f"server errors (5xx or no answer): {len(errors)}; tracebacks in the log: "
              f"{tracebacks}")  # fmt: skip
        sys.exit(1 if errors or tracebacks else 0)


if __name__ == "__main__":
    main()
