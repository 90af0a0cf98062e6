"""Our tables are created once even when the first messages arrive together."""
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import inspect

from helpline import db, safety_words


def test_concurrent_first_use_creates_the_tables_once(tmp_path) -> None:
    for attempt in range(5):
        url = f"sqlite:///{tmp_path / f'race-{attempt}.db'}"
        start = threading.Barrier(8)

        def first_use(start: threading.Barrier = start, url: str = url) -> None:
            start.wait()
            db.engine_with([safety_words.SafetyWord.__table__], url)

        with ThreadPoolExecutor(8) as pool:
            for future in [pool.submit(first_use) for _ in range(8)]:
                future.result()  # raises if a thread hit "table already exists"
        assert "safety_words" in inspect(db.engine_for(url)).get_table_names()
