"""Split a capture file into command outputs on the prompt + command line.

A capture holds one bare output, or a terminal session (`Switch#show license summary`, output,
`Switch#show license udi`, output, ...), possibly with several devices and `==== title ====`
separator lines between pasted parts. Lines starting with `# ` are annotations, not output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# `Switch#cmd`, `C9300# cmd`, `sw1(config)#cmd`, `RP/0/RP0/CPU0:xr-1#cmd`, `asa/ctx> cmd`.
_PROMPT = re.compile(
    r"^(?P<host>[A-Za-z0-9][\w.\-/:]{0,62}?)(?P<mode>\([\w\-]+\))?(?P<sym>[#>])\s*(?P<cmd>.*?)\s*$"
)
_SEPARATOR = re.compile(r"^={3,}\s+[^=\s].*?\s+={3,}\s*$")  # `==== sw1 : show license ====`
_COMMENT = re.compile(r"^#(?:\s|$)")
_WORD = re.compile(r"^[a-z]+$")


@dataclass(frozen=True, slots=True)
class Block:
    """One command's output (or one bare output) cut out of a capture file."""

    text: str
    line: int  # 1-based line of the first output line (the prompt line, when there is one)
    command: str = ""  # the command as typed, without the prompt; "" for a bare output
    hostname: str = ""  # from the prompt; "" when there is none
    section: int = 0  # index of the `==== ... ====` part of the file the block sits in
    config_mode: bool = False  # typed at a `(config)#` prompt


def _prompt(line: str) -> tuple[str, str, bool] | None:
    """(hostname, command, config mode) when `line` is a device prompt, else None."""
    if not line or line[0] in " \t*%" or len(line) > 400 or ("#" not in line and
                                                             ">" not in line):
        return None
    match = _PROMPT.match(line)
    if match is None:
        return None
    cmd = match.group("cmd")
    host = match.group("host")
    # A prompt line either ends at the prompt or continues with a lower-case command word;
    # output lines like `Status: IN USE` or `Total: 4,` never match that shape.
    first = cmd.split(" ", 1)[0] if cmd else ""
    if cmd and not _WORD.match(first):
        return None
    if ":" in host and not host.startswith("RP/"):
        return None
    # IOS-XR prompts carry the route processor: `RP/0/RP0/CPU0:xr-1#` is host `xr-1`.
    return host.rsplit(":", 1)[-1], cmd, match.group("mode") is not None


def split_text(text: str) -> list[Block]:
    """Cut `text` into blocks; text before the first prompt is a bare output of its own."""
    blocks: list[Block] = []
    lines = text.splitlines()
    section = 0
    current: list[str] = []
    start = 1
    command = hostname = ""
    config = False

    def flush() -> None:
        body = "\n".join(current).strip("\n")
        if body.strip() or command:
            blocks.append(Block(body, start, command, hostname, section, config))

    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r")
        first = line[:1]
        if first == "#" and _COMMENT.match(line):
            continue
        if first == "=" and _SEPARATOR.match(line):
            flush()
            section += 1
            current, start, command, hostname, config = [], number + 1, "", "", False
            continue
        prompt = _prompt(line)
        if prompt is not None:
            flush()
            hostname, command, config = prompt
            current, start = [], number
            if not command:
                # A bare prompt closes the output before it; what follows is unattributed.
                command = ""
                start = number + 1
            continue
        if not current and not command and not line.strip():
            start = number + 1
            continue
        current.append(line)
    flush()
    return blocks
