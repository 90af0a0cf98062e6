"""Directory look-up for advisors: find a service to send (as text by
helpline.directory.format.service_text, the bot's formatter, in full detail)."""
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
