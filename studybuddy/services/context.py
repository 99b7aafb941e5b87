"""The one object the CLI and the UI are handed: the resolved config and study home.

Area services (diary, timer, lessons, grading, stats) hang off it as lazily built attributes, so a
command pays only for what it uses.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from studybuddy.storage.config import Config, default_config_path, load_config
from studybuddy.storage.paths import StudyHome, resolve_home


@dataclass
class StudyContext:
    config: Config
    home: StudyHome

    @classmethod
    def open(cls, cli_home: str | None = None, environ: Mapping[str, str] | None = None) -> StudyContext:
        environ = os.environ if environ is None else environ
        config = load_config(default_config_path(environ))
        return cls(config=config, home=resolve_home(cli_home, config, environ))
