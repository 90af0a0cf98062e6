"""Open Referral export validates against HSDS 3.0; the read-only API serves it; lookups match."""
from __future__ import annotations

import asyncio
import json

import jsonschema
import pytest
from aiohttp.test_utils import TestClient, TestServer

from helpline.cli import main
from helpline.db import make_engine
from helpline.directory.api import make_app
from helpline.directory.export import export_services, stable_uuid
from helpline.directory.lookups import places_lookup
from helpline.directory.storage import import_directory
from tests.directory.conftest import SCHEMA


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA.read_text())
    cls = jsonschema.validators.validator_for(schema)
    # All $refs are local ("#/definitions/..."): no network is needed.
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_every_exported_service_validates(loaded, validator):
    records = export_services(loaded.directory)
    assert len(records) == len(loaded.directory.services)
    for record in records:
        errors = sorted(validator.iter_errors(record), key=str)
        assert not errors, (record["name"], [e.message for e in errors[:3]])


def test_the_validator_really_checks(validator, loaded):
    record = export_services(loaded.directory)[0]
    broken = dict(record, status="open", phones=[{"number": "0"}])
    assert len(list(validator.iter_errors(broken))) >= 2


def test_towns_are_service_areas_of_their_own(loaded, validator):
    directory = loaded.directory
    with_towns = [s for s in directory.services.values() if s.towns]
    assert {s.id for s in with_towns} >= {"arch-crewe-refuge", "barnardos-cheshire-east-support"}
    records = {r["id"]: r for r in export_services(directory)}
    for service in directory.services.values():
        record = records[stable_uuid("service", service.id)]
        assert validator.is_valid(record), service.id
        areas = record["service_areas"]
        assert [a["name"] for a in areas] == \
            [directory.area_name(a) for a in service.service_areas] + list(service.towns)
        assert len({a["id"] for a in areas}) == len(areas)
    arch = records[stable_uuid("service", "arch-crewe-refuge")]
    crewe = arch["service_areas"]
    assert crewe[0]["name"] == "Cheshire East" and "works mainly in the towns" in \
        crewe[0]["description"]
    assert crewe[1] == {"id": crewe[1]["id"], "service_id": crewe[0]["service_id"],
                        "name": "Crewe", "description": "Town or village in Cheshire East "
                        "where the service is based or works"}
    # The schema really checks each service area.
    broken = dict(arch, service_areas=[dict(crewe[1], extent_type=5)])
    assert not validator.is_valid(broken)


def test_export_command_writes_the_file(tmp_path, capsys, validator):
    out = tmp_path / "export.json"
    assert main(["directory", "export", "--out", str(out)]) == 0
    records = json.loads(out.read_text())
    assert records and all(validator.is_valid(r) for r in records)


def test_read_only_api(tmp_path, loaded, validator):
    engine = make_engine(f"sqlite:///{tmp_path / 'api.db'}")
    import_directory(engine, loaded.directory)

    async def scenario() -> None:
        async with TestClient(TestServer(make_app(engine))) as client:
            response = await client.get("/services", params={"area": "tamworth",
                                                             "per_page": "2"})
            assert response.status == 200
            page = await response.json()
            assert page["total_items"] >= 1 and page["size"] <= 2
            assert all(validator.is_valid(r) for r in page["contents"])
            one = await client.get("/services/pathway-project-helpline")
            record = await one.json()
            assert one.status == 200 and record["phones"][0]["number"] == "01543 676800"
            by_uuid = await client.get(f"/services/{record['id']}")
            assert (await by_uuid.json())["name"] == record["name"]
            missing = await client.get("/services/no-such-thing")
            assert missing.status == 404
            bad = await client.get("/services", params={"page": "x"})
            assert bad.status == 400
            post = await client.post("/services", json={})
            assert post.status == 405

    asyncio.run(scenario())


def test_committed_lookup_table_matches_the_gazetteer(loaded):
    from helpline.directory.cli import LOOKUPS_DIR

    committed = (LOOKUPS_DIR / "places.yml").read_text()
    assert committed == places_lookup(loaded.directory), \
        "run: python -m helpline.cli directory lookups"
    assert "    - Leek\n" in committed and "    - ST13\n" in committed


def test_stable_uuid_is_uuid5():
    import uuid

    from helpline.directory.export import NAMESPACE

    for key in ("svc-1", "", "café:£", "pathway-project-helpline:0"):
        assert stable_uuid("service", key) == str(uuid.uuid5(NAMESPACE, f"service:{key}"))
