"""Every setting of the helpline, from environment variables with safe local defaults.

`Settings` is the reference list of configuration: one field per environment variable, each
with its variable's name, its default and what it does. Modules read it with `get()`;
nothing else in helpline/ or bot/ reads a setting from os.environ (helpline.run copies the
environment for the processes it starts).

- A variable that is unset, empty or only spaces means its default; values are stripped of
  surrounding spaces (except HELPLINE_ID_SECRET, which is used exactly as written, because
  the keyed hashes already stored depend on every byte of it).
- Values that a module has always tolerated still fall back to their default: a retention
  period that is not a whole number (with a warning), an action timeout that is not a
  positive number. Any other value that can't be read (a port that is not a whole number)
  makes `get()` raise pydantic's ValidationError, which names the field, so a process stops
  at start rather than run half-configured.
- Variable names are case-sensitive, as os.environ.get was.

`get()` answers from a cache that is rebuilt whenever one of these variables has changed,
so a test's monkeypatch.setenv is seen at the next read, as before. Why a cache: building
`Settings` reads and validates all 39 fields, about 0.5 ms here (measured on a quiet run),
and settings are read several times per message (the id secret for every keyed hash, the
exit words, the database URL). The check looks the variables up in os.environ's own dict
(`_data`, CPython's since 3.2): os.environ.get raises and catches a KeyError for each unset
variable, about 110 us for all 39, against 3 us this way, which is what the one
os.environ.get of each read cost before.

`data_dir()`, `database_url()`, `tracker_db_url()` and `directory_dir()` give the paths and
URLs with their defaults filled in (the SQLite files live in the data directory, which
`data_dir()` creates).
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseSettings, Field, SecretStr, validator

ROOT = Path(__file__).resolve().parent.parent
logger = logging.getLogger(__name__)

# Used exactly as written (see the module docstring).
_AS_WRITTEN = {"id_secret"}


class Settings(BaseSettings):
    """The helpline's configuration: one field per environment variable."""

    # ------------------------------------------------------------------------- storage
    data_dir: Path = Field(
        ROOT / "var", env="HELPLINE_DATA_DIR",
        description="Local state: the SQLite databases (by default), the logs of the "
                    "processes helpline.run starts and their endpoints files. A relative "
                    "path is taken from the repository root; created on first use.")
    db_url: str = Field(
        "", env="HELPLINE_DB_URL",
        description="Our database (directory, advisor queue, safety words, channel state, "
                    "audit log), a SQLAlchemy URL. Default: sqlite:///<data dir>/helpline.db.")
    tracker_db_url: str = Field(
        "", env="HELPLINE_TRACKER_DB_URL",
        description="Rasa's tracker store (the events of every conversation), a SQLAlchemy "
                    "URL. Default: sqlite:///<data dir>/tracker.db.")
    directory_dir: Path = Field(
        ROOT / "directory", env="HELPLINE_DIRECTORY_DIR",
        description="The folder of directory files that partnership staff edit.")
    redis_url: str = Field(
        "", env="HELPLINE_REDIS_URL",
        description="Redis as Rasa's lock store (redis:// or rediss://, the database "
                    "number as the path), which several Rasa servers sharing one tracker "
                    "store need. Empty: Rasa's in-memory lock store, right for one server.")
    redis_key_prefix: str = Field(
        "", env="HELPLINE_REDIS_KEY_PREFIX",
        description="A prefix for the lock store's Redis keys (several deployments, or "
                    "test runs, sharing one Redis).")

    # -------------------------------------------------------------- privacy and safety
    env: str = Field(
        "", env="HELPLINE_ENV",
        description="'production' (or 'prod'): a missing HELPLINE_ID_SECRET is logged as a "
                    "warning.")
    id_secret: SecretStr = Field(
        SecretStr(""), env="HELPLINE_ID_SECRET",
        description="The secret of pseudonymous sender ids and safety-word hashes "
                    "(HMAC-SHA256). Set a long random value in production; without it a "
                    "dev-only default is used. Changing it changes every pseudonym.")
    retention_days: int = Field(
        30, env="HELPLINE_RETENTION_DAYS",
        description="Days a conversation is kept after its latest event; "
                    "`helpline privacy purge` erases older ones. Not a whole number: 30, "
                    "with a warning; below 0: 0.")
    exit_words: str = Field(
        "exit, quick exit", env="HELPLINE_EXIT_WORDS",
        description="The default exit words, comma-separated: a message that is one of "
                    "them ends and erases the conversation.")
    neutral_reply: str = Field(
        "Thanks for your message. Goodbye.", env="HELPLINE_NEUTRAL_REPLY",
        description="The only reply after a safety or exit word.")

    # ------------------------------------------------------------------ processes
    bind: str = Field(
        "127.0.0.1", env="HELPLINE_BIND",
        description="The address the Rasa server, the action server and the console "
                    "listen on (0.0.0.0 in a container).")
    port: Optional[int] = Field(
        None, env="HELPLINE_PORT",
        description="The port of the one process `python -m helpline.run --serve` runs. "
                    "Default: 5005 for rasa, 5055 for actions.")
    rasa_port: int = Field(
        5005, env="HELPLINE_RASA_PORT",
        description="The Rasa server's port when helpline.run starts the whole stack.")
    action_port: int = Field(
        5055, env="HELPLINE_ACTION_PORT",
        description="The action server's port when helpline.run starts the whole stack.")
    webchat_port: int = Field(8000, env="HELPLINE_WEBCHAT_PORT",
                              description="The web chat's port.")
    webchat_host: str = Field("127.0.0.1", env="HELPLINE_WEBCHAT_HOST",
                              description="The address the web chat listens on.")
    console_port: int = Field(8001, env="HELPLINE_CONSOLE_PORT",
                              description="The advisor console's port.")
    rasa_url: str = Field(
        "http://127.0.0.1:5005", env="HELPLINE_RASA_URL",
        description="Where the web chat and the console reach the Rasa server.")
    action_url: str = Field(
        "http://127.0.0.1:5055/webhook", env="HELPLINE_ACTION_URL",
        description="The action server's webhook, for a Rasa server started with --serve.")
    rasa_token: SecretStr = Field(
        SecretStr(""), env="HELPLINE_RASA_TOKEN",
        description="The token of Rasa's HTTP API (--auth-token), which the console "
                    "sends. Empty: the API has no token (loopback only).")
    action_timeout: float = Field(
        10.0, env="HELPLINE_ACTION_TIMEOUT",
        description="Seconds the Rasa server waits for the action server before the turn "
                    "goes on without the action (helpline.action_calls). Not a positive "
                    "number: 10.")
    max_body_bytes: int = Field(
        256 * 1024, env="HELPLINE_MAX_BODY_BYTES",
        description="The largest request body the REST channel reads (helpline.untrusted "
                    "explains the value); larger ones get a 413.")

    # --------------------------------------------------------------- web chat page
    exit_url: str = Field(
        "https://www.bbc.co.uk/weather", env="HELPLINE_EXIT_URL",
        description="Where the web chat's quick exit goes; only http(s) URLs are taken.")
    exit_name: str = Field(
        "", env="HELPLINE_EXIT_NAME",
        description="The quick exit's destination as the page names it. Default: 'BBC "
                    "Weather' for the default exit URL, else 'another website'.")
    page_title: str = Field("Chat", env="HELPLINE_PAGE_TITLE",
                            description="The web chat page's (neutral) title.")

    # -------------------------------------------------------------- advisor console
    console_secure_cookies: bool = Field(
        False, env="HELPLINE_CONSOLE_SECURE_COOKIES",
        description="1: the console's cookies are always Secure (https only).")
    console_trust_proxy: bool = Field(
        False, env="HELPLINE_CONSOLE_TRUST_PROXY",
        description="1: trust X-Forwarded-Proto from the proxy in front of the console "
                    "(Secure cookies when it says https).")
    advisor_hours: str = Field(
        "mon-fri 09:00-17:00", env="HELPLINE_ADVISOR_HOURS",
        description="When advisors take conversations, Europe/London time, in the hours "
                    "format of helpline/directory/hours.py, e.g. 'mon-fri 09:00-17:00; sat "
                    "10:00-13:00'.")
    abandoned_minutes: float = Field(
        10.0, env="HELPLINE_ABANDONED_MINUTES",
        description="Minutes without a message from a person in the queue or with an "
                    "advisor after which the console marks them \"left\" (and claiming "
                    "asks to confirm).")

    # ---------------------------------------------------------------------- channels
    public_url: str = Field(
        "", env="HELPLINE_PUBLIC_URL",
        description="The Rasa server's public base URL, which Twilio signs; set it when a "
                    "proxy sits in front of the server.")
    twilio_account_sid: str = Field("", env="TWILIO_ACCOUNT_SID",
                                    description="SMS: the Twilio account.")
    twilio_auth_token: SecretStr = Field(
        SecretStr(""), env="TWILIO_AUTH_TOKEN",
        description="SMS: the Twilio auth token (checks signatures, sends replies).")
    twilio_from_number: str = Field("", env="TWILIO_FROM_NUMBER",
                                    description="SMS: the number replies come from.")
    twilio_messaging_service_sid: str = Field(
        "", env="TWILIO_MESSAGING_SERVICE_SID",
        description="SMS: a messaging service to send replies with, instead of a number.")
    twilio_api_base: str = Field("", env="TWILIO_API_BASE",
                                 description="SMS, tests only: where Twilio's API is.")
    telegram_bot_token: SecretStr = Field(SecretStr(""), env="TELEGRAM_BOT_TOKEN",
                                          description="Telegram: the bot's token.")
    telegram_webhook_secret: SecretStr = Field(
        SecretStr(""), env="TELEGRAM_WEBHOOK_SECRET",
        description="Telegram: the secret_token the webhook was registered with.")
    telegram_polling: bool = Field(
        False, env="TELEGRAM_POLLING",
        description="Telegram, local use: 1 makes the Rasa server fetch updates itself "
                    "(no public URL or secret needed).")
    telegram_api_base: str = Field("", env="TELEGRAM_API_BASE",
                                   description="Telegram, tests only: where its API is.")

    class Config:
        case_sensitive = True

        @classmethod
        def customise_sources(cls, init_settings: Any, env_settings: Any,
                              file_secret_settings: Any) -> tuple[Any, ...]:
            return init_settings, _set_values(env_settings)

    @validator("retention_days", pre=True)
    def _whole_days(cls, value: Any, field: Any) -> int:
        try:
            return max(int(value), 0)
        except (TypeError, ValueError):
            logger.warning("HELPLINE_RETENTION_DAYS is not a whole number; using %d.",
                           field.default)
            return field.default

    @validator("action_timeout", pre=True)
    def _positive_seconds(cls, value: Any, field: Any) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            return field.default
        return seconds if seconds > 0 else field.default

    @validator("console_secure_cookies", "console_trust_proxy", "telegram_polling",
               pre=True)
    def _flag(cls, value: Any) -> bool:
        return str(value).strip().lower() in {"1", "true", "yes"}

    @validator("exit_url")
    def _web_address(cls, value: str, field: Any) -> str:
        return value if value.lower().startswith(("https://", "http://")) else field.default

    @validator("exit_name", always=True)
    def _exit_name(cls, value: str, values: dict[str, Any]) -> str:
        if value:
            return value
        default_url = cls.__fields__["exit_url"].default
        return "BBC Weather" if values.get("exit_url") == default_url else "another website"

    @property
    def production(self) -> bool:
        return self.env.lower() in {"production", "prod"}


def _set_values(env_settings: Any) -> Any:
    """The environment's values without blank ones (their defaults apply), stripped."""
    def source(settings: BaseSettings) -> dict[str, Any]:
        return {name: value if name in _AS_WRITTEN else value.strip()
                for name, value in env_settings(settings).items() if value.strip()}
    return source


# The variables as os.environ keeps them (bytes on POSIX), for get()'s cache check.
_ENV_KEYS = tuple(os.environ.encodekey(name) for field in Settings.__fields__.values()
                  for name in sorted(field.field_info.extra["env_names"]))
_cached: Optional[tuple[tuple[Any, ...], Settings]] = None


def get() -> Settings:
    """The settings as the environment holds them now (see the module docstring)."""
    global _cached
    key = tuple(map(os.environ._data.get, _ENV_KEYS))
    cached = _cached
    if cached is None or cached[0] != key:
        cached = _cached = (key, Settings())
    return cached[1]


def data_dir() -> Path:
    """Where local state (SQLite databases, logs) lives; created on first use."""
    path = get().data_dir
    if not path.is_absolute():
        path = ROOT / path
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    """The one SQLAlchemy database for the directory, the advisor queue and the audit log."""
    return get().db_url or f"sqlite:///{data_dir() / 'helpline.db'}"


def directory_dir() -> Path:
    """The folder of directory files that partnership staff edit."""
    return get().directory_dir


def tracker_db_url() -> str:
    """Rasa's SQL tracker store (the events of every conversation)."""
    return get().tracker_db_url or f"sqlite:///{data_dir() / 'tracker.db'}"
