"""gunicorn settings for Beacon, each read from the environment: `gunicorn -c gunicorn.conf.py wsgi:server`."""

import os
import tempfile
from pathlib import Path


def _int(name: str, default: int) -> int:
    """An integer setting from the environment, default when unset or empty."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# The same HOST and PORT as `python app.py`.
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{_int('PORT', 8050)}"

# Processes: 2 x cores + 1 keeps every core busy while other workers wait on the database. Capped at 8:
# each worker holds its own copy of the app in memory and its own database pool, which needs about one
# connection per busy thread plus one for the job thread, so 8 workers of 8 threads stay within
# PostgreSQL's default max_connections (100). More workers or threads need a larger max_connections.
workers = _int("BEACON_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 8))

# Threads per worker: a request mostly waits on the database, and a waiting thread lets another run.
worker_class = "gthread"
threads = _int("BEACON_THREADS", 8)

# A worker whose main loop has been silent this long is killed and replaced. gthread workers answer from
# the main loop while requests run in threads, so this catches a stuck process, not a slow request; a
# worker still starting (waiting for another to generate the demo force) has not begun counting.
timeout = _int("BEACON_WORKER_TIMEOUT", 60)

# On restart or shutdown (SIGTERM, SIGHUP), workers get this long to finish requests already running.
graceful_timeout = _int("BEACON_GRACEFUL_TIMEOUT", 30)

# Seconds an idle keep-alive connection stays open: above a browser's think time between the page's
# callbacks and above a load balancer's idle timeout (60 s on the common ones), so the server is never
# the side that closes a connection the balancer is about to reuse. gthread parks idle connections
# without holding a thread.
keepalive = _int("BEACON_KEEPALIVE", 75)

# Off: with it on, the master would build the app and fork it into the workers, sharing its open SQLite
# and PostgreSQL connections and diskcache handles between processes (which corrupts them) and losing
# the housekeeping thread, which does not survive a fork. Each worker builds its own app instead.
preload_app = False

# No control socket (gunicorn 25.1 and later): its default path in $HOME is shared by every instance the
# account runs and lies outside the data folder. A supervisor manages Beacon with signals: HUP to reload
# the workers, TERM to stop. Older gunicorn ignores the setting.
control_socket_disable = True

# Files gunicorn itself creates are private, like everything else Beacon writes.
umask = 0o077

# Errors and start-up messages to standard error, for the process supervisor's log.
errorlog = "-"

# /metrics adds up every worker's request timings only through files in one folder the workers share
# (prometheus_client's multi-process mode). The workers inherit this from the master, which reads the
# setting before any of them starts.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="beacon-metrics-")


def on_starting(server):
    """Empty the metrics folder: a previous run's counts would otherwise be added to this one's."""
    for leftover in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        leftover.unlink()


def child_exit(server, worker):
    """Tell prometheus_client a worker is gone, so its files stop counting as live."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
