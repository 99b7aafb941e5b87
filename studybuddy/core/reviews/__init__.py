"""Spaced review of exercises: FSRS cards (cards.py), the rating proposed from how an answer went
(rating.py), the day's queue (queue.py), and what the learner's history says (insights.py).

Pure: no file or database I/O. A card is keyed by (lesson id, exercise id) wherever it is stored and
holds scheduling state only, never the exercise's content, so any kind of exercise (an expression to
type, a derivation to write) can have one.
"""
