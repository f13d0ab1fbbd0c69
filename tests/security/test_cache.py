"""Rate limits are counted in a cache shared by every server process: the database table by
default, Redis when CACHE_URL is set."""

import sqlite3
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tests.security.conftest import production_env, run, settings_in

REDIS = "redis://127.0.0.1:6379/0"


@pytest.mark.django_db
def test_the_default_cache_is_a_database_table_created_by_migrate():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert "taphuan_cache" in connection.introspection.table_names()
    key = f"test:{uuid.uuid4().hex}"
    cache.add(key, 1, timeout=60)
    cache.incr(key)
    # Stored as a row: every process using this database sees the same counter.
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM taphuan_cache WHERE cache_key LIKE %s", [f"%{key}"])
        assert cursor.fetchone()[0] == 1
    assert cache.get(key) == 2


@pytest.mark.slow
def test_migrate_creates_the_cache_table_and_unapplies_cleanly(tmp_path):
    db = tmp_path / "fresh.sqlite3"
    env = production_env(DATABASE_URL=f"sqlite:///{db}")
    assert run(["manage.py", "migrate", "-v0"], env).returncode == 0
    with sqlite3.connect(db) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "taphuan_cache" in tables
    assert run(["manage.py", "migrate", "access", "zero", "-v0"], env).returncode == 0


def test_cache_url_selects_redis():
    values = settings_in(production_env(CACHE_URL=REDIS), ("CACHES",))
    assert values["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS,
    }


def redis_or_skip():  # type: ignore[no-untyped-def]
    import redis

    client = redis.Redis.from_url(REDIS, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return client


def test_two_server_processes_share_one_counter_in_redis():
    redis_or_skip()
    from django.core.cache.backends.redis import RedisCache

    key = f"taphuan-test:{uuid.uuid4().hex}"
    here = RedisCache(REDIS, {})
    here.set(key, 0, timeout=60)
    # Another process, configured only through CACHE_URL, counts two failures...
    code = (
        "import django; django.setup(); from django.core.cache import cache; "
        f"cache.incr({key!r}); cache.incr({key!r})"
    )
    done = run(["-c", code], production_env(CACHE_URL=REDIS))
    assert done.returncode == 0, done.stderr
    # ...which this one, and a third instance, see.
    assert here.get(key) == 2 and RedisCache(REDIS, {}).incr(key) == 3
    here.delete(key)
