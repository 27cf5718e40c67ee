"""Locate the data shipped with aec: the published schema and the rule files.

In a source checkout they live at the top of the repository (``schema/``, ``rules/``);
in an installed wheel they are copied into ``converter/_data/``. Looking in both keeps
``pip install .`` and ``pip install -e .`` working the same way.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_path(name: str) -> Path:
    """Return the directory ``schema`` or ``rules``, wherever this installation keeps it."""
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"aec data directory {name!r} not found next to {_PACKAGE_DIR}")


def grammar_path(name: str) -> Path:
    """Return the path of a shipped ``.lark`` grammar (grammars are code, so they live in the package)."""
    return _PACKAGE_DIR / "grammars" / name
