"""The environment helpline.run gives every server process (make run, containers, test stacks)."""
from __future__ import annotations

import json
import subprocess

from helpline.run import BIN, _env

PROBE = ("import json, numpy, scipy.linalg, sklearn.linear_model\n"
         "from threadpoolctl import threadpool_info\n"
         "print(json.dumps([[i['internal_api'], i['num_threads']] for i in threadpool_info()]))")


def test_numeric_libraries_start_one_thread_each() -> None:
    """A second BLAS thread spun in sched_yield beside every turn (helpline/run.py _env)."""
    out = subprocess.run([str(BIN / "python"), "-c", PROBE], env=_env(), capture_output=True,
                         text=True, timeout=120, check=True).stdout
    pools = json.loads(out)
    assert {api for api, _ in pools} >= {"openblas"}, pools
    assert all(threads == 1 for _, threads in pools), pools
