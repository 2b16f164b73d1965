"""`make bench` writes its own BENCHMARKS.md section: the rendering, the appending, and the stage table."""

from benchmarks.report import append_section, render_section
from benchmarks.sampler import Sample
from benchmarks.stages import OUTSIDE, STAGES, Step, stage_of, stage_table


def _stage(name, wall, cpu, peak, floor=None):
    return {"stage": name, "wall_s": wall, "cpu_s": cpu, "peak_mb": peak, "steps": 1, "floor": floor}


RESULT = {
    "size": "S", "seed": 7, "commit": "abc1234", "measured_at": "2026-11-30T21:40:05+00:00",
    "sample_interval_s": 0.5, "load_before": 0.8, "load_after": 1.6, "generate_seconds": 4.1,
    "run": {"wall_s": 120.0, "cpu_s": 150.5, "kernel_cpu_s": 120.2, "peak_rss_mb": 900, "exit_code": 0},
    "stages": [
        _stage("ingest", 20.0, 22.0, 400, {"name": "DuckDB read_csv of 68 files", "seconds": 4.0}),
        _stage("dbt staging", 16.0, 12.0, 500, {"name": "compiled SQL in DuckDB", "seconds": 5.0}),
        _stage("territory design", 45.0, 60.0, 1200),
        _stage(OUTSIDE, 39.0, 56.5, None),
    ],
    "national_plan_seconds": 44.0,
}


def test_section_heading_names_size_seed_commit_and_date():
    heading = render_section(RESULT).splitlines()[0]
    assert heading == "## `make bench` at S, seed 7, commit abc1234 (2026-11-30 21:40 UTC)"


def test_each_stage_stands_beside_its_floor_with_the_ratio():
    lines = render_section(RESULT).splitlines()
    assert "| ingest | 20.0 | 22.0 | 400 | DuckDB read_csv of 68 files | 4.00 | 5.0x |" in lines
    assert "| dbt staging | 16.0 | 12.0 | 500 | compiled SQL in DuckDB | 5.00 | 3.2x |" in lines
    assert "| territory design | 45.0 | 60.0 | 1,200 | – | – | – |" in lines
    assert f"| {OUTSIDE} | 39.0 | 56.5 | – | – | – | – |" in lines


def test_totals_are_the_run_and_the_floored_stages_against_their_floors():
    total = next(line for line in render_section(RESULT).splitlines() if line.startswith("| **total**"))
    assert total == ("| **total** | **120.0** | **150.5** | **1,200** | stages with a floor: 36.0 s | "
                     "**9.00** | **4.0x** |")


def test_table_header_and_extras():
    section = render_section(RESULT)
    assert "120.0 s wall, 150.5 s CPU for its process tree (120.2 s by the kernel's count" in section
    assert "| stage | wall s | CPU s | peak MB | floor | floor s | ratio |" in section
    assert "national territory plan (`python -m models_ml.territory.bench`) 44.0 s" in section
    assert "generation 4.1 s" in section


def test_append_keeps_what_the_file_held_and_adds_the_section_after_a_blank_line(tmp_path):
    report = tmp_path / "BENCHMARKS.md"
    report.write_text("# Benchmarks\n\nearlier figures\n", encoding="utf-8")
    section = append_section(report, RESULT)
    assert report.read_text(encoding="utf-8") == "# Benchmarks\n\nearlier figures\n\n" + section
    append_section(report, {**RESULT, "commit": "def5678"})
    assert report.read_text(encoding="utf-8").count("## `make bench` at S") == 2


def test_steps_group_into_the_pipeline_stages():
    assert stage_of("raw__crm_accounts") == "ingest"
    assert stage_of("raw__intent_g2_delivered_latest_week") == "ingest"
    assert stage_of("reference__zip_codes") == "ingest"
    assert stage_of("weekly_sources_delivered_latest_week") == "ingest"
    assert stage_of("dbt_market") == "dbt market models"
    assert stage_of("serving__published_marts") == "dbt scored models + publish"
    assert stage_of("something_new") == "other steps"


def test_stage_table_sums_steps_and_attributes_samples_to_the_running_stage():
    steps = [Step("raw__crm_accounts", 100.0, 102.0), Step("dbt_staging", 102.0, 110.0),
             Step("raw__crm_users_rows_add_up", 110.0, 111.0), Step("scoring", 112.0, 120.0)]
    samples = [Sample(99.0, 0.0, 100), Sample(101.0, 1.0, 300), Sample(105.0, 5.0, 800),
               Sample(111.5, 5.5, 200), Sample(113.0, 7.0, 2000), Sample(119.0, 13.0, 1500)]
    rows = {row["stage"]: row for row in stage_table(steps, samples, run_wall=25.0, run_cpu=15.0)}
    assert list(rows) == [*STAGES, OUTSIDE]
    assert rows["ingest"]["wall_s"] == 3.0 and rows["ingest"]["steps"] == 2
    assert rows["dbt staging"]["wall_s"] == 8.0 and rows["dbt staging"]["peak_mb"] == 800
    assert rows["scoring"]["cpu_s"] == 7.5 and rows["scoring"]["peak_mb"] == 2000
    assert rows["ingest"]["cpu_s"] == 1.0 and rows["dbt staging"]["cpu_s"] == 4.5
    assert rows[OUTSIDE]["wall_s"] == 6.0
    assert rows[OUTSIDE]["cpu_s"] == round(15.0 - sum(rows[s]["cpu_s"] for s in STAGES), 2)


def test_the_weekly_incremental_run_is_reported_beside_the_full_one():
    week = {"run": {"wall_s": 30.0, "cpu_s": 33.5, "kernel_cpu_s": 30.0, "peak_rss_mb": 700, "exit_code": 0},
            "delivered": ["intent/bombora/surge_2026-11-02.csv"], "share_of_full": 0.25,
            "refresh": "incremental run (1 new weekly file(s)); week of 2026-11-02",
            "stages": [_stage("ingest", 2.0, 2.5, 300), _stage("entity resolution", 0.0, 0.0, None),
                       _stage("scoring", 9.0, 9.5, 650)]}
    lines = render_section({**RESULT, "incremental": week}).splitlines()
    assert ("Then intent/bombora/surge_2026-11-02.csv delivered and `terrain run` again (incremental run (1 new weekly "
            "file(s)); week of 2026-11-02): 30.0 s wall, 33.5 s CPU, largest process 700 MB; 25% of the full run's "
            "wall time.") in lines
    assert "| scoring | 9.0 | 9.5 | 650 |" in lines and not any(line.startswith("| entity resolution | 0.0") for line in lines)
    assert "Then " not in render_section(RESULT)


def test_the_bench_holds_the_newest_week_back_and_delivers_it(tmp_path):
    from benchmarks.run import deliver, hold_back_newest_week

    landing, aside = tmp_path / "landing", tmp_path / "next_week"
    for week in ("2026-10-26", "2026-11-02"):
        path = landing / "intent" / "bombora" / f"surge_{week}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Domain,Topic,Composite Score\n", encoding="utf-8")
    assert hold_back_newest_week(landing, aside) == ["intent/bombora/surge_2026-11-02.csv"]
    assert sorted(p.name for p in (landing / "intent" / "bombora").iterdir()) == ["surge_2026-10-26.csv"]
    assert hold_back_newest_week(landing, aside) == ["intent/bombora/surge_2026-11-02.csv"]  # a stopped bench's file returns first
    deliver(aside, landing)
    assert len(list((landing / "intent" / "bombora").iterdir())) == 2 and not aside.exists()
