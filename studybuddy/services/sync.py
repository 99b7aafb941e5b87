"""`studybuddy sync`: the study home shared through git between machines, with nothing lost.

What is synced is text that merges: the diary (one file a day) and each machine's own event log
(``log/<machine>.jsonl``, appended to by that machine only, so never in conflict). The database is a
cache rebuilt from the logs and stays out of git (a ``.gitignore`` kept here says so). A sync commits
what changed in the home, pulls with rebase (fetch, then replay the local commits on the remote's),
pushes, and applies the other machines' new log lines to the database. A diary day written on both
machines since the last sync is settled when each side only added lines (both kept, the remote's
first); a day whose same lines were changed on both is not guessed at: the rebase is undone, nothing
is pushed, and the files are named for the learner to merge. A session running meanwhile goes on
running: git never touches the database, and a log line written during the sync is kept aside by
the rebase's autostash and put back.

git runs as a subprocess with a list of arguments (no shell), a timeout, and no terminal prompt (a
remote asking for a password fails at once with git's own words, rather than hanging).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from studybuddy.core.errors import StudybuddyError
from studybuddy.storage.event_log import LOG_FOLDER, MACHINE_FILE

if TYPE_CHECKING:
    from studybuddy.services.context import StudyContext

GIT_TIMEOUT = 120.0  # seconds for one git command (a fetch or push over a slow link)
PUSH_ATTEMPTS = 3  # another machine may push between our rebase and our push: rebase again
IGNORED = (
    "# studybuddy: the database is a cache rebuilt from log/, and the machine id is this machine's own",
    "/studybuddy.sqlite3",
    "/studybuddy.sqlite3-*",
    "/studybuddy.sqlite3.*",
    "/.studybuddy.sqlite3.*",
    f"/{MACHINE_FILE}",
    f"/{MACHINE_FILE}.partial-*",
    f"/{LOG_FOLDER}/.*.partial-*",
    "/studybuddy-*.sqlite3",
    "/diary/.studybuddy.lock",
    "/diary/.*.tmp",
    ".*.sync-*",
)
CACHE_FILES = (  # never in git: what a home committed before this version stops tracking
    "studybuddy.sqlite3",
    "studybuddy.sqlite3-wal",
    "studybuddy.sqlite3-shm",
    "studybuddy.sqlite3-journal",
    MACHINE_FILE,
)
_DIARY_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(\.conflict-\d+)?\.md")


class SyncError(StudybuddyError):
    """The sync cannot go on; the message says why and what to do. Nothing the learner wrote is lost."""


@dataclass
class SyncReport:
    committed: str | None = None  # the commit message, or None when nothing had changed
    pulled_commits: int = 0
    pulled_diary_days: list[str] = field(default_factory=list)
    settled: list[str] = field(default_factory=list)  # diary files added to on both machines, both kept
    pushed: int = 0  # commits pushed
    applied_events: int = 0  # other machines' events applied to the database
    unreadable_lines: int = 0  # log lines that are not events (edited by hand?), skipped
    remote: str = ""
    untracked: bool = False  # the database was tracked by git, and no longer is

    def lines(self) -> list[str]:
        said = [f"committed: {self.committed}" if self.committed else "nothing new to commit"]
        if self.untracked:
            said.append("git no longer tracks the database (it stays here, a cache rebuilt from log/)")
        if self.pulled_commits:
            days = len(self.pulled_diary_days)
            said.append(
                f"pulled {self.pulled_commits} commit{_s(self.pulled_commits)} from {self.remote}: "
                f"{days} diary day{_s(days)}, {self.applied_events} event{_s(self.applied_events)} applied"
            )
        else:
            said.append(f"nothing new on {self.remote}")
        if self.settled:
            said.append(f"kept both machines' lines in {', '.join(self.settled)}")
        said.append(f"pushed {self.pushed} commit{_s(self.pushed)}" if self.pushed else "nothing to push")
        if self.unreadable_lines:
            said.append(
                f"skipped {self.unreadable_lines} line{_s(self.unreadable_lines)} of log/ that "
                f"{'is' if self.unreadable_lines == 1 else 'are'} not a studybuddy event (edited by hand?)"
            )
        return said


class Git:
    def __init__(self, folder: Path, timeout: float = GIT_TIMEOUT) -> None:
        self.folder = folder
        self.timeout = timeout
        if shutil.which("git") is None:
            raise SyncError("git is not installed (or not on PATH); install git to sync the study home")

    def run(self, *args: str, check: bool = True, what: str = "") -> subprocess.CompletedProcess[str]:
        done = self._run(args, text=True, what=what)
        if check and done.returncode != 0:
            raise SyncError(f"git {args[0]} failed{what}: {_last_words(done.stderr or done.stdout)}")
        return done

    def blob(self, spec: str) -> bytes | None:
        """The bytes of ``git show SPEC`` (None when git has no such object)."""
        done = self._run(("show", spec), text=False, what="")
        return done.stdout if done.returncode == 0 else None

    def _run(self, args: Sequence[str], *, text: bool, what: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_EDITOR": "true", "GIT_MERGE_AUTOEDIT": "no"}
        env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")  # a passphrase prompt fails, never waits
        try:
            return subprocess.run(
                ["git", *args],
                cwd=self.folder,
                env=env,
                capture_output=True,
                text=text,
                encoding="utf-8" if text else None,
                errors="surrogateescape" if text else None,
                timeout=self.timeout,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise SyncError(
                f"git {args[0]} did not finish within {self.timeout:.0f} s{what}; nothing was lost, try again"
            ) from None
        except OSError as error:
            raise SyncError(f"cannot run git: {error.strerror}") from error

    def ok(self, *args: str) -> bool:
        return self.run(*args, check=False).returncode == 0

    def out(self, *args: str) -> str:
        return self.run(*args).stdout.strip()


def sync(context: StudyContext) -> SyncReport:
    """Commit, pull with rebase, push, and apply what came in (SyncError: refused, nothing lost)."""
    home = context.home.root
    if not home.is_dir():
        raise SyncError(f"the study home {home} does not exist yet; nothing to sync")
    git = Git(home)
    if not git.ok("rev-parse", "--is-inside-work-tree"):
        raise SyncError(
            f"the study home {home} is not a git repository; make it one (git init, git remote add origin "
            "URL) or clone your study home there, then sync"
        )
    if _rebase_in_progress(git):
        raise SyncError(
            f"a rebase is in progress in {home}; finish it (git rebase --continue) or undo it "
            "(git rebase --abort), then sync"
        )
    branch = git.run("symbolic-ref", "--short", "-q", "HEAD", check=False).stdout.strip()
    if not branch:
        raise SyncError(f"the study home {home} is not on a branch (detached HEAD); check one out, then sync")
    remote, remote_branch = _upstream(git, branch)
    context.journal.catch_up()  # everything logged is in the database before git moves files
    report = SyncReport(remote=remote)
    keep_ignored(home)
    report.committed = _commit(git, context.journal.log.machine_id if context.journal.log else "?", report)
    tracking = f"refs/remotes/{remote}/{remote_branch}"
    for attempt in range(PUSH_ATTEMPTS):
        git.run("fetch", "--quiet", remote, what=f" (fetching from {remote})")
        if git.ok("rev-parse", "--quiet", "--verify", tracking):
            _pull(git, tracking, report)
        ahead = _count(git, f"{tracking}..HEAD") if git.ok("rev-parse", "-q", "--verify", tracking) else None
        if ahead is None:
            ahead = _count(git, "HEAD") if git.ok("rev-parse", "-q", "--verify", "HEAD") else 0
        if not ahead:
            break
        pushed = git.run("push", "--quiet", "-u", remote, f"HEAD:refs/heads/{remote_branch}", check=False)
        if pushed.returncode == 0:
            report.pushed = ahead
            break
        if attempt == PUSH_ATTEMPTS - 1:
            raise SyncError(
                f"git push to {remote} failed: {_last_words(pushed.stderr)}; your commits are kept here, "
                "sync again"
            )
    applied = context.journal.catch_up()
    own = context.journal.log.own_file.name if context.journal.log else ""
    report.applied_events = sum(count for name, count in applied.applied.items() if name != own)
    report.unreadable_lines = context.journal.skipped  # since the database was opened
    return report


def keep_ignored(home: Path) -> bool:
    """Add what studybuddy keeps out of git to the home's .gitignore (True when it changed); lines the
    learner wrote there stay as they are. A .gitignore that is not a regular file is left alone."""
    path = home / ".gitignore"
    if os.path.lexists(path) and not path.is_file():
        return False
    text = path.read_text(encoding="utf-8", errors="surrogateescape") if path.exists() else ""
    present = set(text.splitlines())
    missing = [line for line in IGNORED if line not in present]
    if not missing:
        return False
    if text and not text.endswith("\n"):
        text += "\n"
    _write_atomically(path, text + "\n".join(missing) + "\n")
    return True


# ---- the steps ---------------------------------------------------------------------------------------


def _upstream(git: Git, branch: str) -> tuple[str, str]:
    remotes = git.out("remote").split()
    if not remotes:
        raise SyncError(
            f"the study home's git repository ({git.folder}) has no remote to sync with; add one "
            "(git remote add origin URL), then sync"
        )
    remote = git.run("config", f"branch.{branch}.remote", check=False).stdout.strip()
    merge = git.run("config", f"branch.{branch}.merge", check=False).stdout.strip()
    if remote not in remotes:
        remote = "origin" if "origin" in remotes else remotes[0]
        merge = ""
    return remote, merge.removeprefix("refs/heads/") or branch


def _commit(git: Git, machine: str, report: SyncReport) -> str | None:
    # A home committed before the database became a cache may track it: stop (the file stays here), or
    # every sync would commit a binary file both machines change.
    git.run("rm", "--cached", "--quiet", "--ignore-unmatch", "--", *CACHE_FILES)
    report.untracked = bool(git.out("diff", "--cached", "--name-only", "--diff-filter=D", "--", *CACHE_FILES))
    git.run("add", "--all", "--", ".")
    staged = [
        name
        for name in git.out("diff", "--cached", "--relative", "--name-only", "-z", "--", ".").split("\0")
        if name
    ]
    if not staged:
        return None
    days = sum(1 for name in staged if name.startswith("diary/") and _DIARY_DAY.fullmatch(Path(name).name))
    events = 0
    for line in git.out("diff", "--cached", "--relative", "--numstat", "--", LOG_FOLDER).splitlines():
        added = line.split("\t", 1)[0]
        events += int(added) if added.isdigit() else 0
    others = len(staged) - days - sum(1 for name in staged if name.startswith(f"{LOG_FOLDER}/"))
    parts = [f"{days} diary day{_s(days)}", f"{events} event{_s(events)}"]
    if others:
        parts.append(f"{others} other file{_s(others)}")
    message = f"studybuddy sync from {machine}: {', '.join(parts)}"
    git.run("commit", "--quiet", "--no-verify", "-m", message, what=" (committing the study home)")
    return message


def _pull(git: Git, tracking: str, report: SyncReport) -> None:
    """Replay the local commits on the remote's (a fast-forward when there are none)."""
    if not git.ok("rev-parse", "-q", "--verify", "HEAD"):  # a fresh clone of an empty repository
        git.run("checkout", "--quiet", "-B", git.out("symbolic-ref", "--short", "HEAD"), tracking)
        report.pulled_commits += _count(git, "HEAD")
        report.pulled_diary_days += _diary_days(git, "HEAD")
        return
    incoming = _count(git, f"HEAD..{tracking}")
    if not incoming:
        return
    report.pulled_commits += incoming
    report.pulled_diary_days += _diary_days(git, f"HEAD..{tracking}")
    done = git.run("rebase", "--quiet", "--autostash", tracking, check=False)
    while _rebase_in_progress(git):
        _settle_or_abort(git, report)
        done = git.run("-c", "core.editor=true", "rebase", "--continue", check=False)
    if done.returncode != 0 and not _rebase_in_progress(git) and _count(git, f"HEAD..{tracking}"):
        raise SyncError(f"git rebase failed: {_last_words(done.stderr or done.stdout)}")


def _settle_or_abort(git: Git, report: SyncReport) -> None:
    """Settle each file in conflict where both sides only added lines; else undo the rebase."""
    conflicted = [
        name for name in git.out("diff", "--name-only", "--diff-filter=U", "-z").split("\0") if name
    ]
    top = Path(git.out("rev-parse", "--show-toplevel"))
    merged: dict[str, bytes] = {}
    for name in conflicted:
        text = _appended_both(git, name) if _settleable(name) else None
        if text is None:
            break
        merged[name] = text
    unsettled = [name for name in conflicted if name not in merged]
    if unsettled or not conflicted:
        git.run("rebase", "--abort", check=False)
        names = ", ".join(unsettled) or "(git named none)"
        raise SyncError(
            f"{names} changed differently on both machines; nothing was pulled or pushed and your text is "
            "as you left it. Merge by hand (git pull --rebase, edit, git rebase --continue), then sync again"
        )
    for name, text in merged.items():
        _write_atomically(top / name, text)
        git.run("add", "--", f":(top){name}")
        if name not in report.settled:
            report.settled.append(name)


def _settleable(name: str) -> bool:
    path = Path(name)
    return name.endswith(".gitignore") or (
        path.parent.name == "diary" and bool(_DIARY_DAY.fullmatch(path.name))
    )


def _appended_both(git: Git, name: str) -> bytes | None:
    """Both sides' text when each only added lines at the end of what they shared (the remote's lines
    first, then this machine's); None when a line they shared was changed."""
    base = _stage(git, 1, name)
    ours, theirs = _stage(git, 2, name), _stage(git, 3, name)  # in a rebase: 2 is the remote's, 3 ours
    if ours is None or theirs is None:
        return None  # deleted on one side
    first, second = ours.splitlines(keepends=True), theirs.splitlines(keepends=True)
    if base is None:  # added on both: what they start with alike is the shared part
        shared = 0
        while shared < min(len(first), len(second)) and first[shared] == second[shared]:
            shared += 1
        common = first[:shared]
    else:
        common = base.splitlines(keepends=True)
    if first[: len(common)] != common or second[: len(common)] != common:
        return None
    result = list(common)
    for tail in (first[len(common) :], second[len(common) :]):
        if result and not result[-1].endswith(b"\n"):
            result[-1] += b"\n"
        result += tail
    return b"".join(result)


def _stage(git: Git, number: int, name: str) -> bytes | None:
    return git.blob(f":{number}:{name}")  # a path after ":N:" is from the top of the repository


def _diary_days(git: Git, revisions: str) -> list[str]:
    """The diary days the commits ``revisions`` touched."""
    names = git.out("log", "--name-only", "--format=", revisions, "--", "diary").splitlines()
    return sorted({name for name in names if _DIARY_DAY.fullmatch(Path(name).name)})


def _rebase_in_progress(git: Git) -> bool:
    return any(
        Path(git.folder, git.out("rev-parse", "--git-path", folder)).exists()
        for folder in ("rebase-merge", "rebase-apply")
    )


def _count(git: Git, revisions: str) -> int:
    return int(git.out("rev-list", "--count", revisions) or 0)


def _write_atomically(path: Path, content: str | bytes) -> None:
    data = content.encode("utf-8", "surrogateescape") if isinstance(content, str) else content
    partial = path.with_name(f".{path.name}.sync-{os.getpid()}")
    try:
        with open(partial, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _last_words(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def git_status(home: Path) -> Sequence[str]:
    """``git status --porcelain`` of the home (for tests and the benchmark)."""
    return Git(home).out("status", "--porcelain").splitlines()
