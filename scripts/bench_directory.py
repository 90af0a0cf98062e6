"""Directory benchmark at national scale: 10,000 services and 5,000 places (generated).

Prints: full validation + import time, place+need search p50/p95, and lookups that failed
while the directory was reloaded under load. Phone numbers are Ofcom's drama range
(020 7946 0xxx), so nothing generated can be mistaken for a real service.

    .venv/bin/python scripts/bench_directory.py [--services 10000] [--places 5000]
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path

from helpline import settings
from helpline.db import make_engine
from helpline.directory.live import LiveDirectory, build
from helpline.directory.search import search
from helpline.directory.storage import import_directory
from helpline.directory.validate import load_directory

PLACES_PER_AREA = 10


def generate(folder: Path, services: int, places: int, seed: int = 7) -> list[str]:
    """Write a directory folder; return the place names."""
    rng = random.Random(seed)
    shutil.copy(settings.ROOT / "directory" / "needs.yml", folder / "needs.yml")
    needs = ["helpline", "refuge", "idva", "isva-sexual-violence", "perpetrator-programme",
             "children-young-people", "community-support", "sanctuary", "health-based"]
    n_areas = places // PLACES_PER_AREA
    regions = [f"region-{r}" for r in range(max(1, n_areas // 10))]
    lines = ["last_reviewed: 2026-11-01", "regions:"]
    lines += [f"  - id: {r}\n    name: Region {r[7:]}" for r in regions]
    lines.append("areas:")
    names = []
    for a in range(n_areas):
        area_places = [f"Town{a}x{p}" for p in range(PLACES_PER_AREA)]
        names += area_places
        code = f"Z{chr(65 + a // 100 % 26)}{a % 100}"
        lines.append(f"  - id: area-{a}\n    name: Area {a}\n    region: {regions[a % len(regions)]}"
                     f"\n    places: [{', '.join(area_places)}]\n    postcodes: [{code}]")
    (folder / "areas.yml").write_text("\n".join(lines) + "\n")
    per_file = 1000
    for f in range(0, services, per_file):
        out = ["organizations:", f"  - id: org-{f}", "    name: Generated organisation",
               "    description: Generated for the benchmark.", "services:"]
        for i in range(f, min(services, f + per_file)):
            area = f"area-{i % n_areas}" if i % 50 else regions[i % len(regions)]
            out.append(
                f"  - id: svc-{i}\n    organization: org-{f}\n    name: Service {i}\n"
                f"    summary: generated\n    description: Generated service {i}.\n"
                f"    needs: [{rng.choice(needs)}, {rng.choice(needs)}]\n    status: active\n"
                f"    phones:\n      - number: \"020 7946 0{i % 1000:03d}\"\n        type: voice\n"
                "    schedules:\n      - freq: WEEKLY\n        byday: MO,TU,WE,TH,FR\n"
                "        opens_at: \"09:00\"\n        closes_at: \"17:00\"\n"
                f"    service_areas: [{area}]\n    source: national list\n"
                "    last_reviewed: 2026-11-01")
        (folder / f"generated-{f // per_file:02d}.yml").write_text("\n".join(out) + "\n")
    shutil.copy(settings.ROOT / "directory" / "national.yml", folder / "national.yml")
    cited = (folder / "national.yml").read_text()
    (folder / "sources.yml").write_text("sources:\n" + "".join(
        f"  - file: {name}\n    title: {name}\n"
        for name in sorted(set(re.findall(r"\b\d{3}_[0-9a-f]{16}\.txt\b", cited)))))
    return names


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--places", type=int, default=5_000)
    parser.add_argument("--queries", type=int, default=5_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-directory-"))
    folder = work / "directory"
    folder.mkdir()
    try:
        names = generate(folder, args.services, args.places)
        print(f"generated: {args.services} services, {len(names)} places in {folder}")

        started = time.perf_counter()
        result = load_directory(folder)
        validated = time.perf_counter()
        assert result.directory is not None, [str(p) for p in result.errors[:5]]
        import_directory(make_engine(f"sqlite:///{work / 'bench.db'}"), result.directory)
        imported = time.perf_counter()
        print(f"validation: {validated - started:.2f} s; import (SQLite): "
              f"{imported - validated:.2f} s; total {imported - started:.2f} s (target <= 10 s)")

        loaded = build(result.directory)
        rng = random.Random(1)
        needs = list(result.directory.needs)
        timings = []
        for _ in range(args.queries):
            text, need = rng.choice(names), rng.choice(needs)
            t0 = time.perf_counter()
            place = loaded.places.resolve(text)
            search(result.directory, place.area_id, need)
            timings.append((time.perf_counter() - t0) * 1000)
        print(f"place+need search ({args.queries} queries, place text resolved with spaCy "
              f"then ranked): p50 {percentile(timings, 0.5):.3f} ms, "
              f"p95 {percentile(timings, 0.95):.3f} ms, max {max(timings):.3f} ms "
              "(target p95 <= 1 ms)")
        timings = []
        for _ in range(args.queries):
            area, need = f"area-{rng.randrange(len(names) // PLACES_PER_AREA)}", rng.choice(needs)
            t0 = time.perf_counter()
            search(result.directory, area, need)
            timings.append((time.perf_counter() - t0) * 1000)
        print(f"search only (area known): p50 {percentile(timings, 0.5):.3f} ms, "
              f"p95 {percentile(timings, 0.95):.3f} ms")

        live = LiveDirectory(folder, check_every=0.05)
        live.reload()
        stop = threading.Event()
        counts = {"ok": 0, "failed": 0}
        lock = threading.Lock()

        def serve() -> None:
            local = random.Random(threading.get_ident())
            while not stop.is_set():
                try:
                    current = live.get()
                    place = current.places.resolve(local.choice(names))
                    hits = search(current.directory, place.area_id, None).hits
                    ok = place.status == "found" and bool(hits)
                except Exception:
                    ok = False
                with lock:
                    counts["ok" if ok else "failed"] += 1

        workers = [threading.Thread(target=serve) for _ in range(4)]
        for worker in workers:
            worker.start()
        target = folder / "generated-00.yml"
        original = target.read_text()
        swaps = 0
        for round_ in range(3):
            time.sleep(0.5)
            before = live.current
            target.write_text(original.replace("name: Service 1\n", f"name: Service 1 r{round_}\n"))
            while live.current is before:
                time.sleep(0.05)
            swaps += 1
            time.sleep(0.3)
            target.write_text(original + "  - id: [broken\n")  # a bad file lands
            os.utime(target)
            time.sleep(1.0)
            target.write_text(original)
        time.sleep(1.0)
        stop.set()
        for worker in workers:
            worker.join()
        print(f"reload under load: {swaps} good reloads and 3 refused bad files while serving; "
              f"{counts['ok']} lookups, {counts['failed']} failed (target 0)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
