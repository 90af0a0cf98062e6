"""Console users (argon2id password hashes), server-side sessions and login rate limiting.

Sessions: a row in console_sessions exists only for a logged-in advisor. Before, every
anonymous GET /login wrote one to carry the login form's CSRF token (200 requests, 200 rows;
the compose health check alone asks for /login every 10 s, 8,640 rows a day). Now the login
form uses a signed double-submit token: a random nonce in an HttpOnly, SameSite=Strict cookie
scoped to /login, and in the form HMAC-SHA256 of it under HELPLINE_ID_SECRET (``login_csrf``).
A cross-site form can't send the cookie (SameSite), read it (HttpOnly) or, without the secret,
make the form value from a cookie it managed to set; a login POST without the matching pair
gets 403, as before.

Rate limit: ``RateLimiter.take`` checks the count and counts the attempt in one locked step,
before the slow argon2 check (0.26 to 0.42 s here, on a loaded machine). Counting only after
a wrong password, as before, let parallel attempts all pass the check first: 25 parallel
POST /login for one user (24 wrong, 1 right) all reached the password check, 24 x 401 and a
login, against a limit of 5 (3 runs out of 3). Now at most 5 reach it and the rest get 429
(5 runs: 5 x 401 and 20 x 429, or 4 x 401, a login and 20 x 429 when the right password was
among the first 5; tests/handoff/test_console_login.py). A right password gives its attempt
back; wrong ones stay counted for the window, even across a later success (clearing them at
a success would let a burst in flight past the limit).
The count lives in memory, not in the database: docker-compose.yml runs one console process,
and a database counter would need a table and migration, a write per attempt, and would keep
the addresses and usernames tried on disk (safety rule 5) with a job to prune them. A restart
forgets the counts (an attacker can't restart the console). If the console ever runs as N
processes, each allows the limit: move the count into the database then.

First names (``console_profiles``): an advisor may give the first name people see when they
join a chat ("Ann, an advisor, has joined"); without one people read "An advisor". A table of
its own, not a column of console_users, so a database created before it still logs in.
"""
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
from sqlalchemy.orm import Session

from helpline import db, privacy
from helpline.db import Base

ROLES = ("advisor", "supervisor", "commissioner")  # commissioner: demand figures only
SESSION_HOURS = 12
MIN_PASSWORD = 12
FIRST_NAME_MAX = 30
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
    username = Column(String(64), nullable=True)  # None only in old, anonymous rows
    role = Column(String(16), nullable=True)
    csrf = Column(String(64), nullable=False)
    created_at = Column(Float, nullable=False)


class ConsoleProfile(Base):
    """What people see of an advisor: a first name, if they set one."""

    __tablename__ = "console_profiles"

    username = Column(String(64), primary_key=True)
    first_name = Column(String(FIRST_NAME_MAX), nullable=False)
    updated_at = Column(Float, nullable=False)


engine = db.engine  # our database, at the migrations' head


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


def clean_first_name(name: object) -> str:
    """A first name as people will see it ("" for none), or ValueError: letters, spaces,
    hyphens and apostrophes, at most FIRST_NAME_MAX characters."""
    if not isinstance(name, str):
        raise ValueError("The first name must be text.")
    name = " ".join(name.split())
    if len(name) > FIRST_NAME_MAX:
        raise ValueError(f"The first name must be at most {FIRST_NAME_MAX} characters.")
    if name and not all(ch.isalpha() or ch in " -'\u2019" for ch in name):
        raise ValueError("Use letters only in the first name (spaces, - and ' are fine).")
    return name


def set_first_name(username: str, name: object, db_url: Optional[str] = None) -> str:
    """Set (or, with "", clear) the first name people see; returns it as stored."""
    name = clean_first_name(name)
    with _session(db_url) as session, session.begin():
        profile = session.get(ConsoleProfile, username)
        if not name:
            if profile is not None:
                session.delete(profile)
        elif profile is None:
            session.add(ConsoleProfile(username=username, first_name=name,
                                       updated_at=time.time()))
        else:
            profile.first_name, profile.updated_at = name, time.time()
    return name


def first_name(username: Optional[str], db_url: Optional[str] = None) -> str:
    """The first name people see for this advisor ("" if none)."""
    if not username:
        return ""
    with _session(db_url) as session:
        profile = session.get(ConsoleProfile, username)
    return profile.first_name if profile else ""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SessionInfo:
    token: str
    username: Optional[str]
    role: Optional[str]
    csrf: str


def new_session(username: str, role: str, db_url: Optional[str] = None) -> SessionInfo:
    """A fresh session id and CSRF token, made at login (a new id at every login)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with _session(db_url) as session, session.begin():
        session.add(ConsoleSession(id_hash=_digest(token), username=username, role=role,
                                   csrf=csrf, created_at=time.time()))
    return SessionInfo(token, username, role, csrf)


def login_nonce(current: Optional[str]) -> str:
    """The login cookie's nonce: the browser's own if it sent one, else a new one (so two open
    login tabs both work)."""
    if current and 32 <= len(current) <= 100:
        return current
    return secrets.token_urlsafe(32)


def login_csrf(nonce: str) -> str:
    """The login form's CSRF token for the nonce in the login cookie (signed double submit)."""
    return privacy.keyed_hash("console-login-csrf", nonce)


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
    """At most ``limit`` login attempts per key in ``window`` seconds reach the password check
    (per process; see the module docstring)."""

    def __init__(self, limit: int = 5, window: float = 900) -> None:
        self.limit, self.window = limit, window
        self._attempts: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        stamps = self._attempts[key]
        while stamps and stamps[0] < now - self.window:
            stamps.popleft()
        return stamps

    def take(self, key: str) -> Optional[float]:
        """Count an attempt at ``key`` and return its stamp, or None (counting nothing) if
        ``key`` is at its limit. The check and the count are one step."""
        now = time.monotonic()
        with self._lock:
            stamps = self._recent(key, now)
            if len(stamps) >= self.limit:
                return None
            stamps.append(now)
            return now

    def give_back(self, key: str, stamp: float) -> None:
        """Uncount the attempt ``take`` stamped (it was not a failure)."""
        with self._lock:
            stamps = self._attempts.get(key)
            if stamps and stamp in stamps:
                stamps.remove(stamp)
            if not stamps:
                self._attempts.pop(key, None)

    def retry_after(self, *keys: str) -> int:
        """Seconds to wait (0 when allowed)."""
        now = time.monotonic()
        with self._lock:
            waits = [int(s[0] + self.window - now) + 1 for s in
                     (self._recent(k, now) for k in keys) if len(s) >= self.limit]
        return max(waits, default=0)
