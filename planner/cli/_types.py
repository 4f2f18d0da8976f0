"""Click parameter types that hold CLI values to the same domains as file inputs."""

from __future__ import annotations

import math
from typing import Any

import click


class FiniteFloatRange(click.FloatRange):
    """A FloatRange that also refuses `nan` and `inf` (click's range checks let both through:
    every comparison with nan is false, and inf is above any minimum)."""

    name = "finite float range"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        got = super().convert(value, param, ctx)
        if isinstance(got, float) and not math.isfinite(got):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return got
