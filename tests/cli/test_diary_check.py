"""`studybuddy diary check [DATE]`: the derivations in a day's entry, marked line by line; the entry is
never changed, and a bad block is told, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from studybuddy.cli import main

ENTRY = """\
# Sigmoid

```derive
symbols: x
s = 1/(1 + exp(-x))
d/dx: exp(-x)/(1 + exp(-x))^2
= s (1 - s)
```
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STUDYBUDDY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "home" / "diary").mkdir(parents=True)
    return tmp_path / "home"


def entry(home: Path, text: str) -> Path:
    path = home / "diary" / "2025-07-06.md"
    path.write_bytes(text.encode("utf-8"))
    return path


def test_a_right_derivation_exits_0_each_line_marked_at_its_line_of_the_entry(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = entry(home, ENTRY)
    assert main(["diary", "check", "2025-07-06"]) == 0
    out = capsys.readouterr().out
    assert "line 5: • s = 1/(1 + exp(-x))" in out
    assert "line 6: ✓ d/dx: exp(-x)/(1 + exp(-x))^2  (proved equal)" in out
    assert "Derivation 1: ✓ every line holds (3 marked)" in out
    assert path.read_bytes() == ENTRY.encode("utf-8")


@pytest.mark.parametrize(
    ("block", "said"),
    [
        ("```derive\nsymbols: x\nx^2\n= x^3\n```\n", "✗ = x^3"),
        ("```derive\nsymbols: p:probabilty\np\n```\n", "did you mean probability?"),
        ("```derive\nsymbols: x\nx^2\nd/dq: 2q\n```\n", "✗ d/dq: 2q"),
        ("```derive\nx^2\n= __import__('os').system('touch pwned')\n```\n", "line 5: !"),
        ("```derive\nx\n= x + 0\n", "never closed"),
        ("```derive\nx^2\n= \x1b[2Jx^2\n```\n", "line"),
    ],
)
def test_a_bad_block_exits_1_says_what_and_where_and_changes_nothing(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], block: str, said: str, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = "# Day\n\n" + block
    path = entry(home, text)
    assert main(["diary", "check", "2025-07-06"]) == 1
    captured = capsys.readouterr()
    assert said in captured.out and "Traceback" not in captured.err
    assert path.read_bytes() == text.encode("utf-8")
    assert not (tmp_path / "pwned").exists()


def test_an_entry_without_blocks_or_a_missing_day_says_so(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entry(home, "# Day\n\nno derivations today\n")
    assert main(["diary", "check", "2025-07-06"]) == 0
    assert "no ```derive blocks" in capsys.readouterr().out
    assert main(["diary", "check", "2025-07-01"]) == 1
    assert "no entry for 2025-07-01" in capsys.readouterr().out
