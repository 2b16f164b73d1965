"""The Dagster UI is a real web page: start the webserver on the workspace and read it as a browser does."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.support import REPO

pytestmark = pytest.mark.integration

ASSETS_QUERY = "{ assetNodes { assetKey { path } groupName } }"
JOBS_QUERY = """{ repositoriesOrError { ... on RepositoryConnection { nodes {
  jobs { name } schedules { name cronSchedule } } } } }"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def webserver(tmp_path_factory):
    port = _free_port()
    data = tmp_path_factory.mktemp("ui_data")
    env = {**os.environ, "TERRAIN_DATA_DIR": str(data), "DAGSTER_HOME": str(data),
           "TERRAIN_DUCKDB_PATH": str(data / "warehouse" / "terrain.duckdb")}
    (data / "warehouse").mkdir()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster-webserver"), "-w", "workspace.yaml", "-h", "127.0.0.1",
         "-p", str(port)], cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/server_info", timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.5)
        else:
            pytest.fail("the Dagster webserver did not start within 120 s")
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _graphql(base: str, query: str) -> dict:
    deadline = time.monotonic() + 60
    while True:
        response = requests.post(f"{base}/graphql", json={"query": query}, timeout=30)
        response.raise_for_status()
        data = response.json()["data"]
        if data.get("assetNodes") or data.get("repositoriesOrError", {}).get("nodes") or time.monotonic() > deadline:
            return data
        time.sleep(1)


def test_ui_page_is_served(webserver):
    page = requests.get(f"{webserver}/asset-groups", timeout=30)
    assert page.status_code == 200
    assert "<html" in page.text and "Dagster" in page.text
    assert "__NEXT_DATA__" in page.text


def test_ui_shows_the_asset_graph_by_layer(webserver):
    nodes = _graphql(webserver, ASSETS_QUERY)["assetNodes"]
    keys = {"/".join(n["assetKey"]["path"]) for n in nodes}
    groups = {n["groupName"] for n in nodes}
    assert {"raw/crm_accounts", "staging/stg_crm__accounts", "identity/account_keys",
            "marts/account_priority", "marts/territory_plan", "serving/published_marts"} <= keys
    assert {"ingest", "dbt_staging", "dbt_marts", "identity", "scoring", "territories", "publish"} <= groups


def test_ui_lists_the_jobs_and_the_weekly_schedule(webserver):
    repositories = _graphql(webserver, JOBS_QUERY)["repositoriesOrError"]["nodes"]
    jobs = {job["name"] for repo in repositories for job in repo["jobs"]}
    schedules = {s["name"]: s["cronSchedule"] for repo in repositories for s in repo["schedules"]}
    assert {"terrain_main", "weekly_intent_refresh"} <= jobs
    assert schedules["weekly_intent_refresh_monday"] == "0 6 * * 1"
