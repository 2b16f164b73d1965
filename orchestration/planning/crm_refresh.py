"""Rebuild the dbt models that carry the published plan, after ``terrain plan --publish``."""

from __future__ import annotations

import json

from dagster_dbt import DbtCliResource

from orchestration.assets.dbt import dbt_project
from orchestration.settings import load_settings


def refresh_crm_updates() -> None:
    """Run dbt on the models downstream of the published plan (the CRM write-back)."""
    dbt = DbtCliResource(project_dir=dbt_project)
    invocation = dbt.cli(["build", "--select", "source:territory+", "--exclude-resource-type", "unit_test",
                         "--vars", json.dumps(load_settings().dbt_vars())],
                         raise_on_error=True)
    invocation.wait()
