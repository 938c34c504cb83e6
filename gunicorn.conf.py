"""gunicorn settings, read from the environment (``make serve`` and the systemd unit start gunicorn here).

GUNICORN_BIND     where to listen (default 127.0.0.1:8000: nginx in front on the same host)
GUNICORN_WORKERS  worker processes (default 2 × cores + 1)
GUNICORN_TIMEOUT  seconds before a stuck worker is restarted (default 60: the Excel exports of a whole plan)
"""

import multiprocessing
import os

wsgi_app = "wolong.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Restart each worker now and then so a slow leak cannot grow for years; jitter keeps them from all restarting at once.
max_requests = 2000
max_requests_jitter = 200
# Access log to stdout (journald), errors to stderr; Django's own log goes where LOGGING says (settings.py).
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %({x-real-ip}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# nginx on the same host is the only proxy whose X-Forwarded-* headers gunicorn believes.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# No control socket: its default path is per user, so two instances on one host (staging beside production)
# would fight over it; systemd's reload (HUP) is the control we use.
control_socket_disable = True
