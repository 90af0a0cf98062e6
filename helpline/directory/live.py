"""The directory a running process serves: reload on file change, keep the last good version."""
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
    """Serves `current`; a changed folder is validated in the background and swapped in only
    when it has no errors. Readers never wait and never see a half-built directory."""

    def __init__(self, folder: Path, check_every: float = 2.0) -> None:
        self.folder = Path(folder)
        self.check_every = check_every
        self.current: Loaded | None = None
        self._signature: tuple = ()
        self._checked = 0.0
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None
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

    def _background_reload(self) -> None:
        try:
            self.reload()
        except Exception:  # a reload must never take the service down
            log.exception("Directory reload failed; still serving the last good version")

    def get(self) -> Loaded | None:
        """The current version; starts a background reload if files changed since last check."""
        if self.current is None:
            with self._lock:
                if self.current is None and not self._signature:
                    self._background_reload()
            return self.current
        now = time.monotonic()
        if now - self._checked >= self.check_every:
            self._checked = now
            if _signature(self.folder) != self._signature:
                with self._lock:
                    if self._worker is None or not self._worker.is_alive():
                        self._worker = threading.Thread(target=self._background_reload,
                                                        daemon=True, name="directory-reload")
                        self._worker.start()
        return self.current

    def wait(self, timeout: float = 30.0) -> None:
        """Wait for a background reload to finish (tests and benchmarks)."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)
