"""Where the user's data lives: the study home folder and what is inside it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from studybuddy.storage.config import APP_NAME, Config

HOME_ENV_VAR = "STUDYBUDDY_HOME"


@dataclass(frozen=True)
class StudyHome:
    """The study home: the user's diary, their own lessons and the database, in one folder
    they may keep in a git repository of their own."""

    root: Path
    chosen_by: str  # "--home", "$STUDYBUDDY_HOME", "config file <path>" or "platform default"

    @property
    def diary_dir(self) -> Path:
        return self.root / "diary"

    @property
    def lessons_dir(self) -> Path:
        return self.root / "lessons"

    @property
    def database_path(self) -> Path:
        return self.root / "studybuddy.sqlite3"

    @property
    def cache_dir(self) -> Path:
        return self.root / ".cache"

    @property
    def drafts_dir(self) -> Path:
        """Where `diary edit` keeps the copy it hands to $EDITOR (kept if the save fails)."""
        return self.cache_dir / "drafts"


def make_cache_dir(folder: Path) -> None:
    """Create a cache folder (or one inside it) with a .gitignore, so a study home the user keeps
    in git never shows studybuddy's caches as untracked files."""
    folder.mkdir(parents=True, exist_ok=True)
    cache_root = next((p for p in (folder, *folder.parents) if p.name == ".cache"), folder)
    ignore = cache_root / ".gitignore"
    if not os.path.lexists(ignore):  # a link there (even a dangling one) is left alone, never followed
        ignore.write_text("# studybuddy's caches: safe to delete, never worth committing\n*\n")


def resolve_home(
    cli_home: str | None,
    config: Config,
    environ: Mapping[str, str] | None = None,
) -> StudyHome:
    """--home, then $STUDYBUDDY_HOME, then the config file, then the platform's user data folder."""
    environ = os.environ if environ is None else environ
    if cli_home:
        return StudyHome(Path(cli_home).expanduser().resolve(), "--home")
    if environ.get(HOME_ENV_VAR):
        return StudyHome(Path(environ[HOME_ENV_VAR]).expanduser().resolve(), f"${HOME_ENV_VAR}")
    if config.home is not None:
        return StudyHome(config.home.resolve(), f"config file {config.source}")
    import platformdirs  # here, not at the top: --home or $STUDYBUDDY_HOME need none of it

    return StudyHome(Path(platformdirs.user_data_dir(APP_NAME)), "platform default")
