"""gunicorn's settings for production, read by `gunicorn finsam.wsgi` from this folder.

Threaded workers (gthread): a few processes, each answering several requests at once
while others wait on the database. PDFs are never rendered in a request (the
background worker does that, `manage.py db_worker`), so no request holds a thread
for seconds.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = 60
graceful_timeout = 30
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
