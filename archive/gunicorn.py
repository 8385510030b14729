"""Gunicorn's settings for the production server (`manage.py serve` starts it with these).

Everything comes from the environment, with defaults for a small machine:

- `BIND` (default `127.0.0.1:8000`, or `0.0.0.0:$PORT` when `PORT` is set)
- `WEB_CONCURRENCY`: worker processes (default: 2 per CPU, at least 2)
- `GUNICORN_THREADS`: threads per worker (default 4; pages wait on PostgreSQL, so threads pay)
- `GUNICORN_TIMEOUT`: seconds before a stuck worker is killed and replaced (default 30)
- `GUNICORN_GRACEFUL_TIMEOUT`: seconds a worker may finish its requests on reload or stop
- `GUNICORN_MAX_REQUESTS`: recycle a worker after this many requests (0: never)
- `FORWARDED_ALLOW_IPS`: proxies trusted for X-Forwarded-Proto (default 127.0.0.1)

The access log goes to stdout, errors to stderr. `kill -HUP <master pid>` reloads the code and
settings gracefully: new workers start, old ones finish what they are serving, then exit.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


wsgi_app = "archive.wsgi:application"
bind = os.environ.get("BIND") or (
    f"0.0.0.0:{os.environ['PORT']}" if os.environ.get("PORT") else "127.0.0.1:8000"
)
workers = _int("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count() * 2))
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# A recycled worker starts cold (imports, kept counts, the index's searcher, citation styles):
# under the load bench (190 requests/s on 4 workers) 5,000 recycled one every 25 s or so.
max_requests = _int("GUNICORN_MAX_REQUESTS", 50_000)
max_requests_jitter = max(0, max_requests // 10)
backlog = _int("GUNICORN_BACKLOG", 2048)

# Not preloaded: a HUP then re-imports the application, so a reload picks up new code.
preload_app = False

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "archive"
# No control socket (gunicorn 25.1+ opens one in $HOME by default, shared by every instance
# on the machine); signals (HUP, TERM, TTIN/TTOU) are the interface. Older versions ignore it.
control_socket_disable = True
# Requests with oversized lines or headers are refused by gunicorn itself (400).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
