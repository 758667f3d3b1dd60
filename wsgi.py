"""Production WSGI entry point: `gunicorn -c gunicorn.conf.py wsgi:server` (see README, Running for a force)."""

import logging
import os

from app import create_app
from config import from_env

logging.basicConfig(level=logging.INFO)
# Everything a worker writes (database, cache, uploads in transit) is private to its account, as under main().
os.umask(0o077)

# Each worker imports this module itself (preload_app is off), so each builds its own engine, cache and
# housekeeping thread; the start-up steps that must happen once are serialised by data_access.startup_lock.
app = create_app(from_env())
server = app.server
