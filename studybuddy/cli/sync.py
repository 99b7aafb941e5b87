"""``studybuddy sync``: commit the study home, pull with rebase, push, and apply what came in."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sync = subparsers.add_parser(
        "sync",
        help="sync the study home through its git repository (commit, pull --rebase, push)",
        description="Commits what changed in the study home, pulls with rebase, pushes, and applies the "
        "other machines' sessions, attempts and reviews (their log/ files) to this machine's database. "
        "The home must be a git repository with a remote. Refuses, changing nothing, when a diary day's "
        "same lines were changed on both machines.",
    )
    sync.set_defaults(handler=_sync)


def _sync(args: argparse.Namespace) -> int:
    from studybuddy.cli.database_notice import open_context
    from studybuddy.services.sync import sync

    context = open_context(args)
    for line in sync(context).lines():
        print(line)
    return 0
