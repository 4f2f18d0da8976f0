"""The offline reporting cycle: living with a mode that carries reports and ACKs by hand.

- `clock`: the dates devices print (`Last ACK received: Oct 14 12:10:32 2021 UTC`) as dates;
- `ledger`: where each device stands (reported, acknowledged, due, overdue) from its captures;
- `schedule`: the round trips of the next year, dated so every device's ACK lands in its window;
- `bundle` and `manifest`: what an operator carries through the gap, with SHA-256 of every file
  and a sealed manifest that `verify` checks on the way back;
- `record`: trips and status reads kept in the snapshot history database.

Nothing here imports click: the CLI (planner/cli/cycle.py) is a thin layer over these.
"""
