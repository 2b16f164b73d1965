"""Rebuild the dbt models that carry the published plan, after a scenario is published.

They run through the project's dbt resource from the scenario job's op, with the main run's
translator, so their materializations and dbt tests are recorded under the same asset keys as
the main run's ``dbt_scored`` step.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.assets.dbt import dbt_warehouse_path, ensure_manifest, translator, with_table_metadata
from orchestration.settings import load_settings

PUBLISHED_PLAN_MODELS = "source:territory+"


def refresh_crm_updates(context: dg.OpExecutionContext, dbt: DbtCliResource) -> Iterator:
    """Build the models downstream of ``territory.plan_published`` (the CRM write-back, reps' books)
    and their data tests, yielding their Dagster events."""
    args = ["build", "--select", PUBLISHED_PLAN_MODELS, "--exclude-resource-type", "unit_test",
            "--vars", json.dumps(load_settings().dbt_vars())]
    invocation = dbt.cli(args, manifest=ensure_manifest(), dagster_dbt_translator=translator, context=context)
    yield from with_table_metadata(invocation.stream(), invocation.manifest, dbt_warehouse_path())
