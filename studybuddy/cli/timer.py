"""``studybuddy timer ...``: one-hour study sessions from the shell."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from studybuddy.core.errors import StudybuddyError
from studybuddy.core.time_left import clock_text

if TYPE_CHECKING:
    from datetime import datetime

    from studybuddy.services.context import StudyContext
    from studybuddy.services.session_view import SessionView
    from studybuddy.services.timer import TimerService

# `--recover` and `timer recover` choices -> TimerService.recover's keep_until
CONTROLS = "Pause or stop from any shell: studybuddy timer pause|resume|stop; Ctrl-C stops."
RECOVER_CHOICES = {
    "keep": "heartbeat",
    "planned-end": "planned_end",
    "discard": "discard",
    "resume": "resume",
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    timer = subparsers.add_parser(
        "timer",
        help="the study timer: start, pause, resume, stop, status",
        description="Time-boxed study sessions, stored as they run. A session keeps counting when its "
        "countdown or the app ends (a closed terminal, a quit): stop it with `timer stop`. A killed process "
        "loses at most a few seconds, and the next start offers to resume, keep or discard the interrupted "
        "session.",
    )
    commands = timer.add_subparsers(title="timer commands", metavar="COMMAND", required=True)

    start = commands.add_parser("start", help="start a session and show the countdown")
    start.add_argument("--minutes", type=int, help="length (default: timer.minutes in the config, or 60)")
    start.add_argument(
        "--subject",
        help="what you study (default: the next in timer.rotation, or else in the subjects of your last two "
        "weeks' sessions, the one waiting longest first; or the last session's subject)",
    )
    start.add_argument("--lesson", metavar="ID", help="the lesson you work on, if any")
    start.add_argument(
        "--recover",
        choices=sorted(RECOVER_CHOICES),
        help="what to do with a session whose process was killed: resume it (its countdown shows instead of "
        "a new session's; the time since its last heartbeat counts as a pause), keep it up to its last "
        "heartbeat, keep it to its planned end, or discard it (default: ask; without a terminal, keep)",
    )
    start.set_defaults(handler=_start)

    for name, what in (("pause", "pause"), ("resume", "resume"), ("stop", "stop, keeping the time studied")):
        command = commands.add_parser(name, help=f"{what} the running session (from any shell)")
        command.set_defaults(handler=_transition, action=name)

    status = commands.add_parser("status", help="the running session, or the last one")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(handler=_status, exit_quickly=True)  # no teardown at exit (cli.main)

    recover = commands.add_parser("recover", help="resume, keep or discard sessions whose process was killed")
    recover.add_argument("choice", choices=sorted(RECOVER_CHOICES))
    recover.set_defaults(handler=_recover)

    log = commands.add_parser("log", help="record time studied away from the timer")
    log.add_argument("minutes", type=int)
    log.add_argument("--subject", required=True)
    log.add_argument("--date", help="the day (default: today): 2025-07-06, yesterday, 3 days ago, ...")
    log.add_argument("--lesson", metavar="ID")
    log.set_defaults(handler=_log)


def _start(args: argparse.Namespace) -> int:
    from studybuddy.cli.countdown import run_countdown
    from studybuddy.cli.database_notice import open_context

    context = open_context(args)
    service = context.timer
    resumed = _settle_interrupted(service, args.recover)
    if resumed is not None:
        session = resumed
        print(
            f"Resumed {session.subject}: {clock_text(session.remaining_seconds)} left of "
            f"{session.planned_seconds // 60} min (session {session.id}). {CONTROLS}",
            flush=True,
        )
    else:
        subject = args.subject or _chosen_subject(service)
        session = service.start(subject=subject, minutes=args.minutes, lesson_id=args.lesson)
        print(
            f"Studying {session.subject} for {session.planned_seconds // 60} min (session {session.id}). "
            f"{CONTROLS}",
            flush=True,
        )
    live = sys.stdout.isatty()
    result = run_countdown(service, session, context.clock, sys.stdout, live=live)
    if result.detached_by is not None:
        return 128 + result.detached_by  # the session runs on without this countdown
    if result.unsaved is not None:
        print(
            f"studybuddy: the session could not be saved as it stands ({result.unsaved}). It is in the "
            "database as last saved; `studybuddy timer status` shows it once the database can be written.",
            file=sys.stderr,
        )
        return 1
    _report_end(context, result.session)
    return 0


def _report_end(context: StudyContext, session: SessionView) -> None:
    from studybuddy.cli.countdown import ring

    minutes = round(session.studied_seconds / 60)
    if session.state == "finished":
        ring(sys.stdout, "Time's up", f"{minutes} min of {session.subject}")
        print(f"Time's up: {minutes} min of {session.subject} recorded.")
    elif session.state == "stopped":
        print(f"Stopped: {minutes} min of {session.subject} recorded.")
    else:
        print(f"The session ended elsewhere ({session.state}).")
    suggestion = context.timer.suggest_subject(after=session.subject)
    if suggestion and suggestion.casefold() != session.subject.casefold():
        print(f"Next in your rotation: {suggestion}  (studybuddy timer start --subject {_quote(suggestion)})")
    print(f'Write it down: studybuddy diary add "{session.subject}: what I learned..."')


def _chosen_subject(service: TimerService) -> str:
    """No --subject: the rotation's next, or the last session's subject; said on stdout."""
    choice = service.subject_choice()
    subject = choice.default
    if subject is None:
        raise StudybuddyError(
            "name what you study: --subject 'linear algebra' (there is no session yet to go on from, and "
            "no timer.rotation in the config file)"
        )
    if choice.last is not None and choice.last.casefold() == subject.casefold():
        why = "your last subject"
    elif choice.from_history:
        why = f"after {choice.last}: of your last two weeks' subjects, the one waiting longest"
    elif choice.last is None:
        why = "the first in timer.rotation"
    else:
        why = f"next in timer.rotation after {choice.last}"
    print(f"No --subject given: {subject} ({why}).")
    return subject


def _settle_interrupted(service: TimerService, choice: str | None) -> SessionView | None:
    """Resume, keep or discard each interrupted session; the one resumed (at most one), if any."""
    resumed: SessionView | None = None
    for session in reversed(service.interrupted()):  # the most recent first: the one to resume
        known = f"{session.subject}, started {_local(session.started_at)}, {_minutes(session)} known studied"
        if resumed is not None:  # one session at a time: the others are kept
            closed = service.recover(session.id, RECOVER_CHOICES["keep"])
            print(f"Kept {_minutes(closed)} of {closed.subject} from an older interrupted session.")
            continue
        if choice is None and sys.stdin.isatty():
            answer = _ask(f"An interrupted session was found ({known}).")
        elif choice is None:
            answer = "keep"
            print(
                f"An interrupted session was found ({known}); keeping it up to its last heartbeat "
                f"({_local(session.last_heartbeat_at)}). Use --recover to choose.",
                file=sys.stderr,
            )
        else:
            answer = choice
        if answer == "resume":
            resumed = service.resume_interrupted(session.id)
            continue
        closed = service.recover(session.id, RECOVER_CHOICES[answer])
        if closed.state == "discarded":
            print(f"Discarded the interrupted session of {closed.subject}.")
        else:
            print(f"Kept {_minutes(closed)} of {closed.subject} from the interrupted session.")
    return resumed


def _ask(question: str) -> str:
    keys = {"r": "resume", "k": "keep", "p": "planned-end", "d": "discard", "": "keep"}
    prompt = (
        f"{question}\nResume it [r], keep it up to its last heartbeat [k], keep it to its planned end [p], "
        "or discard it [d]? (k) "
    )
    while True:
        try:
            answer = input(prompt).strip().lower()[:1]
        except EOFError:
            answer = ""
        if answer in keys:
            return keys[answer]


def _transition(args: argparse.Namespace) -> int:
    from studybuddy.cli.database_notice import open_context

    service = open_context(args).timer
    session = getattr(service, args.action)()
    done = {"pause": "Paused", "resume": "Resumed", "stop": "Stopped"}[args.action]
    print(f"{done}: {session.subject}, {_minutes(session)} studied, {_left(session)} left.")
    return 0


def _status(args: argparse.Namespace) -> int:
    from studybuddy.cli.database_notice import open_context

    context = open_context(args)
    status = context.timer.status()
    if args.json:
        payload = status.to_json()
        last = context.timer.last_session() if status.session is None else None
        payload["last"] = None if last is None else last.to_json()
        import json

        print(json.dumps(payload, indent=2))
        return 0
    if status.session is not None:
        session = status.session
        print(
            f"{session.state}: {session.subject}, {_minutes(session)} studied, {_left(session)} left of "
            f"{session.planned_seconds // 60} min (started {_local(session.started_at)}, "
            f"session {session.id})"
        )
    else:
        last = context.timer.last_session()
        tail = "" if last is None else f" Last: {last.subject}, {_minutes(last)}, {_local(last.started_at)}."
        print(f"idle: no session running.{tail}")
    for session in status.interrupted:
        print(
            f"interrupted: {session.subject}, started {_local(session.started_at)}, "
            f"{_minutes(session)} known studied; resume, keep or discard it: "
            "studybuddy timer recover resume|keep|discard"
        )
    return 0


def _recover(args: argparse.Namespace) -> int:
    from studybuddy.cli.database_notice import open_context

    service = open_context(args).timer
    interrupted = service.interrupted()
    if not interrupted:
        print("No interrupted session.")
    choice = args.choice
    for session in reversed(interrupted):  # the most recent first: the one to resume
        closed = service.recover(session.id, RECOVER_CHOICES[choice])
        if choice == "resume":
            print(
                f"Resumed the session of {closed.subject} started {_local(closed.started_at)}: "
                f"{clock_text(closed.remaining_seconds)} left, counting now (studybuddy timer status)."
            )
            choice = "keep"  # one session at a time: any older one is kept
            continue
        verb = "Discarded" if closed.state == "discarded" else f"Kept {_minutes(closed)} of"
        print(f"{verb} the session of {closed.subject} started {_local(closed.started_at)}.")
    return 0


def _log(args: argparse.Namespace) -> int:
    from studybuddy.cli.database_notice import open_context
    from studybuddy.core.dates import parse_date

    context = open_context(args)
    day = parse_date(args.date, context.clock.now().date()) if args.date else None
    session = context.timer.log(subject=args.subject, minutes=args.minutes, day=day, lesson_id=args.lesson)
    print(f"Logged {_minutes(session)} of {session.subject} on {session.day.isoformat()}.")
    return 0


def _minutes(session: SessionView) -> str:
    return f"{round(session.studied_seconds / 60)} min"


def _left(session: SessionView) -> str:
    return clock_text(session.remaining_seconds)


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%a %d %b %H:%M")


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)
