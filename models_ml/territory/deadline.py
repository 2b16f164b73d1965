"""A hard deadline around one segment's solve: the solve runs in a worker process that is
stopped when the deadline passes.

Why a process: the solver's time limit is checked between steps and by HiGHS itself, but HiGHS
does not check its clock everywhere. In the presolve of the sub-MIPs its heuristics start
(`HPresolve::strengthenInequalities`) one row can keep it busy for many minutes, and no
option, signal or interrupt callback reaches code that is not looking. Only the operating
system can stop it, and it can only stop a whole process, so the solve gets its own.

Why 'forkserver' (where the platform offers it, Linux): a plain fork copies the caller's whole
process, and the caller is often a Dagster run that has already trained LightGBM and opened
DuckDB: their OpenMP and worker threads do not survive a fork, and the child crashed (SIGSEGV)
in such runs. The fork server is a fresh interpreter started once per process, with the solver
imported in advance (`set_forkserver_preload`), and every worker is forked from it: a clean
parent, and no re-import of numpy, pandas and highspy per segment as 'spawn' would pay. The
problem's arrays and frames are pickled on the way in (HiGHS objects are built in the worker
and never cross), only the outcome on the way back. Elsewhere (macOS, Windows) 'spawn' is used.
As with any multiprocessing start method but 'fork', a script that plans territories needs the
usual `if __name__ == "__main__":` guard (the `terrain` command, Dagster and notebooks have it
or need none).

At the deadline the worker is killed (SIGKILL: a process spinning in native code runs no
signal handler) and the segment falls back to today's alignment repaired for balance and
contiguity (`repair.repair_plan`, pure Python, bounded by its own budget), reported with status
'fallback'. The worker gets the deadline less that budget, so the fallback too ends within the
deadline. When the repair cannot bring every territory within the tolerance there is no plan
to fall back to, and SolveDeadlineExceeded names the segment and the limit.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
import time
import traceback

import numpy as np

from .errors import PlanningError
from .problem import SegmentProblem
from .repair import repair_plan
from .solver import SolveOutcome, absorb_overflow, solve_segment, territory_pieces

DEADLINE_FACTOR = 2.0  # a segment may solve twice (without, then with the workload band)
DEADLINE_MARGIN_SECONDS = 30.0  # repair and polish run on minimum budgets past the time limit
FALLBACK_SECONDS = 10.0  # budget of the fallback repair, taken out of the deadline
JOIN_SECONDS = 5.0


class SolveDeadlineExceeded(PlanningError):
    """The segment's solve passed its hard deadline and no balanced plan could stand in for it."""

    def __init__(self, segment: str, deadline_seconds: float, reason: str) -> None:
        self.segment = segment
        self.deadline_seconds = deadline_seconds
        self.reason = reason
        super().__init__(
            f"Segment {segment!r}: the territory solve was stopped at its hard deadline of "
            f"{deadline_seconds:.0f} s and {reason}. Raise territory_plan.tolerance, change "
            f"territories_per_segment, or give the solver more time (PlanSettings.hard_deadline_seconds)."
        )

    def __reduce__(self):
        return (self.__class__, (self.segment, self.deadline_seconds, self.reason))


def hard_deadline(time_limit: float, hard_deadline_seconds: float | None) -> float:
    """The configured hard deadline, else twice the time limit plus a margin."""
    if hard_deadline_seconds is None:
        return DEADLINE_FACTOR * time_limit + DEADLINE_MARGIN_SECONDS
    if not hard_deadline_seconds > 0:
        raise ValueError(f"territory_plan.hard_deadline_seconds must be > 0, got {hard_deadline_seconds!r}")
    return float(hard_deadline_seconds)


def _start_method() -> str:
    return "forkserver" if sys.platform.startswith("linux") else "spawn"


def _context(method: str):
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload([__name__])
    return context


def solve_segment_within_deadline(problem: SegmentProblem, tolerance: float, metric: str, time_limit: float,
                                  mip_gap: float, max_rounds: int, hard_deadline_seconds: float | None = None,
                                  start_method: str | None = None) -> SolveOutcome:
    """`solver.solve_segment` in a worker process, with its outcome back within the hard deadline.

    The worker gets the deadline less the fallback's budget, so that even a fallback ends
    within the deadline. The caller's `problem` is never changed by the solve.
    """
    deadline = hard_deadline(time_limit, hard_deadline_seconds)
    reserve = min(FALLBACK_SECONDS, 0.5 * deadline)
    started = time.perf_counter()
    context = _context(start_method or _start_method())
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_work, args=(sender, problem, (tolerance, metric, time_limit, mip_gap, max_rounds)),
                             name=f"territory-solve-{problem.segment}", daemon=True)
    worker.start()
    sender.close()
    try:
        if receiver.poll(deadline - reserve):
            outcome = _received(receiver, worker, problem.segment)
            worker.join(JOIN_SECONDS)
            return outcome
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join(JOIN_SECONDS)
        receiver.close()
    return _fallback(problem, tolerance, deadline, started, deadline - (time.perf_counter() - started))


def _work(sender, problem: SegmentProblem, args: tuple) -> None:
    """The worker: solve and send back ('done', outcome) or ('error', how to rebuild the error)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent owns the worker's life
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        message = ("done", solve_segment(problem, *args))
    except BaseException as error:
        message = ("error", type(error), error.args, dict(vars(error)), traceback.format_exc())
    try:
        sender.send(message)
    except Exception as error:
        sender.send(("error", PlanningError, (f"{message[0]}: {error}",), {}, traceback.format_exc()))
    finally:
        sender.close()


def _received(receiver, worker, segment: str) -> SolveOutcome:
    """The worker's outcome, or its error raised here with the same type and message."""
    try:
        message = receiver.recv()
    except EOFError:
        worker.join(JOIN_SECONDS)
        raise PlanningError(f"Segment {segment!r}: the territory solver's worker stopped without a result "
                            f"(exit code {worker.exitcode})") from None
    if message[0] == "done":
        return message[1]
    _, kind, args, state, trace = message
    error = kind.__new__(kind)
    error.args = args
    error.__dict__.update(state)
    if not isinstance(error, PlanningError):
        error.add_note(f"in the territory solver's worker process:\n{trace}")
    raise error


def _fallback(problem: SegmentProblem, tolerance: float, deadline: float, started: float, budget: float) -> SolveOutcome:
    """Today's alignment repaired for contiguity and balance, in place of the stopped solve.

    Capacity is taken as today's where a rep holds more than their maximum today (the MIP
    prices overflow rather than forbidding it): the fallback adds no overflow, and a rep over
    capacity today does not make it fail.
    """
    start = problem.start.copy()
    today = absorb_overflow(problem, start)
    repaired = repair_plan(today, start, tolerance, max(budget, 1.0))
    if not repaired.feasible:
        raise SolveDeadlineExceeded(
            problem.segment, deadline,
            f"today's alignment could not be brought within ±{tolerance * 100:.1f}% in its place")
    assignment = repaired.assignment
    objective = float(problem.cost[np.arange(len(assignment)), assignment].sum()) if problem.cost is not None else float("nan")
    contiguous = [len(parts) <= 1 for parts in territory_pieces(problem, assignment)] if problem.geographic else [True] * len(problem.territory_ids)
    return SolveOutcome(
        assignment=assignment, objective=objective, lp_bound=float("nan"), gap_pct=float("nan"), contiguous=contiguous,
        rounds=0, cuts=0, fragments=repaired.fragments, moves=repaired.moves, seconds=time.perf_counter() - started,
        status="fallback",
    )
