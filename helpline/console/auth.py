"""Console users (argon2id password hashes), server-side sessions and login rate limiting."""
from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Column, Float, String, delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from helpline import db
from helpline.db import Base

ROLES = ("advisor", "supervisor")
SESSION_HOURS = 12
MIN_PASSWORD = 12
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-real-password-used-for-timing")


class ConsoleUser(Base):
    __tablename__ = "console_users"

    username = Column(String(64), primary_key=True)
    password_hash = Column(String(255), nullable=False)
    role = Column(String(16), nullable=False)
    created_at = Column(Float, nullable=False)


class ConsoleSession(Base):
    """A browser session; only a SHA-256 of the cookie value is stored."""

    __tablename__ = "console_sessions"

    id_hash = Column(String(64), primary_key=True)
    username = Column(String(64), nullable=True)  # None before login
    role = Column(String(16), nullable=True)
    csrf = Column(String(64), nullable=False)
    created_at = Column(Float, nullable=False)


def engine(db_url: Optional[str] = None) -> Engine:
    return db.engine_with([ConsoleUser.__table__, ConsoleSession.__table__], db_url)


def _session(db_url: Optional[str]) -> Session:
    return Session(engine(db_url), expire_on_commit=False)


def create_user(username: str, password: str, role: str = "advisor",
                db_url: Optional[str] = None) -> None:
    """Create or replace a user. Raises ValueError for a bad name, role or short password."""
    username = username.strip()
    if not username or len(username) > 64 or not username.replace(".", "").replace(
            "-", "").replace("_", "").isalnum():
        raise ValueError("username: 1-64 letters, digits, '.', '-' or '_'")
    if role not in ROLES:
        raise ValueError(f"role must be one of: {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"password must be at least {MIN_PASSWORD} characters")
    with _session(db_url) as session, session.begin():
        user = session.get(ConsoleUser, username) or ConsoleUser(username=username)
        user.password_hash = _hasher.hash(password)
        user.role = role
        user.created_at = time.time()
        session.add(user)


def verify(username: str, password: str, db_url: Optional[str] = None) -> Optional[str]:
    """The user's role if the password is right, else None (same work either way)."""
    with _session(db_url) as session:
        user = session.get(ConsoleUser, username[:64])
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return user.role if user else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SessionInfo:
    token: str
    username: Optional[str]
    role: Optional[str]
    csrf: str


def new_session(username: Optional[str] = None, role: Optional[str] = None,
                db_url: Optional[str] = None) -> SessionInfo:
    """A fresh session id and CSRF token (a new id at every login)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with _session(db_url) as session, session.begin():
        session.add(ConsoleSession(id_hash=_digest(token), username=username, role=role,
                                   csrf=csrf, created_at=time.time()))
    return SessionInfo(token, username, role, csrf)


def get_session(token: Optional[str], db_url: Optional[str] = None) -> Optional[SessionInfo]:
    if not token or len(token) > 100:
        return None
    with _session(db_url) as session:
        row = session.get(ConsoleSession, _digest(token))
    if row is None or row.created_at < time.time() - SESSION_HOURS * 3600:
        return None
    return SessionInfo(token, row.username, row.role, row.csrf)


def end_session(token: Optional[str], db_url: Optional[str] = None) -> None:
    if not token:
        return
    with _session(db_url) as session, session.begin():
        session.execute(delete(ConsoleSession).where(ConsoleSession.id_hash == _digest(token)))


def usernames(db_url: Optional[str] = None) -> list[tuple[str, str]]:
    with _session(db_url) as session:
        return [(u.username, u.role) for u in session.execute(
            select(ConsoleUser).order_by(ConsoleUser.username)).scalars()]


class RateLimiter:
    """At most ``limit`` failed logins per key in ``window`` seconds (per process)."""

    def __init__(self, limit: int = 5, window: float = 900) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        stamps = self._failures[key]
        while stamps and stamps[0] < now - self.window:
            stamps.popleft()
        return stamps

    def retry_after(self, *keys: str) -> int:
        """Seconds to wait (0 when allowed)."""
        now = time.monotonic()
        with self._lock:
            waits = [int(s[0] + self.window - now) + 1 for s in
                     (self._recent(k, now) for k in keys) if len(s) >= self.limit]
        return max(waits, default=0)

    def fail(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def clear(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
