"""Finding the files the app reads at run time, from source and from a frozen build alike.

Every bundled file is found through this one module: a PyInstaller build unpacks them
under ``sys._MEIPASS``, a source checkout has them beside the packages.
"""

from __future__ import annotations

import sys
from pathlib import Path


def bundle_root() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return bundle_root() / "resources"


def migrations_dir() -> Path:
    return bundle_root() / "db" / "migrations"


def resource_path(name: str) -> Path:
    return resources_dir() / name


def read_text(name: str) -> str:
    return resource_path(name).read_text(encoding="utf-8")
