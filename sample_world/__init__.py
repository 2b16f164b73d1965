"""Sample-world generator: a realistic, reproducible landing zone with its ground truth."""

from sample_world.world import generate

__all__ = ["generate"]
