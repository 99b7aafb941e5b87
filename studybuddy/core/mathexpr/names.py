"""The names an expression may use besides its declared variables: functions, constants, Greek letters.

Pure data (no SymPy) so the tokenizer and the symbol table can share it cheaply; builder.py maps each
function name to what it builds.
"""

from __future__ import annotations

import re

# Scalar functions a learner may call. Aliases map to one canonical spelling (the builder's key).
FUNCTION_ALIASES: dict[str, str] = {
    "exp": "exp", "log": "log", "ln": "log", "sqrt": "sqrt", "cbrt": "cbrt", "root": "root",
    "sin": "sin", "cos": "cos", "tan": "tan", "cot": "cot", "sec": "sec", "csc": "csc",
    "asin": "asin", "acos": "acos", "atan": "atan", "acot": "acot", "asec": "asec", "acsc": "acsc",
    "arcsin": "asin", "arccos": "acos", "arctan": "atan", "atan2": "atan2",
    "sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "coth": "coth", "sech": "sech", "csch": "csch",
    "asinh": "asinh", "acosh": "acosh", "atanh": "atanh", "acoth": "acoth", "asech": "asech",
    "acsch": "acsch", "arsinh": "asinh", "arcosh": "acosh", "artanh": "atanh",
    "Abs": "Abs", "abs": "Abs", "sign": "sign", "Max": "Max", "max": "Max", "Min": "Min", "min": "Min",
    "Heaviside": "Heaviside", "floor": "floor", "ceiling": "ceiling", "ceil": "ceiling",
    "factorial": "factorial", "binomial": "binomial",
    "re": "re", "im": "im", "arg": "arg", "conjugate": "conjugate",
    # Calculus written the SymPy way (authors' derivations, the equivalence corpus).
    "diff": "diff", "summation": "summation", "product": "product",
    # Matrix and vector functions (declared shapes).
    "transpose": "transpose", "trace": "trace", "diag": "diag", "dot": "dot", "outer": "outer",
    "kron": "kron", "hadamard": "hadamard", "sum": "sum", "norm": "norm", "det": "det", "inv": "inv",
    "mean": "mean", "matmul": "matmul", "multiply": "multiply",
    "maximum": "maximum", "minimum": "minimum",  # NumPy's elementwise max and min of two arguments
    # What learners write in their code and diaries (sigmoid(z), relu(z), softmax(z) of a vector).
    "sigmoid": "sigmoid", "relu": "relu", "softmax": "softmax",
}  # fmt: skip

# What may follow `np.` or `numpy.` (numpy_names below): only these, each meaning what it means in
# NumPy. Anything else after `np.` is refused by name; the text is never handed to Python.
NUMPY_FUNCTIONS: dict[str, str] = {
    "exp": "exp", "log": "log", "sqrt": "sqrt", "sin": "sin", "cos": "cos", "tan": "tan",
    "tanh": "tanh", "sinh": "sinh", "cosh": "cosh", "arcsin": "asin", "arccos": "acos",
    "arctan": "atan", "abs": "Abs", "absolute": "Abs", "sign": "sign", "floor": "floor",
    "ceil": "ceiling", "heaviside": "Heaviside", "maximum": "maximum", "minimum": "minimum",
    "max": "amax", "min": "amin", "amax": "amax", "amin": "amin", "sum": "sum", "mean": "mean",
    "dot": "dot", "matmul": "matmul", "outer": "outer", "multiply": "multiply", "kron": "kron",
    "transpose": "transpose", "trace": "trace", "diag": "diag",
    "linalg.norm": "norm", "linalg.inv": "inv", "linalg.det": "det",
}  # fmt: skip
NUMPY_CONSTANTS: dict[str, str] = {"pi": "pi", "e": "E", "inf": "oo"}

# Functions of one argument that may be written without parentheses before a single atom: `sin x`,
# `ln 2`, `sin 2x` (see prefix.py). Canonical spellings.
PREFIX_FUNCTIONS = frozenset({
    "exp", "log", "sqrt", "cbrt", "sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan",
    "acot", "asec", "acsc", "sinh", "cosh", "tanh", "coth", "sech", "csch", "asinh", "acosh", "atanh",
    "acoth", "asech", "acsch", "Abs", "sign", "floor", "ceiling", "factorial",
})  # fmt: skip

# Constants: Euler's number, pi, the imaginary unit, infinity.
CONSTANT_ALIASES: dict[str, str] = {"e": "E", "E": "E", "pi": "pi", "I": "I", "oo": "oo"}

# Constants that may be glued to a neighbouring variable (`2pir`, `xe`); `I` and `oo` may not, since
# `xI` or `moo` are far likelier typos than products.
SPLITTABLE_CONSTANTS = frozenset({"e", "E", "pi"})

GREEK_LETTERS: dict[str, str] = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi",
    "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau", "υ": "upsilon",
    "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "ϑ": "theta", "ϕ": "phi", "ϖ": "pi",
    "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma",
    "Υ": "Upsilon", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}  # fmt: skip

# Short spellings people use because `lambda` is a Python keyword, and so on.
GREEK_SHORT_NAMES: dict[str, str] = {"lam": "lambda", "lamda": "lambda", "eps": "epsilon", "Lam": "Lambda"}

RESERVED_NAMES = frozenset(FUNCTION_ALIASES) | frozenset(CONSTANT_ALIASES)

_NAME_PATTERN = re.compile(r"[A-Za-z\u0370-\u03ff][A-Za-z0-9_\u0370-\u03ff]*")


def is_well_formed_name(name: str) -> bool:
    """A variable name is letters (Latin or Greek), then letters, digits or underscores."""
    return _NAME_PATTERN.fullmatch(name) is not None and not name.endswith("_")


def spelled_greek(name: str) -> str:
    """``name`` with its Greek stem spelled out: ``λ``, ``lam`` -> ``lambda``; ``θ_1`` -> ``theta_1``.

    The stem is the name up to the first underscore or digit; a name without a Greek stem is unchanged.
    Two names with the same spelling are the same variable.
    """
    match = re.match(r"[^_0-9]+", name)
    if match is None:
        return name
    stem, rest = match.group(0), name[match.end() :]
    if stem in GREEK_SHORT_NAMES:
        return GREEK_SHORT_NAMES[stem] + rest
    if all(ch in GREEK_LETTERS for ch in stem):
        return "".join(GREEK_LETTERS[ch] for ch in stem) + rest
    return name


def greek_aliases(name: str) -> set[str]:
    """Every way to type the variable ``name``: ``lam`` -> {lam, lambda, lamda, λ}."""
    spelled = spelled_greek(name)
    aliases = {name, spelled}
    match = re.match(r"[^_0-9]+", spelled)
    if match is None:
        return aliases
    stem, rest = match.group(0), spelled[match.end() :]
    aliases.update(short + rest for short, long in GREEK_SHORT_NAMES.items() if long == stem)
    letters = [ch for ch, word in GREEK_LETTERS.items() if word == stem]
    aliases.update(letter + rest for letter in letters)
    return aliases
