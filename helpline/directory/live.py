"""The directory a running process serves: reload on file change, keep the last good version.

A change takes effect for the next message: the first reader to see changed files (checked at
most once a second, 0.2 ms a check) validates and swaps them in before it answers, which costs
that one message about 0.5 s (measured on the real directory; 1.8 s in a cold process). Other
readers meanwhile keep the version they had, and never see a half-built one. It used to reload
in the background, so the first question after a save still got the old answer (issue 14).
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import spacy

from helpline.directory.extract import NeedFinder
from helpline.directory.model import Directory
from helpline.directory.places import PlaceFinder
from helpline.directory.validate import directory_files, load_directory

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    """One consistent version: the directory and the finders built from it."""

    directory: Directory
    places: PlaceFinder
    needs: NeedFinder


def build(directory: Directory) -> Loaded:
    nlp = spacy.blank("en")
    return Loaded(directory, PlaceFinder(directory, nlp), NeedFinder(directory, nlp))


def _signature(folder: Path) -> tuple:
    try:
        return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                     for p in directory_files(folder))
    except OSError:
        return ()


class LiveDirectory:
    """Serves `current`; changed files are validated and swapped in only when they have no
    errors."""

    def __init__(self, folder: Path, check_every: float = 1.0) -> None:
        self.folder = Path(folder)
        self.check_every = check_every
        self.current: Loaded | None = None
        self._signature: tuple = ()
        self._checked = 0.0
        self._lock = threading.Lock()
        self.last_refusal: list[str] = []

    def reload(self) -> bool:
        """Validate and swap in the folder now. False (and the old version kept) on errors."""
        signature = _signature(self.folder)
        result = load_directory(self.folder)
        if result.directory is None:
            self.last_refusal = [str(p) for p in result.errors]
            log.error("Directory update refused, still serving the last good version "
                      "(%d problems): %s", len(result.errors), "; ".join(self.last_refusal[:20]))
            self._signature = signature
            return False
        loaded = build(result.directory)
        self.current = loaded  # one attribute swap: readers see old or new, never a mix
        self._signature = signature
        self.last_refusal = []
        log.info("Directory loaded: %d services, %d areas",
                 len(result.directory.services), len(result.directory.areas))
        return True

    def get(self) -> Loaded | None:
        """The current version, reloaded first if the files changed since the last check."""
        now = time.monotonic()
        if self.current is not None and now - self._checked < self.check_every:
            return self.current
        self._checked = now
        if _signature(self.folder) == self._signature and self._signature:
            return self.current
        # One reader reloads; the others keep what they have (or wait for the first version).
        if self._lock.acquire(blocking=self.current is None):
            try:
                if _signature(self.folder) != self._signature or not self._signature:
                    self.reload()
            except Exception:  # a reload must never take the service down
                log.exception("Directory reload failed; still serving the last good version")
            finally:
                self._lock.release()
        return self.current
