"""The three-way merge of an entry edited in the app and by another program: no line is ever lost."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest

from studybuddy.core.diary import conflict_copy_name, parse_conflict_copy_name
from studybuddy.core.diary_edits import CONFLICT_END, CONFLICT_OURS, CONFLICT_START, merge_texts, saved_form

BASE = "# Sunday\n- 09:30 derived the sigmoid's derivative\n"


def test_an_outside_append_and_typing_at_the_end_keep_both_the_appended_line_first() -> None:
    merged = merge_texts(BASE, BASE + "chain rule: multiply", BASE + "- 10:02 #backprop done\n")
    assert merged.text == BASE + "- 10:02 #backprop done\nchain rule: multiply"
    assert merged.conflicts == 0


def test_typing_on_a_last_line_without_newline_and_an_outside_append_do_not_glue() -> None:
    base = "derived it"  # a file another editor saved without a final newline
    merged = merge_texts(base, "derived it by hand", "derived it\n- 10:02 shell line\n")
    assert merged.text == "derived it by hand\n- 10:02 shell line"
    assert merged.conflicts == 0


def test_changes_to_different_lines_merge_cleanly() -> None:
    base = "one\ntwo\nthree\nfour\n"
    merged = merge_texts(base, "one\nTWO (mine)\nthree\nfour\n", "one\ntwo\nthree\nFOUR (vim)\n")
    assert merged.text == "one\nTWO (mine)\nthree\nFOUR (vim)\n"
    assert merged.conflicts == 0


def test_the_same_lines_changed_on_both_sides_keep_both_versions_between_notes() -> None:
    base = "one\ntwo\nthree\n"
    merged = merge_texts(base, "one\ntwo, as I see it\nthree\n", "one\ntwo, as vim saw it\nthree\n")
    both = [CONFLICT_START, "two, as vim saw it", CONFLICT_OURS, "two, as I see it", CONFLICT_END]
    assert merged.text == "\n".join(["one", *both, "three"]) + "\n"
    assert merged.conflicts == 1


def test_the_same_change_made_on_both_sides_is_kept_once() -> None:
    edited = BASE + "- 10:02 same line\n"
    assert merge_texts(BASE, edited, edited).text == edited
    assert merge_texts(BASE, "# Sunday\n", "# Sunday\n").text == "# Sunday\n"


def test_lines_deleted_outside_stay_deleted_unless_the_learner_changed_them() -> None:
    base = "keep\ndrop me\nalso keep\n"
    assert merge_texts(base, base + "new\n", "keep\nalso keep\n").text == "keep\nalso keep\nnew\n"
    merged = merge_texts(base, "keep\ndrop me, edited\nalso keep\n", "keep\nalso keep\n")
    assert "drop me, edited" in merged.text and merged.conflicts == 1


def test_an_editor_that_started_empty_gets_the_entry_first_then_its_letters() -> None:
    assert merge_texts("", "typed early", "the entry\n").text == "the entry\ntyped early"


def test_carriage_returns_stay_inside_their_lines() -> None:
    base = "a\r\nb\r\n"
    assert merge_texts(base, base + "c\r\n", "a\r\nB\r\nb\r\n").text == "a\r\nB\r\nb\r\nc\r\n"


def _edit(rng: random.Random, lines: list[str], tag: str) -> list[str]:
    edited = list(lines)
    for number in range(rng.randint(1, 4)):
        where = rng.randint(0, len(edited))
        action = rng.choice(("insert", "delete", "replace"))
        if action == "insert" or not edited:
            edited[where:where] = [f"{tag} added {number}"]
        elif action == "delete":
            del edited[min(where, len(edited) - 1)]
        else:
            edited[min(where, len(edited) - 1)] = f"{tag} changed {number}"
    return edited


@pytest.mark.parametrize("seed", range(300))
def test_no_line_either_side_added_is_ever_lost(seed: int) -> None:
    """Random edits on both sides (fixed seeds): every line either side added is in the merge, and
    without a conflict every line both sides kept is too."""
    rng = random.Random(seed)
    base = [f"line {n}" for n in range(rng.randint(0, 8))]
    ours, theirs = _edit(rng, base, "ours"), _edit(rng, base, "theirs")
    merged = merge_texts("\n".join(base) + "\n", "\n".join(ours) + "\n", "\n".join(theirs) + "\n")
    result = Counter(merged.text.splitlines())
    for side in (ours, theirs):
        added = Counter(side) - Counter(base)
        assert not added - result, f"lost {added - result} from {side}"
    if not merged.conflicts:
        kept = Counter(ours) & Counter(theirs) & Counter(base)
        assert not kept - result


def test_a_saved_file_ends_with_a_newline() -> None:
    assert saved_form("no newline") == "no newline\n"
    assert saved_form("has one\n") == "has one\n"
    assert saved_form("") == ""


def test_conflict_copy_names() -> None:
    name = conflict_copy_name(date(2025, 7, 6), 12)
    assert name == "2025-07-06.conflict-12.md"
    assert parse_conflict_copy_name(name) == (date(2025, 7, 6), 12)
    for other in ("2025-07-06.md", "2025-02-30.conflict-1.md", "2025-07-06.conflict-0.md", "x.conflict-1.md"):
        assert parse_conflict_copy_name(other) is None
