"""The Dagster UI is a real web page: start the webserver on the workspace, read it through GraphQL as
the UI does, and open it in a headless Chromium as a data engineer does.

One webserver serves the whole module. The UI is a JavaScript application that draws the asset graph
after its GraphQL answers arrive, so Chromium runs on virtual time (``--virtual-time-budget``: the
page's clock runs only while no request is pending) and a page whose graph is not drawn yet is opened
again; the graph's nodes are ``foreignObject`` elements of its SVG, which is how the test tells a
drawn graph from the page around it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from dagster import AssetKey, Definitions
from PIL import Image

from tests.support import REPO

pytestmark = pytest.mark.integration

LOCATION = "terrain"
TERRITORY_DESIGN = "territory_design"
ASSETS_QUERY = """{ assetNodes { assetKey { path } groupName
  assetChecksOrError { ... on AssetChecks { checks { name } } } } }"""
JOBS_QUERY = """{ repositoriesOrError { ... on RepositoryConnection { nodes {
  jobs { name } schedules { name cronSchedule } } } } }"""
LOCATIONS_QUERY = """{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus
  locationOrLoadError { __typename ... on PythonError { message } } } } } }"""
CHROMIUM = next((path for path in (shutil.which("chromium"), "/usr/bin/chromium") if path and Path(path).is_file()), None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium binary on this machine (`make test` installs Debian's chromium with apt)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _graphql(base: str, query: str) -> dict:
    response = requests.post(f"{base}/graphql", json={"query": query}, timeout=60)
    response.raise_for_status()
    body = response.json()
    assert not body.get("errors"), body["errors"]
    return body["data"]


def _wait_for_location(base: str, deadline: float) -> None:
    """The webserver answers before its code location has loaded; wait for the location."""
    while True:
        try:
            entries = _graphql(base, LOCATIONS_QUERY)["workspaceOrError"]["locationEntries"]
            if entries and all(entry["loadStatus"] == "LOADED" for entry in entries):
                return
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            pytest.fail("the Dagster webserver did not load its code location within 180 s")
        time.sleep(0.5)


@dataclass(frozen=True)
class Webserver:
    base: str
    defs: Definitions  # what the code location defines, to compare the UI with


@pytest.fixture(scope="module")
def ui(alignment_runs, tmp_path_factory):
    """The webserver on the instance of a data root that ``terrain run`` built from a small landing zone,
    so the UI has a run, materializations and checks to show, as it has for a user: a copy of the
    session's run of the hand-written ``kinds`` landing (tests/integration/conftest.py), its Dagster
    home pointed at the copy as terrain points a moved data root's."""
    from orchestration.assets.dbt import ensure_manifest
    from orchestration.automation.instance import dagster_home, dagster_yaml

    ensure_manifest()  # parsed here, once, rather than by the webserver's code server and this process at once
    run = alignment_runs("kinds")
    assert run.returncode == 0, run.output[-3000:]
    data = tmp_path_factory.mktemp("ui") / "data"
    shutil.copytree(run.data, data)
    home = dagster_home(data)
    (home / "dagster.yaml").write_text(dagster_yaml(home), encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "TERRAIN_DATA_DIR": str(data), "DAGSTER_HOME": str(data / "dagster_home"),
           "TERRAIN_DUCKDB_PATH": str(data / "warehouse" / "terrain.duckdb")}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster-webserver"), "-w", "workspace.yaml", "-h", "127.0.0.1",
         "-p", str(port)], cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        from orchestration.definitions import defs  # loaded while the webserver loads its own copy

        _wait_for_location(base, time.monotonic() + 180)
        _graphql(base, "mutation { setNuxSeen }")  # no newsletter dialog over the pages a browser opens
        yield Webserver(base, defs)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def webserver(ui) -> str:
    return ui.base


@pytest.fixture(scope="module")
def asset_graph(ui):
    return ui.defs.resolve_asset_graph()


def test_ui_page_is_served(webserver):
    page = requests.get(f"{webserver}/asset-groups", timeout=30)
    assert page.status_code == 200
    assert "<html" in page.text and "Dagster" in page.text
    assert "__NEXT_DATA__" in page.text


def test_code_location_is_named_terrain(webserver):
    entries = _graphql(webserver, LOCATIONS_QUERY)["workspaceOrError"]["locationEntries"]
    assert [(entry["name"], entry["loadStatus"]) for entry in entries] == [(LOCATION, "LOADED")]
    assert entries[0]["locationOrLoadError"]["__typename"] == "RepositoryLocation"


def test_ui_shows_every_asset_and_check_of_the_code_location(webserver, asset_graph):
    nodes = _graphql(webserver, ASSETS_QUERY)["assetNodes"]
    shown = {"/".join(node["assetKey"]["path"]) for node in nodes}
    checks = {("/".join(node["assetKey"]["path"]), check["name"])
              for node in nodes for check in node["assetChecksOrError"].get("checks", [])}
    assert shown == {key.to_user_string() for key in asset_graph.get_all_asset_keys()}
    assert checks == {(key.asset_key.to_user_string(), key.name) for key in asset_graph.asset_check_keys}
    assert {"raw/crm_accounts", "staging/stg_crm__accounts", "identity/account_keys", "marts/account_priority",
            "marts/territory_plan", "serving/published_marts"} <= shown
    assert {"ingest", "dbt_staging", "dbt_marts", "identity", "scoring", "territories", "publish"} <= {
        node["groupName"] for node in nodes}


def test_ui_lists_the_jobs_and_the_weekly_schedule(webserver):
    repositories = _graphql(webserver, JOBS_QUERY)["repositoriesOrError"]["nodes"]
    jobs = {job["name"] for repo in repositories for job in repo["jobs"]}
    schedules = {s["name"]: s["cronSchedule"] for repo in repositories for s in repo["schedules"]}
    assert {"terrain_main", "weekly_intent_refresh"} <= jobs
    assert schedules["weekly_intent_refresh_monday"] == "0 6 * * 1"


RUNS_QUERY = """{ runsOrError(limit: 1) { ... on Runs { results { jobName status
  tags { key value } } } } }"""


def test_ui_shows_that_the_last_run_succeeded_and_came_from_the_command_line(webserver):
    runs = _graphql(webserver, RUNS_QUERY)["runsOrError"]["results"]
    assert [(run["jobName"], run["status"]) for run in runs] == [("terrain_main", "SUCCESS")]
    assert {tag["key"]: tag["value"] for tag in runs[0]["tags"]}.get("terrain/source") == "cli"


class _PageText(HTMLParser):
    """The visible text of a rendered page, and apart from it the labels of the asset graph's nodes."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.graph_nodes: list[str] = []
        self._hidden = 0
        self._node_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        elif tag == "foreignobject":
            self._node_depth += 1
            self.graph_nodes.append("")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1
        elif tag == "foreignobject":
            self._node_depth -= 1

    def handle_data(self, data):
        if self._hidden:
            return
        self.text.append(data)
        if self._node_depth:
            self.graph_nodes[-1] += " " + data


def _open_in_chromium(url: str, screenshot: Path, profile: Path) -> _PageText:
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", f"--screenshot={screenshot}", "--dump-dom", "--window-size=1400,900",
         "--virtual-time-budget=15000", url],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    page = _PageText()
    page.feed(result.stdout)
    return page


def _browse(url: str, tmp_path: Path, expected_nodes: set[str], attempts: int = 3) -> tuple[_PageText, Path]:
    """Open ``url`` until the asset graph shows ``expected_nodes`` (labels of drawn nodes)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    for attempt in range(attempts):
        screenshot = tmp_path / f"page{attempt}.png"
        page = _open_in_chromium(url, screenshot, tmp_path / "profile")
        labels = {word for node in page.graph_nodes for word in node.split()}
        if expected_nodes <= labels:
            break
    return page, screenshot


def _assert_not_blank(screenshot: Path) -> None:
    """A drawn page has text, icons and edges: many colours, and ink beyond the background."""
    image = Image.open(screenshot).convert("RGB")
    colours = image.getcolors(image.width * image.height)
    background = max(colours)[1]
    ink = sum(count for count, rgb in colours if sum(abs(a - b) for a, b in zip(rgb, background)) > 30)
    assert image.size == (1400, 900)
    assert len(colours) > 200, f"{screenshot.name}: {len(colours)} colours, a blank or unstyled page"
    assert ink / (image.width * image.height) > 0.01, f"{screenshot.name}: {ink} pixels off the background"


@needs_chromium
def test_asset_graph_is_drawn_in_a_browser(webserver, asset_graph, tmp_path):
    groups = {asset_graph.get(key).group_name for key in asset_graph.get_all_asset_keys()}
    page, screenshot = _browse(f"{webserver}/asset-groups", tmp_path, groups)
    labels = {node.split()[0] for node in page.graph_nodes if node.split()}
    assert groups <= labels, f"groups drawn: {sorted(labels)}"
    _assert_not_blank(screenshot)


def _design_keys(asset_graph) -> list[str]:
    design = next(assets for assets in asset_graph.assets_defs
                  if assets.is_executable and assets.node_def.name == TERRITORY_DESIGN)
    return sorted(key.to_user_string() for key in design.keys)


@needs_chromium
def test_territory_design_is_drawn_and_described_in_a_browser(webserver, asset_graph, tmp_path):
    keys = _design_keys(asset_graph)
    assert "marts/territory_plan_summary" in keys
    selection = " or ".join(f'key:"{key}"' for key in keys)
    names = {key.rsplit("/", 1)[-1] for key in keys}
    page, screenshot = _browse(f"{webserver}/asset-groups~{quote(selection, safe='')}", tmp_path / "graph", names)
    drawn = {node.split()[0] for node in page.graph_nodes if node.split()}
    assert drawn == names
    _assert_not_blank(screenshot)

    summary = asset_graph.get(AssetKey(["marts", "territory_plan_summary"]))
    (tmp_path / "asset").mkdir()
    asset_page = _open_in_chromium(f"{webserver}/assets/marts/territory_plan_summary",
                                   tmp_path / "asset" / "page.png", tmp_path / "asset" / "profile")
    text = " ".join(" ".join(asset_page.text).split())
    assert "territory_plan_summary" in text and summary.group_name in text
    first_words = " ".join(summary.description.replace("`", "").split()[:6])
    assert first_words in text, f"the asset page does not show the description {first_words!r}"
    _assert_not_blank(tmp_path / "asset" / "page.png")
