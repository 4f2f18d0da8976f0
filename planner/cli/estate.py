"""Estate commands: validate, example, generate."""

from __future__ import annotations
