"""studybuddy: a terminal study companion and learning diary."""

__version__ = "0.1.0"
