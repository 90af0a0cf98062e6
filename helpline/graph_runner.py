"""Rasa's model graph run node by node in a fixed order, without dask's scheduler.

Rasa 3.6 runs its graph of components (the NLU pipeline for every message, the policies for
every prediction, two or three per turn) through `dask.get`, which on every run builds a task
graph, orders it (`dask.order`), and hands each task through a queue and a future, for a graph
that is a chain of a dozen components. Under `make bench` load that bookkeeping was about 12%
of the Rasa server's main thread (py-spy `--threads`, 2026-12-01: `dask.get` 53.6% against
41.9% inside the components themselves).

`install()` replaces `DaskGraphRunner.run` for graphs without hooks (the ones the server and
`Agent.load` run; training graphs carry caching and logging hooks and keep dask). The nodes
needed for the targets are found once per set of targets and inputs, depth first in the order
each node lists what it needs, and kept; each run then calls them in that order with the same
arguments dask would give: an input as `(name, value)`, a node's output as `(name, output)`, and
the bare name of anything nobody provides (the node logs and raises as it does under dask).
The graph's results are the same (tests/test_graph_runner.py compares both runners on real
conversations).

Measured under the benchmark's load (20 conversations of 30 turns over REST, three runs each,
per-thread CPU from /proc, 2026-12-01): the Rasa server's main thread went from 32.6-33.9 to
22.3-26.9 ms of CPU per turn, and throughput from 24.6-27.7 to 30.1-38.7 turns/s.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

_dask_run = DaskGraphRunner.run
Plan = List[Tuple[Text, Any, Tuple[Text, ...]]]  # (node name, node, names of what it needs)


def _plan(runner: DaskGraphRunner, targets: Tuple[Text, ...], provided: frozenset) -> Plan:
    """The nodes to run for `targets`, each after everything it needs (kept per runner)."""
    plans: Dict[Any, Plan] = runner.__dict__.setdefault("_helpline_plans", {})
    key = (targets, provided)
    if key not in plans:
        nodes = runner._graph_schema.nodes
        plan: Plan = []
        done: set = set()

        def visit(name: Text) -> None:
            if name in done or name in provided or name not in nodes:
                return
            done.add(name)
            needs = tuple(nodes[name].needs.values())
            for need in needs:
                visit(need)
            plan.append((name, runner._instantiated_nodes[name], needs))

        for target in targets:
            visit(target)
        plans[key] = plan
    return plans[key]


def _hooked(runner: DaskGraphRunner) -> bool:
    """Whether any node carries hooks (training graphs), computed once per runner."""
    if "_helpline_hooked" not in runner.__dict__:
        runner._helpline_hooked = any(node._hooks for node in runner._instantiated_nodes.values())
    return runner._helpline_hooked


def _run(self: DaskGraphRunner, inputs: Optional[Dict[Text, Any]] = None,
         targets: Optional[List[Text]] = None) -> Dict[Text, Any]:
    if _hooked(self):
        return _dask_run(self, inputs, targets)
    run_targets = targets if targets else self._graph_schema.target_names
    inputs = inputs or {}
    plan = _plan(self, tuple(run_targets), frozenset(inputs))
    for value in inputs.values():  # the check Rasa makes before handing inputs to dask
        if isinstance(value, str) and (value in inputs or value in self._graph_schema.nodes):
            raise GraphRunError(
                f"Input value '{value}' clashes with a node name. Make sure that none of the "
                f"input names passed to the `run` method are the same as node names in the "
                f"graph schema.")
    results: Dict[Text, Any] = {name: (name, value) for name, value in inputs.items()}
    try:
        for name, node, needs in plan:
            results[name] = node(*(results.get(need, need) for need in needs))
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error
    return dict(results[target] for target in run_targets)


def install() -> None:
    DaskGraphRunner.run = _run  # type: ignore[method-assign]
