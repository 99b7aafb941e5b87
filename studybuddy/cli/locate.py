"""``studybuddy locate``: where the study home and everything in it are, and why there."""

from __future__ import annotations

import argparse
import json
import os


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    locate = subparsers.add_parser(
        "locate",
        help="print where the study home, diary, lessons, database and config file are",
        description="The study home is chosen by --home, then $STUDYBUDDY_HOME, then the config file's "
        "'home', then the platform's user data folder.",
    )
    locate.add_argument("--json", action="store_true", help="machine-readable output")
    locate.set_defaults(handler=_locate)


def _locate(args: argparse.Namespace) -> int:
    from studybuddy.services.context import StudyContext
    from studybuddy.storage.config import default_config_path

    context = StudyContext.open(args.home)
    home = context.home
    config_file = context.config.source or default_config_path(os.environ)
    places = {
        "home": home.root,
        "diary": home.diary_dir,
        "lessons": home.lessons_dir,
        "database": home.database_path,
        "config file": config_file,
    }
    if args.json:
        document = {
            name.replace(" ", "_"): {"path": str(path), "exists": path.exists()}
            for name, path in places.items()
        }
        document["home"]["chosen_by"] = home.chosen_by
        print(json.dumps(document, indent=2))
        return 0
    print(f"study home   {home.root}")
    print(f"  chosen by  {home.chosen_by}")
    for name, path in list(places.items())[1:]:
        missing = "" if path.exists() else "  (not created yet)"
        print(f"{name:<12} {path}{missing}")
    return 0
