"""The [keys] table is checked before Textual applies it: every problem is named, nothing is lost."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.binding import Binding

import studybuddy.ui.screens
import studybuddy.ui.widgets
from studybuddy.ui.app import StudyBuddyApp
from studybuddy.ui.keymap import BINDING_IDS, check_keymap

APP_KEYS = {"mode.dashboard": "f2", "mode.lessons": "f3", "timer.toggle": "f6,ctrl+t"}


def test_the_list_of_binding_ids_is_every_binding_the_app_its_screens_and_widgets_declare() -> None:
    declared = {b.id for b in StudyBuddyApp.BINDINGS if isinstance(b, Binding) and b.id}
    for package in (studybuddy.ui.screens, studybuddy.ui.widgets):
        for module_info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{module_info.name}")
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__.startswith("studybuddy."):  # Textual's own widgets keep their own keys
                    declared |= {
                        b.id for b in getattr(cls, "BINDINGS", []) if isinstance(b, Binding) and b.id
                    }
    assert declared == BINDING_IDS


def test_good_entries_are_applied_as_written() -> None:
    usable, problems = check_keymap(
        {"mode.lessons": "ctrl+l", "quiz.hint": "f8, ctrl+g", "lesson.next_step": "j,space"}, APP_KEYS
    )
    assert usable == {"mode.lessons": "ctrl+l", "quiz.hint": "f8,ctrl+g", "lesson.next_step": "j,space"}
    assert problems == []


def test_a_misspelled_binding_id_is_named_with_the_id_it_probably_meant() -> None:
    usable, problems = check_keymap({"mode.lesson": "ctrl+l"}, APP_KEYS)
    assert usable == {}
    assert problems == [
        "[keys] 'mode.lesson' is not a binding (did you mean mode.lessons?); "
        "help (F1) lists every binding's id"
    ]


def test_a_key_textual_never_sends_is_left_out_with_its_lower_case_spelling() -> None:
    usable, problems = check_keymap({"mode.lessons": "Ctrl+L"}, APP_KEYS)
    assert usable == {}
    assert "'ctrl+l'" in problems[0] and "never sent" in problems[0]


def test_an_empty_key_is_left_out() -> None:
    for keys in (",", "", "f3,,f4"):
        usable, problems = check_keymap({"mode.lessons": keys}, APP_KEYS)
        assert usable == {} and "empty key" in problems[0], keys


def test_a_key_another_app_binding_has_is_not_taken_from_it() -> None:
    usable, problems = check_keymap({"mode.lessons": "f2"}, APP_KEYS)
    assert usable == {}
    assert "f2 is already mode.dashboard" in problems[0]


def test_two_bindings_can_swap_keys_when_both_are_remapped() -> None:
    usable, problems = check_keymap({"mode.lessons": "f2", "mode.dashboard": "f3"}, APP_KEYS)
    assert usable == {"mode.lessons": "f2", "mode.dashboard": "f3"}
    assert problems == []


def test_the_message_names_the_help_key_as_remapped() -> None:
    _, problems = check_keymap(
        {"mode.lesson": "ctrl+l", "app.help": "ctrl+h"}, {**APP_KEYS, "app.help": "f1"}
    )
    assert problems == [
        "[keys] 'mode.lesson' is not a binding (did you mean mode.lessons?); "
        "help (ctrl+h) lists every binding's id"
    ]


def test_textuals_own_quit_and_palette_keys_are_never_taken() -> None:
    """The README promises a warning: binding ctrl+q silently took Quit's key away (Quit has no id,
    so no [keys] entry could give it back)."""
    usable, problems = check_keymap(
        {"timer.toggle": "ctrl+q", "quiz.hint": "f8,ctrl+p", "mode.lessons": "ctrl+l"}, APP_KEYS
    )
    assert usable == {"mode.lessons": "ctrl+l"}
    assert problems == [
        "[keys] timer.toggle = 'ctrl+q': ctrl+q is Quit's key, which cannot be remapped; "
        "timer.toggle keeps its own key",
        "[keys] quiz.hint = 'f8,ctrl+p': ctrl+p is the command palette's key, which cannot be remapped; "
        "quiz.hint keeps its own key",
    ]


def test_the_keys_textual_binds_itself_are_the_ones_checked() -> None:
    from textual.app import App

    quit_binding = next(b for b in App.BINDINGS if isinstance(b, Binding) and b.action == "quit")
    assert quit_binding.key == "ctrl+q" and quit_binding.id is None
    assert App.COMMAND_PALETTE_BINDING == "ctrl+p"


def test_a_key_that_types_is_refused_for_a_binding_used_while_typing() -> None:
    """quiz.hint on h would type an h into the answer box instead; a lesson's steps have no text field."""
    for binding_id, keys in [
        ("quiz.hint", "f8,h"),
        ("derive.finish", "enter"),
        ("mode.lessons", "l"),
        ("diary.save", "space"),
        ("quiz.previous", "full_stop"),
        ("timer.toggle", "backspace"),
    ]:
        usable, problems = check_keymap({binding_id: keys}, APP_KEYS)
        assert usable == {}, binding_id
        [problem] = problems
        assert problem.startswith(f"[keys] {binding_id} = {keys!r}: ") and "is typed into the text" in problem
        assert f"{binding_id} keeps its own key" in problem
    usable, problems = check_keymap({"dashboard.review": "v", "rating.good": "g"}, APP_KEYS)
    assert (usable, problems) == ({"dashboard.review": "v", "rating.good": "g"}, [])
