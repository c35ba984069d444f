"""Fixtures of the index tests: temporary SQLite paths, a Redis URL, synthetic texts.

Redis: ``DEDUP_TEST_REDIS`` (set by ``.ci/run``) or ``redis://127.0.0.1:6379/0``.
When ``DEDUP_TEST_REDIS`` is set the server must answer (the tests fail
otherwise); without it the Redis tests skip with the reason shown.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
import uuid

import pytest

REDIS_ENV = "DEDUP_TEST_REDIS"


def _redis_base() -> str:
    url = os.environ.get(REDIS_ENV) or "redis://127.0.0.1:6379/0"
    try:
        import redis
    except ImportError:
        if os.environ.get(REDIS_ENV):
            pytest.fail(f"{REDIS_ENV} is set but the redis package is not installed")
        pytest.skip("Redis tests skipped: the redis package is not installed (pip install '.[test]')")
    try:
        r = redis.Redis.from_url(url, socket_connect_timeout=2)
        r.ping()
        r.close()
    except Exception as e:  # noqa: BLE001
        if os.environ.get(REDIS_ENV):
            pytest.fail(f"{REDIS_ENV}={url} is set but the server does not answer: {e}")
        pytest.skip(f"Redis tests skipped: no Redis server reachable at {url} ({e}); "
                    f"set {REDIS_ENV}=redis://host:port/db to run them")
    return url


@pytest.fixture
def redis_url():
    """A Redis index location with a fresh prefix; its keys are deleted afterwards."""
    base = _redis_base()
    prefix = "dtest" + uuid.uuid4().hex[:10]
    yield f"{base}?prefix={prefix}"
    import redis
    r = redis.Redis.from_url(base)
    batch = []
    for k in r.scan_iter(match=f"{prefix}:*", count=50000):
        batch.append(k)
        if len(batch) >= 20000:
            r.unlink(*batch)
            batch = []
    if batch:
        r.unlink(*batch)
    r.close()


@pytest.fixture(params=["sqlite", "redis"])
def location(request, tmp_path):
    """An index location on each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "index.dedup")
    return request.getfixturevalue("redis_url")



sys.path.insert(0, str(Path(__file__).resolve().parent))
