"""Run the planner as `python -m planner`."""

from planner.cli import run

if __name__ == "__main__":
    run()
