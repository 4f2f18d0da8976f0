"""Write the parsed copy of every models/*.yaml file (models/parsed/<name>.json).

    python scripts/parse_models.py          # after editing a model file

The planner reads a copy only when its SHA-256 matches the YAML it stands for, so a copy left
stale costs speed, never correctness; tests/test_model_yaml.py fails until copies are remade.
A file whose data JSON cannot hold exactly (a date, a non-text key) gets no copy.
"""

from __future__ import annotations

import sys
from pathlib import Path

from planner.model_yaml import PARSED, parsed_copy, parsed_copy_text
from planner.resources import models_dir


def main() -> int:
    models = models_dir()
    (models / PARSED).mkdir(exist_ok=True)
    expected: set[Path] = set()
    for path in sorted(models.glob("*.yaml")):
        text = parsed_copy_text(path)
        if text is None:
            print(f"{path.name}: JSON cannot hold its data exactly; no copy", file=sys.stderr)
            continue
        copy = parsed_copy(path)
        expected.add(copy)
        if not copy.is_file() or copy.read_text(encoding="utf-8") != text:
            copy.write_text(text, encoding="utf-8")
            print(f"wrote {copy.relative_to(models.parent)}")
    for stale in sorted(set((models / PARSED).glob("*.json")) - expected):
        stale.unlink()
        print(f"removed {stale.relative_to(models.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
