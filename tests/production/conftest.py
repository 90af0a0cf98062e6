"""The real production topology on loopback: PostgreSQL, Redis, 2 Rasa servers, nginx."""
from __future__ import annotations

import secrets
from typing import Iterator

import pytest
import redis

from deploy.topology import Topology, drop_database
from tests.conftest import ensure_model, free_port

PG = "postgresql://postgres@127.0.0.1:5432"
REDIS_DB = 7  # not the default db 0: tests leave the machine's own data alone


@pytest.fixture(scope="session")
def topology(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    ensure_model()
    name = f"helpline_prod_{secrets.token_hex(4)}"
    prefix = f"hltest{secrets.token_hex(4)}"
    topo = Topology(
        workdir=tmp_path_factory.mktemp("topology"),
        tracker_url=f"{PG}/{name}_tracker",
        db_url=f"{PG}/{name}_app",
        redis_url=f"redis://127.0.0.1:6379/{REDIS_DB}",
        rasa_ports=[free_port(), free_port()],
        action_port=free_port(),
        nginx_port=free_port(),
        api_port=free_port(),
        console_port=free_port(),
    )
    patch = pytest.MonkeyPatch()
    patch.setenv("HELPLINE_REDIS_KEY_PREFIX", prefix)  # read when endpoints are written
    try:
        topo.start()
        yield topo
    finally:
        topo.stop()
        patch.undo()
        for url in (topo.tracker_url, topo.db_url):
            drop_database(url)
        client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
