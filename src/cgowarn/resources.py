"""Locate the data shipped inside the package: the knowledge base and the templates."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path


def data_dir(name: str) -> Traversable:
    """Return the packaged directory `name` (``patterns`` or ``templates``).

    The wheel carries both inside the package. An editable or source-tree run has them at the
    repository root instead, two levels above this file's package directory.
    """
    packaged = files("cgowarn").joinpath(name)
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    return packaged
