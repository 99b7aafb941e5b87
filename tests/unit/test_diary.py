"""Diary entries: front matter, #tags, appending lines, and the search query language and index."""

import json
from datetime import date
from pathlib import Path

import pytest

from studybuddy.core.dates import DateError
from studybuddy.core.diary import DiaryEntry, append_line, merge_below, words
from studybuddy.core.diary_search import DiaryIndex, DiaryQuery, parse_query, snippet

DAY = date(2025, 7, 6)
TODAY = date(2025, 7, 9)

OBSIDIAN_NOTE = """---
tags: [ML, calculus]
mood: good   # a comment the app must never drop
---
# Softmax day

Derived the softmax Jacobian #backprop and #ml/gradients.
See https://example.org/page#section and &#35; and C# code, and issue #42.
Inline `#not-a-tag` code.

```python
x = 1  # comment #also-not-a-tag
```
"""


def test_front_matter_is_read_and_the_text_is_kept_as_written() -> None:
    entry = DiaryEntry(DAY, OBSIDIAN_NOTE)
    assert entry.front_matter["tags"] == ["ML", "calculus"]
    assert entry.body.startswith("# Softmax day")
    assert entry.text == OBSIDIAN_NOTE


def test_tags_come_from_front_matter_and_prose_but_not_code_headings_urls_or_numbers() -> None:
    entry = DiaryEntry(DAY, OBSIDIAN_NOTE)
    assert entry.tags == ("ml", "calculus", "backprop", "ml/gradients")


def test_front_matter_tags_may_be_one_string() -> None:
    assert DiaryEntry(DAY, "---\ntags: ml, linear-algebra\n---\nhi\n").tags == ("ml", "linear-algebra")


def test_broken_front_matter_is_reported_not_fatal() -> None:
    entry = DiaryEntry(DAY, "---\ntags: [unclosed\n---\nbody #kept\n")
    assert entry.front_matter == {}
    assert entry.front_matter_problem is not None and "not valid YAML" in entry.front_matter_problem
    assert entry.tags == ("kept",)


def test_a_rule_later_in_the_text_is_not_front_matter() -> None:
    entry = DiaryEntry(DAY, "intro\n---\ntags: [x]\n---\n")
    assert entry.front_matter == {}
    assert entry.body == entry.text


def test_append_line_adds_exactly_one_line_break() -> None:
    assert append_line("", "- 09:00 a") == "- 09:00 a\n"
    assert append_line("# Day\n\n\n", "- 09:00 a") == "# Day\n- 09:00 a\n"
    assert append_line("# Day", "- 09:00 a") == "# Day\n- 09:00 a\n"


def test_merge_below_keeps_the_existing_text_first() -> None:
    merged = merge_below("mine\n", "imported\n", "*Imported*")
    assert merged == "mine\n\n---\n\n*Imported*\n\nimported\n"


def index_of(**texts: str) -> DiaryIndex:
    index = DiaryIndex()
    for name, text in texts.items():
        index.put(DiaryEntry(date.fromisoformat(name.removeprefix("d").replace("_", "-")), text))
    return index


def test_words_match_by_prefix_and_all_must_appear() -> None:
    index = index_of(
        d2025_07_01="Backpropagation through softmax",
        d2025_07_02="Softmax only",
        d2025_07_03="backprop again, with the chain rule",
    )
    assert index.search(parse_query("backprop", TODAY)) == [date(2025, 7, 3), date(2025, 7, 1)]
    assert index.search(parse_query("backprop softmax", TODAY)) == [date(2025, 7, 1)]
    assert index.search(parse_query('"chain rule"', TODAY)) == [date(2025, 7, 3)]
    assert index.search(parse_query("nothing-like-this", TODAY)) == []


def test_tags_and_nested_tags() -> None:
    index = index_of(d2025_07_01="#ml/backprop day", d2025_07_02="#ml plain", d2025_07_03="#mlops")
    assert index.search(parse_query("#ml", TODAY)) == [date(2025, 7, 2), date(2025, 7, 1)]
    assert index.search(parse_query("#ml/backprop", TODAY)) == [date(2025, 7, 1)]


def test_date_ranges_months_and_relative_dates() -> None:
    index = index_of(d2025_06_30="loss", d2025_07_01="loss", d2025_07_08="loss")
    assert index.search(parse_query("loss 2025-07", TODAY)) == [date(2025, 7, 8), date(2025, 7, 1)]
    assert index.search(parse_query("loss from:2025-07-02", TODAY)) == [date(2025, 7, 8)]
    assert index.search(parse_query("to:2025-06-30", TODAY)) == [date(2025, 6, 30)]
    assert index.search(parse_query("2025-06-30..2025-07-01", TODAY)) == [date(2025, 7, 1), date(2025, 6, 30)]
    assert index.search(parse_query('from:"last monday"', TODAY)) == [date(2025, 7, 8)]
    assert index.search(parse_query("on:yesterday", TODAY)) == [date(2025, 7, 8)]


def week_of_backprop() -> DiaryIndex:
    return index_of(
        d2025_06_30="#backprop an older week",
        d2025_07_01="last monday I saw the last epoch; may work",
        d2025_07_07="#backprop sigmoid",
        d2025_07_08="#backprop softmax",
        d2025_07_09="#backprop chain rule",
    )


@pytest.mark.parametrize(
    ("query", "found"),
    [
        # A date in words, outside quotes, is a date: since that day (a search looks back from today).
        ("#backprop last monday", [date(2025, 7, 9), date(2025, 7, 8), date(2025, 7, 7)]),
        ("#backprop today", [date(2025, 7, 9)]),
        ("#backprop yesterday", [date(2025, 7, 9), date(2025, 7, 8)]),
        ("#backprop 2 days ago", [date(2025, 7, 9), date(2025, 7, 8), date(2025, 7, 7)]),
        ("#backprop monday", [date(2025, 7, 9), date(2025, 7, 8), date(2025, 7, 7)]),
        # A calendar date is that day.
        ("#backprop July 7, 2025", [date(2025, 7, 7)]),
    ],
)
def test_a_date_written_in_words_is_a_date_not_words(query: str, found: list[date]) -> None:
    assert week_of_backprop().search(parse_query(query, TODAY)) == found


@pytest.mark.parametrize("query", ['"last monday"', "last epoch", "may"])
def test_words_that_only_look_like_dates_are_searched_as_words(query: str) -> None:
    """Quoted, or not a whole date ("last epoch", "may"): the words are searched for, as before."""
    assert week_of_backprop().search(parse_query(query, TODAY)) == [date(2025, 7, 1)]


def test_a_changed_entry_is_reindexed_and_a_removed_one_forgotten() -> None:
    index = index_of(d2025_07_01="softmax")
    index.put(DiaryEntry(date(2025, 7, 1), "sigmoid"))
    assert index.search(parse_query("softmax", TODAY)) == []
    assert index.search(parse_query("sigmoid", TODAY)) == [date(2025, 7, 1)]
    index.remove(date(2025, 7, 1))
    assert index.search(parse_query("sigmoid", TODAY)) == []


def test_bad_dates_in_a_query_are_clear_errors() -> None:
    with pytest.raises(DateError, match="February 2025 has no day 30"):
        parse_query("from:2025-02-30", TODAY)
    with pytest.raises(DateError, match="cannot read the search"):
        parse_query('"unclosed', TODAY)


def test_punctuated_terms_are_matched_as_typed() -> None:
    query = parse_query("w.r.t dz[label]", TODAY)
    assert query == DiaryQuery(phrases=("w.r.t", "dz[label]"))


def test_snippet_shows_the_line_with_the_match() -> None:
    entry = DiaryEntry(DAY, "first line\nthe softmax Jacobian\n")
    assert snippet(entry, parse_query("jacobian", TODAY)) == "the softmax Jacobian"


def test_a_dumped_index_loads_back_and_answers_the_same() -> None:
    index = index_of(
        d2025_07_01="---\ntags: [ml]\n---\nBackpropagation through softmax #calculus",
        d2025_07_02="Don’t forget the chain rule #ml/backprop",
    )
    loaded = DiaryIndex.load(json.loads(json.dumps(index.dump())))
    for text in ["backprop", "#ml", "#calculus", "don't", '"chain rule"', "soft 2025-07-01", "nothing"]:
        assert loaded.search(parse_query(text, TODAY)) == index.search(parse_query(text, TODAY)), text
    assert loaded.entry(date(2025, 7, 1)).tags == ("ml", "calculus")
    loaded.remove(date(2025, 7, 1))  # a loaded index is updated like a built one
    loaded.put(DiaryEntry(date(2025, 7, 2), "sigmoid"))
    assert loaded.search(parse_query("backprop", TODAY)) == []
    assert loaded.search(parse_query("sigm", TODAY)) == [date(2025, 7, 2)]


@pytest.mark.parametrize(
    "damaged",
    [
        None,
        [],
        {"entries": []},
        {"entries": [[739438, "text"]], "words": {}},
        {"entries": [["2025-07-01", "text", []]], "words": {}},
        {"entries": [[739438, "text", [3]]], "words": {}},
        {"entries": [[739438, "text", []]], "words": {"text": [739439]}},  # a day that is not an entry
        {"entries": [[739438, "text", []]], "words": {"text": "739438"}},
        {"entries": [[739438, "text", []]], "words": {"text": [[739438]]}},
        {"entries": [[10**9, "text", []]], "words": {}},
    ],
)
def test_loading_anything_but_a_dumped_index_is_a_value_error(damaged: object) -> None:
    with pytest.raises(ValueError):
        DiaryIndex.load(damaged)


def test_words_and_tags_of_tricky_text() -> None:
    text = (
        "Don’t mix snake_case, naïve Über-words; x''y. #ml/ops- (#c2) `#code` ~~~\n~~~\n#in-code\n~~~\n#after"
    )
    assert words(text) == {"don't", "mix", "snake", "case", "naïve", "über", "words", "x", "y", "ml", "ops",
                           "c2", "code", "in", "after"}  # fmt: skip
    assert DiaryEntry(DAY, text).tags == ("ml/ops", "c2", "after")


@pytest.mark.parametrize(
    ("front_matter", "problem"),
    [
        ("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", "anchors, aliases or tags"),
        ("x: !!python/object/apply:os.system ['touch /tmp/sb-pwned']\n", "anchors, aliases or tags"),
        ("x: " + "[" * 30_000 + "]" * 30_000 + "\n", "nested more than 32 levels"),
        ("x: '" + "a" * 70_000 + "'\n", "over 64 KiB"),
    ],
    ids=["alias bomb", "python tag", "30,000 brackets", "huge"],
)
def test_hostile_front_matter_is_kept_as_written_and_never_loaded(front_matter: str, problem: str) -> None:
    entry = DiaryEntry(date(2025, 7, 6), f"---\n{front_matter}---\nsoftmax #ml\n")
    assert entry.front_matter == {}
    assert entry.front_matter_problem is not None and problem in entry.front_matter_problem
    assert entry.body == "softmax #ml\n" and entry.tags == ("ml",)
    assert not Path("/tmp/sb-pwned").exists()


class _StrictLibyamlLoader:
    """A fast loader as a PyYAML release may ship it: it refuses nesting beyond its own limit, in words
    of its own, before handing out a single token (as libyaml's scanner does)."""

    limit = 40

    def __new__(cls, text: str):
        import yaml

        depth = 0
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
                depth += 1
                if depth > cls.limit:
                    raise yaml.scanner.ScannerError(None, None, "some new wording", token.start_mark)
            elif isinstance(token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)):
                depth -= 1
        return yaml.SafeLoader(text)


@pytest.mark.parametrize("libyaml_limit", [None, 1000, 40], ids=["installed", "at 1,000", "at 40"])
def test_front_matter_nesting_meets_our_limit_whatever_pyyaml_does(
    libyaml_limit: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    from studybuddy.core import diary

    if libyaml_limit is not None:
        monkeypatch.setattr(_StrictLibyamlLoader, "limit", libyaml_limit)
        monkeypatch.setattr(diary, "_yaml", lambda: (yaml, _StrictLibyamlLoader))
    entry = DiaryEntry(DAY, "---\nx: " + "[" * 30_000 + "]" * 30_000 + "\n---\nsoftmax #ml\n")
    assert entry.front_matter_problem == (
        "front matter is nested more than 32 levels deep; it is kept as written"
    )
    assert entry.tags == ("ml",)


@pytest.mark.parametrize(
    "value",
    ["2025-13-45", "2025-02-30", "2025-02-03 25:61:61", "2025-02-03T10:00:00+99:00", "9" * 5_000],
    ids=["month 13", "30 February", "25:61:61", "+99:00", "5,000 digits"],
)
def test_front_matter_with_an_impossible_value_is_kept_as_written(value: str) -> None:
    entry = DiaryEntry(DAY, f"---\ncreated: {value}\ntags: [ml]\n---\nsoftmax #backprop\n")
    assert entry.front_matter == {}
    problem = entry.front_matter_problem
    assert problem is not None and problem.startswith("front matter holds a value that cannot be read")
    assert problem.endswith("it is kept as written")
    assert entry.body == "softmax #backprop\n" and entry.tags == ("backprop",)
