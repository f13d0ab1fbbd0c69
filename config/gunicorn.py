"""gunicorn's settings for `make serve` and deploy/taphuan-web.service.

Each value comes from the environment, with a default fit for one machine behind nginx."""

import multiprocessing
import os
from typing import Any

from gunicorn.glogging import Logger

from config.logs import FEED_TOKEN

bind = os.environ.get("BIND", "127.0.0.1:8000")
# The usual (2 × cores) + 1 synchronous workers: one waits on the database while another runs.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
# A report of a whole province stays under a minute; anything longer is a background job.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced now and then, so that a slow leak never grows.
max_requests = 2000
max_requests_jitter = 200
# nginx on the same machine sets X-Forwarded-Proto/-For; trust it from loopback only
# (FORWARDED_ALLOW_IPS when the proxy is another machine).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


class TokenHidingLogger(Logger):
    """gunicorn's access log without the secret token of calendar feed addresses."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U"):
            if isinstance(atoms.get(key), str) and "/lich/feed/" in atoms[key]:
                atoms[key] = FEED_TOKEN.sub(r"\1…\2", atoms[key])
        return atoms


logger_class = TokenHidingLogger
