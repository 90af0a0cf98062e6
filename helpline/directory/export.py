"""Open Referral UK / HSDS 3.0 service records, and a file export.

A service's `towns` (where it is based or works, when that is only part of its council area)
are `service_areas` entries of their own, one per town: HSDS 3.0 models a service area as a
free-text `name` ("a free text geographic area where a service is available") with a
`description`, and optionally a polygon (`extent`, with `extent_type` geojson, topojson, kml or
"text" for legacy systems) and a `uri`. We have no polygons or area codes, so a town entry is
its name and a description saying which council area it is in; `extent` and `extent_type`
are left out rather than filled with a name that is not a polygon. The council-area entry
stays, its description saying the service works mainly in the listed towns: the assistant
still offers the service to people elsewhere in the area, after the area-wide services. The
real directory has 2 services with towns (18 towns), so the export gains 18 entries.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path

from helpline.directory.model import NATIONAL, Area, Directory, Service

NAMESPACE = uuid.UUID("6f1d2a0c-3c52-4b7e-9a55-2d7a1e5b9c01")
_NAMESPACE_BYTES = NAMESPACE.bytes


def stable_uuid(kind: str, key: str) -> str:
    """The same directory id always exports with the same UUID.

    Equal to str(uuid.uuid5(NAMESPACE, f"{kind}:{key}")), computed without building UUID
    objects (that was most of the import time at national scale).
    """
    raw = bytearray(hashlib.sha1(_NAMESPACE_BYTES + f"{kind}:{key}".encode()).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50  # version 5
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _eligibility_text(service: Service) -> str:
    rules = service.eligibility
    parts = []
    if rules.gender != "any":
        parts.append(f"For {rules.gender}.")
    if rules.min_age is not None or rules.max_age is not None:
        low = rules.min_age if rules.min_age is not None else 0
        parts.append(f"Ages {low} to {rules.max_age}." if rules.max_age is not None
                     else f"Ages {low} and over.")
    if rules.risk_level:
        parts.append("Risk level: " + ", ".join(rules.risk_level) + ".")
    if rules.lgbt_specialist:
        parts.append("Specialist service for LGBT+ people.")
    if rules.self_referral is True:
        parts.append("You can refer yourself.")
    elif rules.self_referral is False or service.referral_only:
        parts.append("By referral only.")
    return " ".join(parts)


def _service_areas(directory: Directory, service: Service, sid: str) -> list[dict]:
    """Its council areas, regions or England, then each of its towns (module docstring)."""
    towns: dict[str, Area] = {}  # town -> the council area it is in
    for council in directory.areas.values() if service.towns else ():
        if council.id in service.service_areas or council.region in service.service_areas:
            places = {p.lower() for p in (council.name, *council.places)}
            for town in service.towns:
                if town.lower() in places:
                    towns.setdefault(town, council)
    partial = {a.id for a in towns.values()} | {a.region for a in towns.values()}
    out = []
    for area in service.service_areas:
        description = "England-wide" if area == NATIONAL else \
            ("Local authority area" if area in directory.areas else "County or region")
        if area in partial:
            description += "; the service works mainly in the towns and villages listed " \
                           "as its other service areas"
        out.append({"id": stable_uuid("service_area", f"{service.id}:{area}"),
                    "service_id": sid, "name": directory.area_name(area),
                    "description": description})
    for town, council in towns.items():
        out.append({"id": stable_uuid("service_area", f"{service.id}:town:{town}"),
                    "service_id": sid, "name": town,
                    "description": f"Town or village in {council.name} where the service is "
                                   "based or works"})
    return out


def service_record(directory: Directory, service: Service) -> dict:
    """One service as an HSDS 3.0 `service` object with its related records embedded."""
    sid = stable_uuid("service", service.id)
    org = directory.organizations.get(service.organization_id)
    record: dict = {
        "id": sid,
        "name": service.name,
        "description": service.description,
        "status": service.status,
        "organization_id": stable_uuid("organization", service.organization_id),
        "assured_date": service.last_reviewed.isoformat(),
        "application_process": ("By referral only. " if service.referral_only else "")
        + service.how_to_reach,
        "phones": [], "schedules": [], "service_areas": [], "languages": [], "attributes": [],
    }
    if org is not None:
        record["organization"] = {"id": record["organization_id"], "name": org.name,
                                  "description": org.description}
    if service.email:
        record["email"] = service.email
    if service.url:
        record["url"] = service.url
    eligibility = _eligibility_text(service)
    if eligibility:
        record["eligibility_description"] = eligibility
    if service.eligibility.min_age is not None:
        record["minimum_age"] = service.eligibility.min_age
    if service.eligibility.max_age is not None:
        record["maximum_age"] = service.eligibility.max_age
    for i, phone in enumerate(service.phones):
        item = {"id": stable_uuid("phone", f"{service.id}:{i}"), "service_id": sid,
                "number": phone.number, "type": phone.type}
        if phone.description:
            item["description"] = phone.description
        record["phones"].append(item)
    for i, schedule in enumerate(service.schedules):
        item = {"id": stable_uuid("schedule", f"{service.id}:{i}"), "service_id": sid,
                "freq": schedule.freq, "wkst": "MO", "byday": ",".join(schedule.byday),
                "opens_at": schedule.opens_at, "closes_at": schedule.closes_at,
                "notes": "Times are Europe/London local time."}
        if schedule.description:
            item["description"] = schedule.description
        record["schedules"].append(item)
    record["service_areas"] = _service_areas(directory, service, sid)
    for language in service.languages:
        record["languages"].append({"id": stable_uuid("language", f"{service.id}:{language}"),
                                    "service_id": sid, "name": language})
    for need in service.needs:
        label = directory.needs[need].label if need in directory.needs else need
        record["attributes"].append({
            "id": stable_uuid("attribute", f"{service.id}:{need}"), "link_id": sid,
            "link_type": "need", "link_entity": "service", "value": label,
            "taxonomy_term": {"id": stable_uuid("need", need), "name": label, "code": need,
                              "description": f"Need category: {label}"}})
    record["metadata"] = [{
        "id": stable_uuid("metadata", f"{service.id}:source"), "resource_id": sid,
        "resource_type": "service", "last_action_date": service.last_reviewed.isoformat(),
        "last_action_type": "reviewed", "field_name": "source", "previous_value": "",
        "replacement_value": "; ".join(service.source), "updated_by": "partnership staff"}]
    return record


def export_services(directory: Directory) -> list[dict]:
    return [service_record(directory, s) for s in directory.services.values()]


def write_export(directory: Directory, path: Path) -> int:
    records = export_services(directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(records, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return len(records)
