"""The learner's path: lessons ordered by their requires (topics kept together, ties in the given order),
a broken graph named instead of crashing, and what 'done' and 'mastered' mean for a lesson."""

from __future__ import annotations

import itertools

import pytest

from studybuddy.core.learning_path import LessonProgress, PathNode, Stage, learning_order, lesson_progress


def node(lesson_id: str, topic: str = "t", *requires: str) -> PathNode:
    return PathNode(lesson_id, topic, requires)


def test_each_lesson_comes_after_what_it_requires_and_ties_keep_the_given_order() -> None:
    nodes = [
        node("chain-rule", "calculus", "derivative"),
        node("derivative", "calculus"),
        node("dot", "algebra"),
        node("matmul", "algebra", "dot"),
        node("backprop", "networks", "chain-rule", "matmul"),
    ]
    order = learning_order(nodes)
    assert order.ids == ("derivative", "chain-rule", "dot", "matmul", "backprop")
    assert order.problems == ()


def test_a_topic_is_finished_before_the_next_is_started_when_the_requires_allow_it() -> None:
    nodes = [node("a1", "a"), node("b1", "b"), node("a2", "a", "a1"), node("b2", "b", "b1")]
    assert learning_order(nodes).ids == ("a1", "a2", "b1", "b2")


@pytest.mark.parametrize("shuffle", range(6))
def test_any_given_order_gives_a_valid_path(shuffle: int) -> None:
    nodes = [node("a"), node("b", "t", "a"), node("c", "u", "a"), node("d", "t", "b", "c")]
    given = list(itertools.permutations(nodes))[shuffle * 4]
    ids = learning_order(given).ids
    place = {lesson: index for index, lesson in enumerate(ids)}
    assert sorted(ids) == ["a", "b", "c", "d"]
    assert all(place[required] < place[item.id] for item in nodes for required in item.requires)


def test_a_cycle_is_named_and_every_lesson_still_gets_one_place() -> None:
    nodes = [node("intro"), node("x", "t", "intro", "y"), node("y", "t", "x"), node("after", "t", "y")]
    order = learning_order(nodes)
    assert order.ids == ("intro", "x", "y", "after")
    assert order.problems == ("the requires of x → y → x go round in a circle; the path starts it at x",)


def test_a_missing_or_self_prerequisite_is_named_and_left_out() -> None:
    order = learning_order([node("a", "t", "gone"), node("b", "t", "b", "a")])
    assert order.ids == ("a", "b")
    assert order.problems == ("a requires 'gone', which is not in the library", "b requires itself")


def test_a_repeated_id_is_placed_once() -> None:
    assert learning_order([node("a"), node("a", "t", "b"), node("b")]).ids == ("a", "b")


def test_a_thousand_lessons_in_a_deep_chain_are_ordered() -> None:
    nodes = [node(f"l{i}", f"t{i % 7}", *([f"l{i - 1}"] if i else [])) for i in reversed(range(1000))]
    assert learning_order(nodes).ids == tuple(f"l{i}" for i in range(1000))


@pytest.mark.parametrize(
    ("progress", "stage", "words"),
    [
        (LessonProgress(0, 5, 0, 0, 3), Stage.NOT_STARTED, "not started"),
        (LessonProgress(2, 5, 0, 0, 3), Stage.READING, "2/5 steps read, 0/3 exercises solved"),
        (LessonProgress(5, 5, 1, 0, 3), Stage.SOLVING, "5/5 steps read, 1/3 exercises solved"),
        (LessonProgress(1, 5, 3, 0, 3), Stage.SOLVING, "1/5 steps read, 3/3 exercises solved"),
        (LessonProgress(5, 5, 3, 2, 3), Stage.DONE, "done"),
        (LessonProgress(5, 5, 3, 3, 3), Stage.MASTERED, "mastered (3/3)"),
        (LessonProgress(4, 4, 0, 0, 0), Stage.DONE, "done"),  # no exercises: reading it all is done
    ],
)
def test_a_lesson_is_done_when_every_step_is_read_and_every_exercise_solved(
    progress: LessonProgress, stage: Stage, words: str
) -> None:
    assert progress.stage is stage
    assert progress.describe() == words
    assert progress.done == (stage in (Stage.DONE, Stage.MASTERED))


def test_only_the_lessons_exercises_as_they_are_now_count() -> None:
    progress = lesson_progress(
        steps=4,
        exercise_ids=("e1", "e2"),
        steps_read=9,
        solved={"e1", "e2", "renamed"},
        stability={"e1": 30.0, "e2": 3.0, "renamed": 90.0},
    )
    assert progress == LessonProgress(steps_read=4, steps=4, solved=2, mastered=1, exercises=2)
    assert progress.stage is Stage.DONE
