"""Adapters to the outside world: lesson files, diary files, SQLite, paths. Imports core only."""
