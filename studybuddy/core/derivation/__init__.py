"""Derivations a learner writes, marked line by line (issue 11).

``lines`` reads the line syntax (SymPy-free), ``marks`` is what a line is told (plain data), ``engine``
reads the lines in order and judges each against what it continues, and ``slips`` says why a wrong
line is wrong. The grading worker runs ``engine.mark_line`` one line per request.
"""
