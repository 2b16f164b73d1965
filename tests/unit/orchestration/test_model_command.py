"""``terrain model``: the versions a team can see, pin and roll back to."""

from datetime import date

import lightgbm as lgb
import numpy as np

from models_ml.scoring.registry import ModelRegistry
from orchestration.cli import main


def _store_two_versions(data_dir) -> tuple[str, str]:
    rng = np.random.default_rng(3)
    features, label = rng.normal(size=(200, 3)), rng.integers(0, 2, 200)
    registry = ModelRegistry(data_dir)
    versions = []
    for rounds, as_of in ((3, date(2026, 11, 15)), (6, date(2026, 11, 22))):
        booster = lgb.train({"objective": "binary", "verbose": -1, "num_threads": 1},
                            lgb.Dataset(features, label), num_boost_round=rounds)
        versions.append(registry.save("readiness", booster, {"trained_at": f"{as_of}T06:00:00"}, as_of))
    return versions[0], versions[1]


def test_list_pin_rollback_and_unpin(tmp_path, capsys):
    older, newer = _store_two_versions(tmp_path)
    assert main(["model", "list", "--data", str(tmp_path)]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].startswith(older) and listing[1].startswith(newer) and listing[1].endswith("active")

    assert main(["model", "rollback", "--data", str(tmp_path)]) == 0
    assert ModelRegistry(tmp_path).active_version("readiness") == older
    assert main(["model", "rollback", "--data", str(tmp_path)]) == 1
    assert "no earlier version" in capsys.readouterr().err

    assert main(["model", "pin", "--version", newer, "--data", str(tmp_path)]) == 0
    assert ModelRegistry(tmp_path).pinned("readiness") == newer
    assert main(["model", "unpin", "--data", str(tmp_path)]) == 0
    assert ModelRegistry(tmp_path).pinned("readiness") is None


def test_pinning_an_unknown_version_is_refused(tmp_path, capsys):
    _store_two_versions(tmp_path)
    assert main(["model", "pin", "--version", "readiness-1999-01-01-deadbeef", "--data", str(tmp_path)]) == 1
    assert "no stored version" in capsys.readouterr().err
