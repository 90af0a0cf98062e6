"""SQLAlchemy tables for the directory and an idempotent import (SQLite or PostgreSQL)."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Text, delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from helpline import db
from helpline.db import Base
from helpline.directory.export import service_record
from helpline.directory.model import Directory
from helpline.directory.yamlio import paused_gc


class DirOrganization(Base):
    __tablename__ = "dir_organization"
    id = Column(String(100), primary_key=True)
    name = Column(String(300), nullable=False)
    description = Column(Text, nullable=False)


class DirService(Base):
    __tablename__ = "dir_service"
    id = Column(String(100), primary_key=True)
    uuid = Column(String(36), unique=True, nullable=False, index=True)
    organization_id = Column(String(100), ForeignKey("dir_organization.id"), nullable=False)
    name = Column(String(300), nullable=False)
    status = Column(String(30), nullable=False, index=True)
    referral_only = Column(Boolean, nullable=False, default=False)
    source = Column(Text, nullable=False)
    last_reviewed = Column(Date, nullable=False)
    file = Column(String(200), nullable=False)
    record = Column(Text, nullable=False)  # the Open Referral (HSDS 3.0) JSON


class DirPhone(Base):
    __tablename__ = "dir_phone"
    id = Column(Integer, primary_key=True, autoincrement=True)
    service_id = Column(String(100), ForeignKey("dir_service.id", ondelete="CASCADE"),
                        nullable=False, index=True)
    number = Column(String(30), nullable=False)
    type = Column(String(10), nullable=False)


class DirServiceArea(Base):
    __tablename__ = "dir_service_area"
    service_id = Column(String(100), ForeignKey("dir_service.id", ondelete="CASCADE"),
                        primary_key=True)
    area_id = Column(String(100), primary_key=True, index=True)


class DirServiceNeed(Base):
    __tablename__ = "dir_service_need"
    service_id = Column(String(100), ForeignKey("dir_service.id", ondelete="CASCADE"),
                        primary_key=True)
    need_id = Column(String(100), primary_key=True, index=True)


class DirPlace(Base):
    __tablename__ = "dir_place"
    id = Column(Integer, primary_key=True, autoincrement=True)
    name = Column(String(200), nullable=False, index=True)
    kind = Column(String(10), nullable=False)  # place or postcode
    area_id = Column(String(100), nullable=False)
    area_name = Column(String(200), nullable=False)
    region_id = Column(String(100), nullable=False)


class DirMeta(Base):
    __tablename__ = "dir_meta"
    key = Column(String(50), primary_key=True)
    value = Column(Text, nullable=False)


TABLES = [DirOrganization, DirService, DirPhone, DirServiceArea, DirServiceNeed, DirPlace, DirMeta]


def stored_fingerprint(session: Session) -> str | None:
    return session.execute(select(DirMeta.value).where(DirMeta.key == "fingerprint")).scalar()


def import_directory(engine: Engine, directory: Directory) -> bool:
    """Replace the stored directory in one transaction. Returns False if it was already current.

    The rows are rebuilt from the YAML files, but the tables live in our one database (the
    migrations make them, as every other table of ours).
    """
    db.at_head(engine)
    with paused_gc(), Session(engine, future=True) as session, session.begin():
        if stored_fingerprint(session) == directory.fingerprint:
            return False
        for table in reversed(TABLES):
            session.execute(delete(table))
        session.execute(DirOrganization.__table__.insert(), [
            {"id": o.id, "name": o.name, "description": o.description}
            for o in directory.organizations.values()])
        services, phones, areas, needs = [], [], [], []
        for s in directory.services.values():
            record = service_record(directory, s)
            services.append({
                "id": s.id, "uuid": record["id"], "organization_id": s.organization_id,
                "name": s.name, "status": s.status, "referral_only": s.referral_only,
                "source": json.dumps(list(s.source)), "last_reviewed": s.last_reviewed,
                "file": s.file, "record": json.dumps(record, sort_keys=True)})
            phones += [{"service_id": s.id, "number": p.number, "type": p.type} for p in s.phones]
            areas += [{"service_id": s.id, "area_id": a} for a in dict.fromkeys(s.service_areas)]
            needs += [{"service_id": s.id, "need_id": n} for n in dict.fromkeys(s.needs)]
        for table, rows in ((DirService, services), (DirPhone, phones),
                            (DirServiceArea, areas), (DirServiceNeed, needs)):
            if rows:
                session.execute(table.__table__.insert(), rows)
        places = []
        for area in directory.areas.values():
            base = {"area_id": area.id, "area_name": area.name, "region_id": area.region}
            places += [{**base, "name": n, "kind": "place"} for n in (area.name, *area.places)]
            places += [{**base, "name": c, "kind": "postcode"} for c in area.postcodes]
        if places:
            session.execute(DirPlace.__table__.insert(), places)
        now = datetime.now(timezone.utc).isoformat()
        session.execute(DirMeta.__table__.insert(), [
            {"key": "fingerprint", "value": directory.fingerprint},
            {"key": "imported_at", "value": now}])
    return True


def stored_records(session: Session, status: str | None = None, need: str | None = None,
                   area: str | None = None, offset: int = 0, limit: int = 50
                   ) -> tuple[int, list[dict]]:
    """(total, page of HSDS records) for the read-only API."""
    query = select(DirService.record).order_by(DirService.id)
    if status:
        query = query.where(DirService.status == status)
    if need:
        query = query.where(DirService.id.in_(
            select(DirServiceNeed.service_id).where(DirServiceNeed.need_id == need)))
    if area:
        query = query.where(DirService.id.in_(
            select(DirServiceArea.service_id).where(DirServiceArea.area_id == area)))
    rows = session.execute(query).scalars().all()
    return len(rows), [json.loads(r) for r in rows[offset:offset + limit]]


def stored_record(session: Session, service_id: str) -> dict | None:
    row = session.execute(select(DirService.record).where(
        (DirService.id == service_id) | (DirService.uuid == service_id))).scalar()
    return json.loads(row) if row else None
