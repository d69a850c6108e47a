"""gunicorn settings for Producer Studio (`make serve`, deploy/Procfile).

Threaded workers (gthread): a request that waits on a slow client (a media file streamed
when no front server takes it, a project zip) holds one thread, not a process, so pages
keep answering while many slow downloads run. `bench/slow_clients.py` measures it: 50
clients reading at 1 KB/s for a minute. Size `GUNICORN_THREADS` above the downloads you
expect at once plus the pages in flight; with `MEDIA_OFFLOAD` set, the front server or the
object store sends files and threads are only held by zips. Threads share psycopg's pool
(`DATABASE_POOL=true`) rather than each keeping a connection.
"""

import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "64"))
# A process takes only the connections it has threads for: one whose threads are all held
# by slow clients leaves new ones to a process with a free thread, instead of queueing a
# page behind the downloads (gthread's default is 1,000).
worker_connections = threads
# gthread: the timeout watches the process, not a request: a long download is not cut.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = 5000
max_requests_jitter = 500
# TLS ends at the proxy in front; trust its X-Forwarded-* headers (SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
