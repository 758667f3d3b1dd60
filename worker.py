"""Celery entry point for the job workers and the scheduler (see README, Running for a force):

    celery -A worker worker --concurrency 1 --loglevel INFO
    celery -A worker beat --loglevel INFO --schedule "$BEACON_DATA_DIR/celerybeat-schedule"
"""

import logging
import os

from config import from_env
from data_access.job_queue import make_celery, register_tasks
from data_access.schedule import beat_schedule

logging.basicConfig(level=logging.INFO)
# Everything a worker writes (database, cache) is private to its account, as under the web server.
os.umask(0o077)

config = from_env()
if not config.celery_broker_url:
    raise SystemExit("worker.py: set BEACON_CELERY_BROKER_URL (and BEACON_REDIS_URL) to run Celery workers")
app = make_celery(config)
register_tasks(app, config)
app.conf.beat_schedule = beat_schedule(config)
