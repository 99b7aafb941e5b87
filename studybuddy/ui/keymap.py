"""The config file's ``[keys]`` table, checked before Textual applies it.

Textual's ``set_keymap`` takes anything: a misspelled binding id is ignored, a key it never sends
("Ctrl+L") leaves the action on no key at all, and a key another binding has takes it away from
that binding (Textual's own Quit and command palette keys too, which have no id to remap them back
with). Each of those is left out here, with a message that says what is wrong.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from textual.keys import key_to_character

from studybuddy.ui.key_hints import key_name

# Every binding a learner can remap (the help screen, F1, lists them with their ids). A test checks
# this against the BINDINGS of the app, its screens and its widgets, so a new binding cannot be
# forgotten here.
BINDING_IDS = frozenset(
    {
        "app.help",
        "app.scratchpad",
        "mode.dashboard",
        "mode.lessons",
        "mode.diary",
        "mode.progress",
        "mode.review",
        "timer.toggle",
        "timer.stop",
        "dashboard.write",
        "dashboard.browse",
        "dashboard.review",
        "dashboard.next_lesson",
        "lessons.filter",
        "lessons.list",
        "lessons.order",
        "lesson.next_step",
        "lesson.checks",
        "lesson.exercises",
        "lesson.back",
        "quiz.hint",
        "quiz.solution",
        "quiz.next",
        "quiz.back",
        "quiz.previous",
        "review.lesson",
        "scratchpad.back",
        "derive.finish",
        "quiz.variant",
        "quiz.choose",
        "start.previous_subject",
        "start.next_subject",
        "rating.again",
        "rating.hard",
        "rating.good",
        "rating.easy",
        "rating.save",
        "progress.week",
        "report.append",
        "report.back",
        "diary.editor",
        "diary.preview",
        "diary.save",
        "diary.search",
        "help.close",
        "dialog.close",
        "finished.stay",
    }
)


# Keys Textual's App binds itself, without an id: a binding remapped onto one would take it away
# (ctrl+q would no longer quit), and no [keys] entry could give it back.
TEXTUAL_KEYS = {"ctrl+q": "Quit", "ctrl+p": "the command palette"}


# Bindings that must work while the learner types (app-wide ones, and those of screens whose focus is
# an answer box, a derivation or the diary's editor): the text field takes a key that types or edits
# before any binding sees it, so such a key would never run them there.
WHILE_TYPING = frozenset(
    {binding_id for binding_id in BINDING_IDS if binding_id.split(".")[0] in {"app", "mode", "timer"}}
    | {"lessons.filter", "quiz.hint", "quiz.solution", "quiz.next", "quiz.variant", "quiz.previous"}
    | {"review.lesson"}
    | {"derive.finish", "diary.editor", "diary.preview", "diary.search", "diary.save"}
)
_EDITING_KEYS = frozenset({"enter", "tab", "backspace", "delete", "left", "right", "home", "end"})


def _typed(key: str) -> bool:
    """A text field keeps ``key`` for itself: it types a character or moves or edits in the text."""
    character = key_to_character(key)
    return key in _EDITING_KEYS or (character is not None and character.isprintable())


def check_keymap(keymap: Mapping[str, str], app_keys: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The entries to apply, and a message for each entry left out.

    ``app_keys``: the app-wide bindings' keys by id ("f2" for "mode.dashboard"): a remapped key must
    not take one of those from another binding (they work on every screen).
    """
    usable: dict[str, str] = {}
    problems: list[str] = []
    unknown = [binding_id for binding_id in keymap if binding_id not in BINDING_IDS]
    for binding_id, keys in keymap.items():
        if binding_id in unknown:
            continue  # named below, with the help key as remapped
        problem = _bad_keys(binding_id, keys)
        if problem:
            problems.append(problem)
        else:
            usable[binding_id] = ",".join(key.strip() for key in keys.split(","))
    taken = {key: binding_id for binding_id, keys in app_keys.items() for key in keys.split(",")}
    for binding_id, keys in usable.copy().items():
        for key in keys.split(","):
            if key in TEXTUAL_KEYS:
                problems.append(
                    f"[keys] {binding_id} = {keys!r}: {key} is {TEXTUAL_KEYS[key]}'s key, which cannot be "
                    f"remapped; {binding_id} keeps its own key"
                )
                del usable[binding_id]
                break
            if binding_id in WHILE_TYPING and _typed(key):
                problems.append(
                    f"[keys] {binding_id} = {keys!r}: {key_name(key)} is typed into the text where "
                    f"{binding_id} is used, so it would never run it there; choose a key with ctrl or an "
                    f"F key ({binding_id} keeps its own key)"
                )
                del usable[binding_id]
                break
            owner = taken.get(key)
            if owner is not None and owner != binding_id and owner not in usable:
                problems.append(
                    f"[keys] {binding_id} = {keys!r}: {key} is already {owner}; "
                    f"{binding_id} keeps its own key (remap {owner} too to swap them)"
                )
                del usable[binding_id]
                break
    help_key = key_name((usable.get("app.help") or app_keys.get("app.help") or "f1").split(",")[0])
    return usable, [_unknown_id(binding_id, help_key) for binding_id in unknown] + problems


def _unknown_id(binding_id: str, help_key: str) -> str:
    close = difflib.get_close_matches(binding_id, sorted(BINDING_IDS), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"[keys] {binding_id!r} is not a binding{hint}; help ({help_key}) lists every binding's id"


def _bad_keys(binding_id: str, keys: str) -> str | None:
    for key in keys.split(","):
        key = key.strip()
        if not key:
            return f"[keys] {binding_id} = {keys!r}: an empty key; separate keys with commas: 'f3,ctrl+l'"
        if len(key) > 1 and key != key.lower():
            return (
                f"[keys] {binding_id} = {keys!r}: {key!r} is never sent; key names are lower case: "
                f"{key.lower()!r}"
            )
        if " " in key:
            return f"[keys] {binding_id} = {keys!r}: {key!r} has a space; write 'ctrl+l', 'space'"
    return None
