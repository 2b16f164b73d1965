"""What a territory plan must pass before the CRM may receive it, and what only warns.

A wrong plan in the CRM is worse than last week's: reps lose accounts they should keep. So the
rules a revenue-operations reviewer checks first are blocking: every group within its balance
tolerance (the configured one, or the best achievable when the plan says it had to relax),
every geographic territory in one piece, and no locked, named or uncovered foreign account
moved. A plan that breaks one is stored for inspection but never published. Workload outside
its band, a relaxed tolerance and reps over capacity are worth a look but still give a plan.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

BLOCKING = ("plan_produced", "within_balance_tolerance", "geographic_territories_contiguous", "pinned_accounts_kept")
WARNING = ("workload_within_band", "tolerance_as_configured", "reps_within_capacity", "solver_finished")


@dataclass(frozen=True)
class Verdict:
    """One rule's outcome: its name, whether it passed, a sentence for the UI, and figures."""

    name: str
    passed: bool
    text: str
    figures: dict

    @property
    def blocking(self) -> bool:
        return self.name in BLOCKING


def _group_column(frame: pd.DataFrame) -> str:
    """Plans name their groups in `plan_group`; older metrics rows only have `segment`."""
    return "plan_group" if "plan_group" in frame else "segment"


def _worst(frame: pd.DataFrame, column: str) -> float:
    return float(frame[column].max()) if len(frame) and column in frame else 0.0


def balance_verdict(proposed: pd.DataFrame, tolerance: float) -> Verdict:
    """Each group against its own band: the configured tolerance, or the relaxed one it reports."""
    if proposed.empty:
        return Verdict("within_balance_tolerance", True, "no territories to balance", {"max_abs_deviation_pct": 0.0})
    band = proposed["tolerance_used"].fillna(tolerance) if "tolerance_used" in proposed else pd.Series(tolerance, index=proposed.index)
    excess = proposed["max_abs_deviation_pct"] - 100 * band
    outside = proposed.loc[excess > 1e-6, _group_column(proposed)].astype(str).tolist()
    worst = _worst(proposed, "max_abs_deviation_pct")
    text = (f"largest deviation {worst:.2f}% against ±{100 * tolerance:.1f}%" if not outside
            else f"outside the balance band in {', '.join(sorted(outside))} (largest deviation {worst:.2f}%)")
    return Verdict("within_balance_tolerance", not outside, text, {"max_abs_deviation_pct": worst})


def contiguity_verdict(proposed: pd.DataFrame) -> Verdict:
    flags = proposed["all_contiguous"] if "all_contiguous" in proposed else pd.Series(dtype="boolean")
    scattered = sorted(proposed.loc[flags.eq(False).fillna(False), _group_column(proposed)].astype(str))
    text = "every geographic territory is one connected piece" if not scattered else f"territories in pieces in {', '.join(scattered)}"
    return Verdict("geographic_territories_contiguous", not scattered, text, {"groups_not_contiguous": len(scattered)})


def pinned_verdict(assignments: pd.DataFrame, accounts: pd.DataFrame, home_country: str = "US") -> Verdict:
    """Locked accounts stay in today's territory, named ones in their named territory, and a
    company abroad that no territory covers stays UNASSIGNED."""
    cols = [c for c in ("account_key", "locked", "named_territory_id", "country") if c in accounts]
    joined = assignments.merge(accounts[cols], on="account_key", how="left")
    locked = joined["locked"].astype("boolean").fillna(False).astype(bool) if "locked" in joined else pd.Series(False, index=joined.index)
    named = joined["named_territory_id"].astype("string") if "named_territory_id" in joined else pd.Series(pd.NA, index=joined.index, dtype="string")
    country = joined["country"].astype("string").str.upper() if "country" in joined else pd.Series(pd.NA, index=joined.index, dtype="string")
    proposed = joined["proposed_territory_id"].astype(str)
    current = joined["current_territory_id"].astype(str)
    broken_lock = locked & (proposed != current)
    broken_named = ~locked & named.notna() & (proposed != named.fillna(""))
    abroad = country.notna() & (country != home_country) & (current == "UNASSIGNED") & (proposed != "UNASSIGNED")
    counts = {"locked_moved": int(broken_lock.sum()), "named_moved": int(broken_named.fillna(False).sum()),
              "uncovered_abroad_placed": int(abroad.fillna(False).sum())}
    passed = not any(counts.values())
    text = ("no locked, named or uncovered foreign account moved" if passed
            else ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items() if v))
    return Verdict("pinned_accounts_kept", passed, text, counts)


def plan_verdicts(proposed: pd.DataFrame, summary: pd.DataFrame, assignments: pd.DataFrame, accounts: pd.DataFrame,
                  tolerance: float, workload_tolerance: float | None) -> list[Verdict]:
    """Every rule for a plan that was produced (see `failed_plan_verdicts` for one that was not)."""
    workload = _worst(proposed, "max_abs_workload_deviation_pct")
    relaxed = (proposed[proposed["tolerance_relaxed"].astype("boolean").fillna(False).astype(bool)] if "tolerance_relaxed" in proposed
               else proposed.iloc[0:0])
    over = summary[summary["capacity_overflow"].fillna(0) > 0] if "capacity_overflow" in summary else summary.iloc[0:0]
    group_col = _group_column(relaxed)
    return [
        Verdict("plan_produced", True, "a plan was produced for every group", {}),
        balance_verdict(proposed, tolerance),
        contiguity_verdict(proposed),
        pinned_verdict(assignments, accounts),
        Verdict("workload_within_band", workload_tolerance is None or workload <= 100 * workload_tolerance + 1e-6,
                "no workload band set" if workload_tolerance is None
                else f"largest workload deviation {workload:.2f}% against ±{100 * workload_tolerance:.1f}%",
                {"max_abs_workload_deviation_pct": workload}),
        Verdict("tolerance_as_configured", relaxed.empty,
                "every group met the configured tolerance" if relaxed.empty else
                "; ".join(f"{r[group_col]}: best achievable ±{100 * r['tolerance_used']:.1f}%" for _, r in relaxed.iterrows()),
                {"groups_relaxed": len(relaxed)}),
        Verdict("reps_within_capacity", over.empty,
                "every rep within Max_Accounts__c" if over.empty else
                "; ".join(f"{r['territory_id']} ({r['owner_user_id'] if pd.notna(r['owner_user_id']) else 'no owner'}) +{int(r['capacity_overflow'])}"
                          for _, r in over.sort_values("capacity_overflow", ascending=False).head(10).iterrows()),
                {"accounts_over_capacity": int(over["capacity_overflow"].sum()) if len(over) else 0}),
        _solver_verdict(proposed),
    ]


def _solver_verdict(proposed: pd.DataFrame) -> Verdict:
    """Groups whose solve hit its time limit or its hard deadline (the plan is then the best
    found in time, or today's alignment repaired), worth a look before a weekly run relies on it."""
    status = proposed["solve_status"].fillna("optimal") if "solve_status" in proposed else pd.Series("optimal", index=proposed.index)
    group_col = _group_column(proposed)
    late = proposed.loc[status != "optimal", [group_col]].assign(status=status[status != "optimal"])
    text = "every solve ended on its own stopping rules" if late.empty else "; ".join(f"{g}: {st}" for g, st in zip(late[group_col], late["status"]))
    return Verdict("solver_finished", late.empty, text, {"groups_limit_or_fallback": len(late)})


def failed_plan_verdicts(message: str) -> list[Verdict]:
    """The rules for a plan that could not be produced: the first fails with the reason."""
    verdicts = [Verdict("plan_produced", False, message, {})]
    verdicts += [Verdict(name, False, "no plan to check", {}) for name in BLOCKING[1:]]
    verdicts += [Verdict(name, True, "no plan to check", {}) for name in WARNING]
    return verdicts


def publishable(verdicts: list[Verdict]) -> bool:
    return all(v.passed for v in verdicts if v.blocking)
