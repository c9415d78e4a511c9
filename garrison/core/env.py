"""Typed readers for settings that come from the environment.

Each reader names the variable in its error, so a bad deployment fails at start-up with a message that says
what to fix, not deep inside a request.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


class ConfigError(Exception):
    """A setting from the environment is missing or malformed."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be one of 1/0, true/false, yes/no, on/off (got {raw!r})")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number (got {raw!r})") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum} (got {value})")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str) -> str:
    """Read NAME, or the file named by NAME_FILE (for Docker/systemd secrets); empty when neither is set."""
    value = os.environ.get(name, "")
    file_name = os.environ.get(f"{name}_FILE", "")
    if value and file_name:
        raise ConfigError(f"set only one of {name} and {name}_FILE")
    if file_name:
        path = Path(file_name)
        try:
            value = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE: cannot read {file_name}: {exc.strerror}") from None
        if not value:
            raise ConfigError(f"{name}_FILE: {file_name} is empty")
    return value


def env_map(name: str, default: str, *, values: type = str) -> dict[str, Any]:
    """``key:value,key:value`` (e.g. ``critical:7,high:30``); ``values=int`` wants positive whole numbers."""
    raw = env_str(name, default)
    out: dict[str, Any] = {}
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        key, sep, value = item.partition(":")
        if not sep or not key.strip() or not value.strip():
            raise ConfigError(f"{name}: each entry must be 'key:value' (got {item!r})")
        if values is int:
            if not value.strip().isdigit() or int(value) < 1:
                raise ConfigError(f"{name}: {key.strip()!r} must be a positive whole number (got {value!r})")
            out[key.strip()] = int(value)
        else:
            out[key.strip()] = value.strip()
    return out
