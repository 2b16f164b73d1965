import numpy as np

from models_ml.scoring.drift import population_stability_index


def test_psi_is_near_zero_for_the_same_distribution_and_large_for_a_shift():
    rng = np.random.default_rng(3)
    previous = rng.beta(2, 8, 5000)
    assert population_stability_index(previous, rng.beta(2, 8, 5000)) < 0.02
    assert population_stability_index(previous, rng.beta(5, 5, 5000)) > 0.25


def test_psi_handles_constant_and_empty_inputs():
    assert population_stability_index(np.zeros(100), np.zeros(50)) < 1e-9
    assert np.isnan(population_stability_index([], [0.1]))
