"""Directory look-up for advisors: find a service and turn it into a message to send."""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

from helpline import settings
from helpline.directory.live import LiveDirectory
from helpline.directory.model import Service
from helpline.directory.search import search


@lru_cache(maxsize=1)
def live() -> LiveDirectory:
    return LiveDirectory(settings.directory_dir())


def message_for(service: Service) -> str:
    """One plain message (no invented contacts: only what the directory holds)."""
    parts = [f"{service.name}: {service.summary or service.description.split('. ')[0]}".rstrip(".")
             + "."]
    if service.referral_only:
        parts.append("Referral only, not a number to call: " + service.how_to_reach)
    elif service.phones:
        parts.append("Call " + " or ".join(p.number for p in service.phones[:2]) + ".")
        if service.email:
            parts.append(f"Email {service.email}.")
    elif service.email:
        parts.append(f"Email {service.email}.")
    else:
        parts.append(service.how_to_reach)
    if service.url:
        parts.append(service.url)
    return " ".join(p.strip() for p in parts if p and p.strip())[:1000]


def find(query: str, limit: int = 8) -> list[Service]:
    """Services for a place (town, postcode district) or whose name contains the query."""
    loaded = live().get()
    query = (query or "").strip()
    if loaded is None or not query:
        return []
    directory = loaded.directory
    place = loaded.places.resolve(query)
    if place.status == "found" and place.area_id:
        return [hit.service for hit in search(directory, place.area_id, limit=limit).hits]
    needle = query.casefold()
    found = [s for s in directory.services.values()
             if needle in s.name.casefold() or needle in (s.summary or "").casefold()]
    return sorted(found, key=lambda s: s.name)[:limit]


def get(service_id: str) -> Optional[Service]:
    loaded = live().get()
    return loaded.directory.services.get(service_id) if loaded else None
