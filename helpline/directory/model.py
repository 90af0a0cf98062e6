"""The directory held in memory: plain data classes built by validation."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

NATIONAL = "england"
NATIONAL_LIST = "national list"
STATUSES = ("active", "inactive", "defunct", "temporarily closed")
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Phone:
    number: str
    type: str = "voice"
    description: str = ""


@dataclass(frozen=True)
class Schedule:
    byday: tuple[str, ...]
    opens_at: str
    closes_at: str
    freq: str = "WEEKLY"
    description: str = ""


@dataclass(frozen=True)
class Eligibility:
    gender: str = "any"
    min_age: int | None = None
    max_age: int | None = None
    risk_level: tuple[str, ...] = ()
    self_referral: bool | None = None
    lgbt_specialist: bool = False


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    description: str
    url: str | None = None
    email: str | None = None


@dataclass
class Service:
    id: str
    organization_id: str
    name: str
    description: str
    needs: tuple[str, ...]
    status: str
    service_areas: tuple[str, ...]
    source: tuple[str, ...]
    last_reviewed: date
    phones: tuple[Phone, ...] = ()
    email: str | None = None
    url: str | None = None
    schedules: tuple[Schedule, ...] = ()
    eligibility: Eligibility = field(default_factory=Eligibility)
    languages: tuple[str, ...] = ()
    referral_only: bool = False
    how_to_reach: str = ""
    summary: str = ""
    see_also: tuple[str, ...] = ()
    towns: tuple[str, ...] = ()  # where in its areas it is based or works, when not all of them
    notes: str = ""
    file: str = ""
    line: int = 0

    @property
    def offered(self) -> bool:
        """Only active services are ever offered to a person."""
        return self.status == "active"


@dataclass(frozen=True)
class Need:
    id: str
    label: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Area:
    id: str
    name: str
    region: str
    places: tuple[str, ...]
    postcodes: tuple[str, ...]


@dataclass
class Directory:
    """A complete, validated directory with the indexes search needs."""

    services: dict[str, Service]
    organizations: dict[str, Organization]
    areas: dict[str, Area]
    regions: dict[str, str]
    needs: dict[str, Need]
    common_words: frozenset[str] = frozenset()
    fingerprint: str = ""
    places_elsewhere: frozenset[str] = frozenset()  # real places outside our areas
    by_coverage: dict[str, list[Service]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_coverage = {}
        for service in self.services.values():
            if not service.offered:
                continue
            for area in service.service_areas:
                self.by_coverage.setdefault(area, []).append(service)

    def area_name(self, area_id: str) -> str:
        if area_id in self.areas:
            return self.areas[area_id].name
        return self.regions.get(area_id, "England" if area_id == NATIONAL else area_id)
