"""Tiny typed readers of the environment: safe defaults, loud errors on malformed values."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    # Empty counts as unset, as for the other readers (`SITE_URL= make run`).
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in TRUE:
        return True
    if raw.lower() in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as e:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from e


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def origin_of(name: str, url: str) -> str:
    """The origin (`https://host[:port]`) of an absolute http(s) address, for CSRF checks."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(f"{name} must be an http:// or https:// address, not {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def env_cache(name: str) -> dict:
    """A cache shared by every server process: the database table `taphuan_cache` when unset,
    Redis for `redis://host:port/db` (or `rediss://`)."""
    url = os.environ.get(name, "")
    if not url:
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "taphuan_cache",
            # Culling drops live rate-limit counters once the table is full: keep it roomy.
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    if urlsplit(url).scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ImproperlyConfigured(f"{name} must be a redis:// or rediss:// address, not {url!r}")
