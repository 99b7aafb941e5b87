"""`studybuddy timer start` with no --subject picks the subject (and says which and why), and an
interrupted session can be resumed from the shell, by `timer start --recover resume` or `timer recover
resume`. Subprocesses read the time from $STUDYBUDDY_CLOCK_FILE; the tests wait for what was written."""

import json
import sqlite3
from datetime import timedelta

import pytest
from test_timer_cli import T0, WAIT_LIMIT, Home, wait_until

from studybuddy.cli import main


@pytest.fixture
def home(tmp_path) -> Home:
    return Home(tmp_path)  # its config file has timer.rotation = linear algebra, calculus, deep learning


@pytest.fixture
def no_rotation(home: Home) -> Home:
    home.env["STUDYBUDDY_CONFIG"] = str(home.root / "missing.toml")
    return home


def start_without_subject_then_stop(home: Home) -> tuple[str, str, list[tuple]]:
    process = home.popen("timer", "start", "--minutes", "30")
    wait_until(lambda: home.rows("SELECT 1 FROM sessions WHERE state = 'running'"), "the new session")
    assert home.run("timer", "stop").returncode == 0
    out, err = process.communicate(timeout=WAIT_LIMIT)
    assert process.returncode == 0, err
    return out, err, home.rows("SELECT subject FROM sessions WHERE state = 'stopped'")


@pytest.mark.slow
def test_start_without_a_subject_takes_the_next_in_the_configured_rotation(home: Home) -> None:
    assert home.run("timer", "log", "60", "--subject", "Calculus").returncode == 0
    out, _, subjects = start_without_subject_then_stop(home)
    assert "No --subject given: deep learning (next in timer.rotation after Calculus)." in out
    assert subjects == [("deep learning",)]


@pytest.mark.slow
def test_start_without_a_subject_or_a_rotation_takes_the_recent_subject_waiting_longest(
    no_rotation: Home,
) -> None:
    home = no_rotation
    for hour, subject in enumerate(("probability", "linear algebra", "calculus")):
        home.set_time(T0 + timedelta(hours=hour))
        assert home.run("timer", "log", "30", "--subject", subject).returncode == 0
    out, _, subjects = start_without_subject_then_stop(home)
    assert "No --subject given: probability (after calculus: of your last two weeks' subjects" in out
    assert subjects == [("probability",)]


@pytest.mark.slow
def test_start_without_a_subject_after_one_subject_only_goes_on_with_it(no_rotation: Home) -> None:
    assert no_rotation.run("timer", "log", "30", "--subject", "calculus").returncode == 0
    out, _, subjects = start_without_subject_then_stop(no_rotation)
    assert "No --subject given: calculus (your last subject)." in out and subjects == [("calculus",)]


def test_start_without_a_subject_with_nothing_to_go_on_says_what_to_give(
    no_rotation: Home, monkeypatch, capsys
) -> None:
    for name, value in no_rotation.env.items():
        monkeypatch.setenv(name, value)
    assert main(["timer", "start"]) == 1
    err = capsys.readouterr().err
    assert "name what you study: --subject 'linear algebra'" in err and "no timer.rotation" in err
    assert no_rotation.rows("SELECT * FROM sessions") == []


def plant_interrupted_session(home: Home) -> None:
    """A session started two hours ago whose process vanished after 10 minutes (it was paused never)."""
    assert home.run("timer", "status").returncode == 0  # creates the database
    with sqlite3.connect(home.database) as conn:
        conn.execute(
            "INSERT INTO sessions (subject, planned_seconds, started_at, day, state, last_heartbeat_at, "
            "studied_seconds, owner_pid, owner_host) VALUES ('calculus', 3600, ?, '2025-07-06', 'running', "
            "?, 600, 999999, 'elsewhere')",
            ((T0 - timedelta(hours=2)).timestamp(), (T0 - timedelta(minutes=110)).timestamp()),
        )


@pytest.mark.slow
def test_timer_start_can_resume_an_interrupted_session_and_shows_its_countdown(home: Home) -> None:
    plant_interrupted_session(home)
    process = home.popen("timer", "start", "--recover", "resume", "--subject", "algebra")
    wait_until(
        lambda: home.rows("SELECT 1 FROM sessions WHERE state = 'running' AND owner_pid != 999999"), "resume"
    )
    home.set_time_and_wait_for_heartbeat(T0 + timedelta(minutes=5))  # its countdown holds it now
    assert home.run("timer", "stop").returncode == 0
    out, err = process.communicate(timeout=WAIT_LIMIT)
    assert process.returncode == 0, err
    assert "Resumed calculus: 50:00 left of 60 min" in out
    assert "Stopped: 15 min of calculus recorded." in out
    assert home.rows("SELECT subject, state, studied_seconds FROM sessions") == [
        ("calculus", "stopped", 900.0)
    ]


def test_timer_recover_resume_leaves_the_session_counting_without_a_process(
    home: Home, monkeypatch, capsys
) -> None:
    for name, value in home.env.items():
        monkeypatch.setenv(name, value)
    plant_interrupted_session(home)
    assert main(["timer", "recover", "resume"]) == 0
    assert "Resumed the session of calculus started" in capsys.readouterr().out
    home.set_time(T0 + timedelta(minutes=20))
    assert main(["timer", "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert (status["state"], status["interrupted"]) == ("running", [])
    assert status["session"]["studied_seconds"] == 30 * 60  # 10 before, 20 since the resume
    assert main(["timer", "status"]) == 0
    assert "running: calculus, 30 min studied, 30:00 left of 60 min" in capsys.readouterr().out
