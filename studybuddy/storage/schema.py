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
    # 3: review cards, one per exercise answered, keyed by (lesson id, exercise id) whatever the kind,
    # holding FSRS's scheduling state only (core.reviews.cards); and their review logs, whose first
    # four columns are FSRS's ReviewLog as its to_dict() writes it, for its optimizer. A card outlives
    # its lesson (a lesson removed or renamed leaves its cards, shown as orphaned). Exercises answered
    # before this version become cards never reviewed, due at their last answer: the first review
    # schedules them. ``kind`` is the queue a review came from (new, learning step, review), for the
    # daily caps; ``state_before`` is NULL for a card's first review.
    (
        """CREATE TABLE cards (
            card_id INTEGER PRIMARY KEY,
            lesson_id TEXT NOT NULL,
            exercise_id TEXT NOT NULL,
            state INTEGER NOT NULL DEFAULT 1 CHECK (state IN (1, 2, 3)),
            step INTEGER CHECK (step >= 0),
            stability REAL CHECK (stability > 0),
            difficulty REAL,
            due REAL NOT NULL,
            last_review REAL,
            reps INTEGER NOT NULL DEFAULT 0 CHECK (reps >= 0),
            lapses INTEGER NOT NULL DEFAULT 0 CHECK (lapses >= 0),
            created_at REAL NOT NULL,
            UNIQUE (lesson_id, exercise_id)
        )""",
        "CREATE INDEX cards_by_due ON cards (due, state, reps)",
        """CREATE TABLE review_logs (
            id INTEGER PRIMARY KEY,
            card_id INTEGER NOT NULL REFERENCES cards (card_id) ON DELETE CASCADE,
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            review_datetime TEXT NOT NULL,
            review_duration INTEGER CHECK (review_duration >= 0),
            at REAL NOT NULL,
            day TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('new', 'learning', 'review')),
            state_before INTEGER CHECK (state_before IN (1, 2, 3)),
            proposed INTEGER NOT NULL CHECK (proposed BETWEEN 1 AND 4),
            session_id INTEGER REFERENCES sessions (id) ON DELETE SET NULL
        )""",
        "CREATE INDEX review_logs_by_day ON review_logs (day, kind)",
        "CREATE INDEX review_logs_by_time ON review_logs (at)",
        "CREATE INDEX review_logs_by_card ON review_logs (card_id, at)",
        "CREATE INDEX attempts_by_time ON attempts (at)",
        """INSERT INTO cards (lesson_id, exercise_id, due, created_at)
            SELECT lesson_id, exercise_id, max(at), min(at) FROM attempts GROUP BY lesson_id, exercise_id""",
    ),
    # 4: the seed of the variant an attempt answered (an exercise with parameters draws its values from
    # it, core.lessons.variants), so the question can be drawn again; NULL: no variant (every attempt
    # before this version, and every exercise without parameters).
    ("ALTER TABLE attempts ADD COLUMN variant_seed INTEGER",),
    # 5: the lines of a derivation (a derive exercise's attempt, its whole text in ``answer``) that did not
    # hold, as their numbers, comma-separated ("3,5"); NULL for an answer, "" for a derivation whose lines
    # all hold.
    ("ALTER TABLE attempts ADD COLUMN wrong_lines TEXT",),
    # 6: the database becomes a cache of the study home's event logs (storage.event_log, one file per
    # machine, synced through git). Sessions, attempts and reviews get the ids their events know them
    # by on every machine (``uid``; NULL for rows written before this version, until they are logged);
    # a session remembers the (time, event id) of the state it holds, so the newest event wins whatever
    # order the logs arrive in; ``log_files`` says how far each log file has been applied (``applied``
    # bytes, the first line's ``head`` hash: a file rewritten under it rebuilds the cache).
    (
        "ALTER TABLE sessions ADD COLUMN uid TEXT",
        "ALTER TABLE sessions ADD COLUMN logged_at REAL",
        "ALTER TABLE sessions ADD COLUMN logged_event TEXT",
        "CREATE UNIQUE INDEX sessions_by_uid ON sessions (uid)",
        "ALTER TABLE attempts ADD COLUMN uid TEXT",
        "CREATE UNIQUE INDEX attempts_by_uid ON attempts (uid)",
        "ALTER TABLE review_logs ADD COLUMN uid TEXT",
        "CREATE UNIQUE INDEX review_logs_by_uid ON review_logs (uid)",
        """CREATE TABLE log_files (
            name TEXT PRIMARY KEY,
            applied INTEGER NOT NULL CHECK (applied >= 0),
            head TEXT NOT NULL
        )""",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)
