"""A read-only HTTP API in the Open Referral UK style: /services and /services/{id}."""
from __future__ import annotations

import math

from aiohttp import web
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from helpline.directory.storage import stored_record, stored_records

ENGINE = web.AppKey("engine", Engine)
MAX_PER_PAGE = 200


def _int(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(request.query.get(name, default))
    except ValueError:
        raise web.HTTPBadRequest(text=f"{name} must be a whole number") from None
    return max(low, min(high, value))


async def list_services(request: web.Request) -> web.Response:
    page = _int(request, "page", 1, 1, 1_000_000)
    per_page = _int(request, "per_page", 50, 1, MAX_PER_PAGE)
    with Session(request.app[ENGINE], future=True) as session:
        total, contents = stored_records(
            session, status=request.query.get("status"), need=request.query.get("need"),
            area=request.query.get("area"), offset=(page - 1) * per_page, limit=per_page)
    pages = max(1, math.ceil(total / per_page))
    return web.json_response({
        "total_items": total, "total_pages": pages, "page_number": page, "size": len(contents),
        "first_page": page == 1, "last_page": page >= pages, "empty": not contents,
        "contents": contents})


async def get_service(request: web.Request) -> web.Response:
    with Session(request.app[ENGINE], future=True) as session:
        record = stored_record(session, request.match_info["service_id"])
    if record is None:
        return web.json_response({"error": "no such service"}, status=404)
    return web.json_response(record)


def make_app(engine: Engine) -> web.Application:
    app = web.Application()
    app[ENGINE] = engine
    app.router.add_get("/services", list_services)
    app.router.add_get("/services/{service_id}", get_service)
    return app
