"""The learner's path: lessons in the order their ``requires`` make sensible, and what "done" means.

Pure functions over plain values; the service reads the library and the database and hands them in.

The order is topological (a lesson comes after every lesson it requires). Among the lessons whose
prerequisites are all placed, the next one is taken from the topic of the lesson just placed when
there is one (a topic is learnt in a stretch, not interleaved), else the first in the given order: ties
keep the given order, so the same library always gives the same path. A lesson library is written by
people: a ``requires`` naming no lesson is left out of the ordering and named; a cycle is broken at its
first lesson in the given order, and named, so every lesson still has its one place on the path.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from studybuddy.core.stats import is_mastered


@dataclass(frozen=True)
class PathNode:
    """A lesson as the ordering sees it."""

    id: str
    topic: str
    requires: tuple[str, ...]


@dataclass(frozen=True)
class LessonOrder:
    """Lesson ids in learning order, and what in the ``requires`` graph could not be followed."""

    ids: tuple[str, ...]
    problems: tuple[str, ...]


def learning_order(nodes: Sequence[PathNode]) -> LessonOrder:
    """Every node's id once, each after the lessons it requires (see the module docstring)."""
    given = {node.id: node for node in reversed(nodes)}  # a repeated id: its first node counts
    ordered_nodes = [node for node in nodes if given[node.id] is node]
    problems: list[str] = []
    waiting_on: dict[str, set[str]] = {}
    needed_by: dict[str, list[str]] = {node.id: [] for node in ordered_nodes}
    for node in ordered_nodes:
        waiting_on[node.id] = set()
        for required in dict.fromkeys(node.requires):
            if required not in given:
                problems.append(f"{node.id} requires '{required}', which is not in the library")
            elif required == node.id:
                problems.append(f"{node.id} requires itself")
            else:
                waiting_on[node.id].add(required)
                needed_by[required].append(node.id)
    rank = {node.id: index for index, node in enumerate(ordered_nodes)}
    ready: list[int] = []  # ranks of the lessons whose prerequisites are all placed (a heap)
    ready_in_topic: dict[str, list[int]] = {}  # the same, by topic
    for node in ordered_nodes:
        if not waiting_on[node.id]:
            _push(ready, ready_in_topic, node, rank[node.id])
    placed: list[str] = []
    unplaced = dict.fromkeys(node.id for node in ordered_nodes)  # in the given order
    while unplaced:
        same_topic = ready_in_topic.get(given[placed[-1]].topic, []) if placed else []
        lesson = _pop(same_topic, ordered_nodes, unplaced) or _pop(ready, ordered_nodes, unplaced)
        if lesson is None:  # a cycle: break it at its first lesson in the given order
            cycle = _cycle_from(next(iter(unplaced)), waiting_on)
            lesson = min(cycle, key=rank.__getitem__)
            circle = " → ".join(cycle)
            problems.append(f"the requires of {circle} go round in a circle; the path starts it at {lesson}")
        placed.append(lesson)
        del unplaced[lesson]
        waiting_on[lesson] = set()
        for later in needed_by[lesson]:
            waiting_on[later].discard(lesson)
            if not waiting_on[later] and later in unplaced:
                _push(ready, ready_in_topic, given[later], rank[later])
    return LessonOrder(tuple(placed), tuple(problems))


def _push(ready: list[int], ready_in_topic: dict[str, list[int]], node: PathNode, rank: int) -> None:
    heapq.heappush(ready, rank)
    heapq.heappush(ready_in_topic.setdefault(node.topic, []), rank)


def _pop(heap: list[int], nodes: Sequence[PathNode], unplaced: Mapping[str, None]) -> str | None:
    """The first lesson of ``heap`` not placed yet (a lesson sits in two heaps: skip the one placed)."""
    while heap:
        lesson = nodes[heapq.heappop(heap)].id
        if lesson in unplaced:
            return lesson
    return None


def _cycle_from(start: str, waiting_on: Mapping[str, set[str]]) -> list[str]:
    """One circle of ``requires`` reachable from ``start`` (each lesson waits on the next), closed."""
    seen: list[str] = []
    lesson = start
    while lesson not in seen:
        seen.append(lesson)
        lesson = min(waiting_on[lesson])  # any unplaced prerequisite; min: the same circle every time
    return [*seen[seen.index(lesson) :], lesson]


class Stage(StrEnum):
    """How far a lesson has gone, in the words the browser and the dashboard use."""

    NOT_STARTED = "not started"
    READING = "steps read"  # some derivation steps read, no exercise solved yet
    SOLVING = "exercises solved"  # some exercise solved, not yet done
    DONE = "done"
    MASTERED = "mastered"


DONE_MEANS = (
    "A lesson is done when every step of its derivation has been read and every exercise answered "
    "right without the worked solution (hints are fine); mastered when, on top of that, every "
    "exercise's review card holds for three weeks."
)


@dataclass(frozen=True)
class LessonProgress:
    """One lesson's progress: derivation steps read, exercises solved and mastered, of its totals."""

    steps_read: int
    steps: int
    solved: int  # exercises answered right without the worked solution, at least once
    mastered: int  # exercises whose review card's stability reached three weeks
    exercises: int

    @property
    def stage(self) -> Stage:
        has_parts = self.steps or self.exercises
        if has_parts and self.steps_read >= self.steps and self.solved >= self.exercises:
            return Stage.MASTERED if self.exercises and self.mastered >= self.exercises else Stage.DONE
        if self.solved:
            return Stage.SOLVING
        if self.steps_read:
            return Stage.READING
        return Stage.NOT_STARTED

    @property
    def done(self) -> bool:
        return self.stage in (Stage.DONE, Stage.MASTERED)

    def describe(self) -> str:
        """``3/5 steps read, 1/4 exercises solved`` (the parts a lesson has), or its stage when done
        or not started."""
        stage = self.stage
        if stage in (Stage.NOT_STARTED, Stage.DONE):
            return stage.value
        if stage is Stage.MASTERED:
            return f"mastered ({self.mastered}/{self.exercises})"
        parts = []
        if self.steps:
            parts.append(f"{min(self.steps_read, self.steps)}/{self.steps} steps read")
        if self.exercises:
            parts.append(f"{min(self.solved, self.exercises)}/{self.exercises} exercises solved")
        return ", ".join(parts)


def lesson_progress(
    *,
    steps: int,
    exercise_ids: Sequence[str],
    steps_read: int,
    solved: set[str] | frozenset[str],
    stability: Mapping[str, float | None],
) -> LessonProgress:
    """A lesson's progress from what was recorded: only its exercises as they are now count (an
    exercise renamed or removed since it was answered does not)."""
    current = set(exercise_ids)
    mastered = sum(1 for exercise in current if exercise in solved and is_mastered(stability.get(exercise)))
    return LessonProgress(
        steps_read=min(steps_read, steps),
        steps=steps,
        solved=len(current & set(solved)),
        mastered=mastered,
        exercises=len(current),
    )
