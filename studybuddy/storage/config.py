"""The user's config file (TOML): where the study home is, timer defaults, theme and key bindings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from studybuddy.core.errors import StudybuddyError

APP_NAME = "studybuddy"
CONFIG_ENV_VAR = "STUDYBUDDY_CONFIG"


class ConfigError(StudybuddyError):
    """The config file exists but cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Config:
    """Settings with their defaults; every field is optional in the file.

    ```toml
    home = "~/study"                 # the study home folder
    theme = "textual-dark"
    [timer]
    minutes = 60
    rotation = ["linear algebra", "calculus", "deep learning"]
    [keys]                           # binding id -> keys, as in Textual ("ctrl+t", "f2,t")
    "timer.toggle" = "ctrl+t"
    ```
    """

    home: Path | None = None
    theme: str | None = None
    timer_minutes: int = 60
    rotation: tuple[str, ...] = ()
    keys: Mapping[str, str] = field(default_factory=dict)
    source: Path | None = None


def default_config_path(environ: Mapping[str, str]) -> Path:
    if environ.get(CONFIG_ENV_VAR):
        return Path(environ[CONFIG_ENV_VAR]).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def load_config(path: Path) -> Config:
    """Read the config file; a missing file means all defaults."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config()
    except OSError as error:
        raise ConfigError(f"cannot read the config file {path}: {error.strerror}") from error
    import tomllib  # here: most people have no config file, and the app's start-up is timed

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text (byte {error.start})") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from error
    return _config_from_table(data, path)


# What each TOML type is called in an error message (the file's words, not Python's).
_KIND_NAMES = {str: "text in quotes", int: "a whole number", list: "a list [...]", dict: "a table"}


def _config_from_table(data: Mapping[str, Any], path: Path) -> Config:
    def expect(value: Any, kind: type, where: str) -> Any:
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise ConfigError(f"{path}: {where} must be {_KIND_NAMES[kind]}, not {value!r}")
        return value

    home = data.get("home")
    timer = expect(data.get("timer", {}), dict, "[timer]")
    minutes = expect(timer.get("minutes", 60), int, "timer.minutes")
    if not 1 <= minutes <= 24 * 60:
        raise ConfigError(f"{path}: timer.minutes must be between 1 and 1440, not {minutes}")
    rotation = expect(timer.get("rotation", []), list, "timer.rotation")
    keys = expect(data.get("keys", {}), dict, "[keys]")
    return Config(
        # A relative home is relative to the config file, wherever the app is started from.
        home=path.parent / Path(expect(home, str, "home")).expanduser() if home is not None else None,
        theme=expect(data["theme"], str, "theme") if "theme" in data else None,
        timer_minutes=minutes,
        rotation=tuple(expect(s, str, "each timer.rotation entry") for s in rotation),
        keys={expect(k, str, "a [keys] name"): expect(v, str, f"keys.{k}") for k, v in keys.items()},
        source=path,
    )
