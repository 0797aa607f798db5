"""Short metavars in ``--help``, as click writes them: ``PATH``, ``FLOAT``, ``[id|en]``.

Typer writes the Python type instead (``<list[Path]>``, ``<float range>``), which is long
and means little to a reviewer at an 80-column terminal. Only what ``--help`` and usage
errors show changes; parsing does not.
"""

from __future__ import annotations

from typing import Any

_NAMES = {"float": "FLOAT", "int": "INT", "str": "TEXT"}


def short_metavar(param: Any) -> str | None:
    """The metavar ``--help`` should show for a Typer parameter, or None to leave it be."""
    if param.param_type_name == "argument":
        return str(param.name).upper()
    if getattr(param, "is_flag", False) or param.metavar is not None:
        return None
    d = param.type_descriptor
    if d.is_choice and d.choices:
        return "[" + "|".join(str(getattr(c, "value", c)) for c in d.choices) + "]"
    # a list option is repeated, one value each time: its metavar is the element's
    bare = str(param.bare_type()).removeprefix("list[").removesuffix("]")
    if d.is_path or d.is_file or bare == "Path":
        return "PATH"
    return _NAMES.get(bare.lower())


def shorten_metavars(command: Any) -> None:
    """Give every parameter of ``command`` and of its subcommands a short metavar."""
    for param in command.params:
        if param.metavar is None:
            param.metavar = short_metavar(param)
    for sub in getattr(command, "commands", {}).values():
        shorten_metavars(sub)
