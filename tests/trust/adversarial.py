"""Adversarial inputs per reader: bad encodings, truncations, huge fields, bombs, hostile tags."""

from __future__ import annotations

import itertools
import random

BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
                  + b"".join(b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1
                                                             else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b"]>\n<RUMReport>&lol9;</RUMReport>\n")
EXTERNAL_ENTITY = (b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                   b"<RUMReport>&x;</RUMReport>\n")
EXTERNAL_DTD = (b'<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd">\n'
                b"<specificPLR><udi>&x;</udi></specificPLR>\n")
PARAMETER_ENTITY = (b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY % p SYSTEM '
                    b'"file:///etc/passwd"> %p;]>\n<specificPLR/>\n')

YAML_PYTHON_TAGS = (b'name: !!python/object/apply:os.system ["echo PWNED > pwned.txt"]\n',
                    b"name: !!python/object/new:subprocess.Popen [[touch, pwned.txt]]\n",
                    b"name: !!python/name:os.system\n",
                    b"!!python/object/apply:os.system [touch pwned.txt]\n")
_BOMB_NAMES = "abcdefghi"
YAML_ALIAS_BOMB = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
                   + "".join(f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n"
                             for p, c in itertools.pairwise(_BOMB_NAMES))
                   + "name: *i\n").encode()
YAML_DEEP_FLOW = b"name: " + b"[" * 10_000 + b"]" * 10_000 + b"\n"
YAML_DEEP_BLOCK = b"name:\n" + b"- " * 10_000 + b"x\n"  # 10,000 nested block sequences
JSON_DEEP = b'{"licenses": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def random_bytes(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


def truncations(valid: bytes) -> list[bytes]:
    """Cut a valid file mid-line, mid-character and at a third."""
    cuts = {len(valid) // 3, len(valid) // 2 + 1, len(valid) - 1, 1}
    return [valid[:n] for n in sorted(cuts) if 0 < n < len(valid)]


def encodings(valid: bytes) -> dict[str, bytes]:
    """The file's text with non-ASCII in it, in wrong or mixed encodings."""
    text = valid.decode("utf-8")
    # Put a non-ASCII letter in the first data line so the encoding matters.
    lines = text.split("\n")
    idx = 1 if len(lines) > 2 else 0
    lines[idx] = lines[idx].replace("a", "\u00e9", 1)
    accented = "\n".join(lines)
    half = len(accented) // 2
    return {
        "latin-1": accented.encode("latin-1", errors="replace"),
        "utf-16-le-no-bom": accented.encode("utf-16-le"),
        "utf-16-be-no-bom": accented.encode("utf-16-be"),
        "mixed-utf8-latin1": accented[:half].encode("utf-8") + accented[half:].encode(
            "latin-1", errors="replace"),
        "nul-bytes": valid.replace(b"\n", b"\x00\n", 3),
        "cp1252-smart-quotes": accented.replace("e", "\u201c", 1).encode("cp1252",
                                                                          errors="replace"),
    }


def huge_field(valid: bytes, size: int = 5 * 1024 * 1024) -> bytes:
    """The file with one 5 MB cell or token in place of the first occurrence of a short word."""
    text = valid.decode("utf-8")
    lines = text.split("\n")
    idx = 1 if len(lines) > 2 else 0
    lines[idx] = "Z" * size + lines[idx]
    return "\n".join(lines).encode()


YAML_DEEP_MAPPING = b"name: " + b"{a: " * 10_000 + b"1" + b"}" * 10_000 + b"\n"
JSON_HUGE_INT = (b'{"licenses": [{"license": "Network Advantage", "quantity": '
                 + b"9" * 5000 + b"}]}")


def _rum(payload: object) -> bytes:
    import json

    inner = json.dumps({"payload": json.dumps(payload)})
    return b"<RUMReport><![CDATA[" + inner.encode() + b"]]></RUMReport>\n"


RUM_DEEP_JSON = b"<RUMReport>" + b"[" * 100_000 + b"]" * 100_000 + b"</RUMReport>\n"
# Well-formed RUM reports whose JSON has the wrong shape where the parser looks.
RUM_SHAPES = (
    _rum({"asset_identification": []}),
    _rum({"asset_identification": "x"}),
    _rum({"asset_identification": {}, "meta": {"ha_udi": 5}}),
    _rum({"asset_identification": {}, "measurements": [{"start_time": "a"}, {"start_time": 1}]}),
    _rum({"asset_identification": {}, "measurements": [{"meta": {"added_sudi_list": 5}}]}),
    _rum({"asset_identification": {}, "measurements": [{"value": {"value": "9" * 5000}}],
          "meta": {"entitlement_tag": "x"}}),
)
