"""The database schema as an ordered list of migrations; ``PRAGMA user_version`` counts those applied.

Append a migration to change the schema; never edit one that has shipped. Each is a tuple of single
SQL statements run inside one ``BEGIN IMMEDIATE`` transaction together with the version bump.
Times are Unix seconds (REAL, UTC); ``day`` is the local date a session started (YYYY-MM-DD), so a
day's minutes stay where the user lived them even if they later travel.
"""

from __future__ import annotations

OPEN_STATES_SQL = "('running', 'paused')"
COUNTED_STATES_SQL = "('running', 'paused', 'finished', 'stopped')"  # all but discarded

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: study sessions, their pauses, exercise attempts, per-lesson progress
    (
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            subject TEXT NOT NULL,
            lesson_id TEXT,
            planned_seconds INTEGER NOT NULL CHECK (planned_seconds > 0),
            started_at REAL NOT NULL,
            day TEXT NOT NULL,
            state TEXT NOT NULL
                CHECK (state IN ('running', 'paused', 'finished', 'stopped', 'discarded')),
            last_heartbeat_at REAL NOT NULL,
            ended_at REAL,
            studied_seconds REAL NOT NULL DEFAULT 0,
            owner_pid INTEGER,
            owner_host TEXT,
            exercises_tried INTEGER NOT NULL DEFAULT 0,
            exercises_right INTEGER NOT NULL DEFAULT 0,
            exercises_wrong INTEGER NOT NULL DEFAULT 0
        )""",
        # Covering and partial: stats read day, subject and time without touching the table.
        f"""CREATE INDEX sessions_counted_by_day ON sessions (day, subject, studied_seconds)
            WHERE state IN {COUNTED_STATES_SQL}""",
        f"CREATE INDEX sessions_open ON sessions (state) WHERE state IN {OPEN_STATES_SQL}",
        "CREATE INDEX sessions_by_start ON sessions (started_at)",
        """CREATE TABLE pauses (
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            started_at REAL NOT NULL,
            ended_at REAL,
            PRIMARY KEY (session_id, started_at)
        )""",
        """CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            lesson_id TEXT NOT NULL,
            exercise_id TEXT NOT NULL,
            answer TEXT NOT NULL,
            correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
            verdict TEXT NOT NULL,
            diagnosis TEXT,
            at REAL NOT NULL,
            session_id INTEGER REFERENCES sessions (id) ON DELETE SET NULL
        )""",
        "CREATE INDEX attempts_by_lesson ON attempts (lesson_id, exercise_id, at)",
        """CREATE TABLE lesson_progress (
            lesson_id TEXT PRIMARY KEY,
            last_opened_at REAL NOT NULL,
            steps_revealed INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX lesson_progress_recent ON lesson_progress (last_opened_at)",
    ),
    # 2: the help an attempt had: hints shown, and whether the worked solution had been shown (such
    # an answer is kept but never counts as mastered). Older attempts had neither recorded: 0.
    (
        "ALTER TABLE attempts ADD COLUMN hints_used INTEGER NOT NULL DEFAULT 0 CHECK (hints_used >= 0)",
        "ALTER TABLE attempts ADD COLUMN solution_seen INTEGER NOT NULL DEFAULT 0 "
        "CHECK (solution_seen IN (0, 1))",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)
