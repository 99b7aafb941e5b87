"""Symbols declared in one line, as a learner writes them above a derivation: ``x, p:probability, n:integer``
(a name, optionally ``:`` and its domain; commas or spaces between). The scratchpad's symbols box and a
diary's ```` ```derive ```` block (its first line, ``symbols: ...``) read them here. SymPy-free.

Every name a line uses that is not declared is still a real variable (as ``studybuddy derive`` without
``--var``): declaring gives a name its domain.
"""

from __future__ import annotations

import difflib
import re

from studybuddy.core.derivation.model import DOMAIN_NAMES, DerivationContext
from studybuddy.core.mathexpr.names import RESERVED_NAMES, is_well_formed_name

MAX_DECLARED = 100
_ENTRY = re.compile(r"\s*([^\s,:]+)\s*(?::\s*([^\s,:]*))?\s*(?:,|\s|\Z)")


def read_declarations(text: str) -> tuple[DerivationContext, str | None]:
    """The context the declarations give, and what is wrong with them (None: nothing). A wrong entry
    is left out and named, with where it is (the rest still applies)."""
    variables: dict[str, str] = {}
    problems: list[str] = []
    at = 0
    text = text.strip()
    while at < len(text) and len(variables) <= MAX_DECLARED:
        match = _ENTRY.match(text, at)
        if match is None or match.end() == at:
            problems.append(
                f"cannot read {text[at : at + 20]!r} (column {at + 1}): write NAME or NAME:DOMAIN"
            )
            break
        name, domain = match[1], match[2]
        column = match.start(1) + 1
        at = match.end()
        if not is_well_formed_name(name) or name in RESERVED_NAMES:
            problems.append(f"{name!r} (column {column}) is not a name a variable can have")
            continue
        if domain is None or domain == "":
            if domain == "":
                problems.append(
                    f"{name}: (column {column}) names no domain; write {name} for a real variable"
                )
                continue
            domain = "real"
        if domain not in DOMAIN_NAMES:
            close = difflib.get_close_matches(domain, DOMAIN_NAMES, n=1)
            hint = f"did you mean {close[0]}?" if close else f"one of: {', '.join(DOMAIN_NAMES)}"
            problems.append(f"unknown domain {domain!r} for {name} (column {column}): {hint}")
            continue
        variables[name] = domain
    if len(variables) > MAX_DECLARED:
        problems.append(f"at most {MAX_DECLARED} symbols can be declared")
    context = DerivationContext(
        tuple((name, domain, None) for name, domain in list(variables.items())[:MAX_DECLARED]), infer=True
    )
    return context, "; ".join(problems) or None
