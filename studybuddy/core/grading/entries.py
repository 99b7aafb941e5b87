"""Matrix and vector expressions written out entry by entry, each entry a scalar of scalar symbols.

The grader compares scalars: sampling, proof, the second look at probing.py's points and the
high-precision confirmation all take scalar expressions. So a matrix answer is compared entry by entry
through the same code: every entry of a declared matrix ``W`` becomes a scalar symbol named ``W[i,j]``
(0-based; no declared variable can have that name, so ``W[0,0]`` never meets a lesson's own ``W11``)
with ``W``'s domain, and products, sums, transposes, Kronecker and Hadamard products, inverses and
determinants are carried out on those entries. Scalars with matrix parts (``dot``, ``sum``, ``norm``,
``trace``, ``det``) become scalars of the entry symbols in the same way.

The entries are built directly, without simplifying (SymPy's own ``as_explicit`` takes over 100 ms for
a 3x3 product, and seconds for a 3x3 inverse); ``MAX_TERMS`` bounds the work, and an expression that
would need more (a product of 30x30 matrices), entries too large to walk in time (MAX_SIZE: the
inverse of a 5x5 matrix times another), or a matrix operation not written out here, raises
``NotWritable``: the caller compares such matrices numerically instead (matrices.py).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr

from studybuddy.core.mathexpr import Domain, SymbolTable, Variable

MAX_TERMS = 2000  # products and sums built at most (a 10x10 matrix product is 1,100)
MAX_SIZE = 5000  # nodes in all entries' trees (a 10x10 product: 3,100; inv(M) B for a 5x5 M: 80,000)
MAX_DETERMINANT = 5  # inverses and determinants are written out up to 5x5 (120 terms of 5 factors)

Grid = list[list[sympy.Basic]]


class NotWritable(Exception):
    """The expression is too large to write out entry by entry, or uses an operation this module lacks."""


@dataclass(frozen=True)
class Explicit:
    """An expression's entries (row-major; a scalar is 1 x 1) and the domain of each symbol in them."""

    rows: int
    cols: int
    entries: tuple[sympy.Basic, ...]
    domains: tuple[tuple[sympy.Symbol, Domain], ...]  # every free symbol of the entries, by name


def is_matrix_valued(expr: sympy.Basic) -> bool:
    """A matrix or vector expression, or a scalar with matrix parts (``dot``, ``trace``, an entry)."""
    return isinstance(expr, sympy.MatrixBase | MatrixExpr) or any(
        isinstance(symbol, sympy.MatrixSymbol) for symbol in expr.free_symbols
    )


def entry_name(rows: int, cols: int, index: int) -> str:
    """How a person reads entry ``index`` (row-major) of a rows x cols result: (2, 1), or 2 in a vector."""
    row, col = divmod(index, cols)
    if rows == 1 or cols == 1:
        return f"entry {index + 1}"
    return f"entry ({row + 1}, {col + 1})"


@lru_cache(maxsize=128)
def explicit(expr: sympy.Basic, variables: tuple[Variable, ...]) -> Explicit:
    """``expr`` entry by entry, over ``variables`` (a SymbolTable's); NotWritable when it cannot be.
    Cached: a question's expected answer is written out once."""
    writer = _Writer(SymbolTable(variables))
    try:
        is_matrix = isinstance(expr, sympy.MatrixBase | MatrixExpr)
        grid = writer.matrix(expr) if is_matrix else [[writer.scalar(expr)]]
    except (TypeError, ValueError, IndexError) as error:  # SymPy refused a rebuilt node
        raise NotWritable(f"{type(error).__name__}: {error}") from None
    entries = tuple(entry for row in grid for entry in row)
    # Every later step walks each entry's tree (shared parts once per entry): bound the total size.
    sizes: dict[sympy.Basic, int] = {}
    if sum(_tree_size(entry, sizes) for entry in entries) > MAX_SIZE:
        raise NotWritable(f"more than {MAX_SIZE} nodes entry by entry")
    symbols: set[sympy.Symbol] = set()
    for entry in entries:
        symbols |= entry.free_symbols
    domains = tuple((s, writer.domain(s)) for s in sorted(symbols, key=lambda s: s.name))
    return Explicit(len(grid), len(grid[0]) if grid else 0, entries, domains)


class _Writer:
    """One expression written out (sub-expressions met twice are written once)."""

    def __init__(self, table: SymbolTable) -> None:
        self.table = table
        self.terms = 0
        self.grids: dict[sympy.Basic, Grid] = {}
        self.scalars: dict[sympy.Basic, sympy.Basic] = {}
        self.entry_domains: dict[sympy.Symbol, Domain] = {}

    def domain(self, symbol: sympy.Symbol) -> Domain:
        if symbol in self.entry_domains:
            return self.entry_domains[symbol]
        try:
            return Domain(self.table.variable_of(symbol).domain)  # a Variable may hold the plain string
        except KeyError:  # a symbol SymPy made (a summation index): assume what SymPy assumes
            return Domain.REAL if symbol.is_real else Domain.COMPLEX

    def _count(self, terms: int) -> None:
        self.terms += terms
        if self.terms > MAX_TERMS:
            raise NotWritable(f"more than {MAX_TERMS} terms entry by entry")

    # --- scalars --------------------------------------------------------------------------------------

    def scalar(self, expr: sympy.Basic) -> sympy.Basic:
        """A scalar with every matrix part (an entry, a trace, a determinant) written out."""
        known = self.scalars.get(expr)
        if known is not None:
            return known
        if isinstance(expr, MatrixElement):
            grid = self.matrix(expr.parent)
            value = grid[int(expr.i)][int(expr.j)]
        elif isinstance(expr, sympy.Trace):
            grid = self.matrix(expr.arg)
            self._count(len(grid))
            value = sympy.Add(*(grid[i][i] for i in range(len(grid))))
        elif isinstance(expr, sympy.Determinant):
            value = self._determinant(self.matrix(expr.arg))
        elif isinstance(expr, MatrixExpr | sympy.MatrixBase):
            raise NotWritable(f"a matrix where a scalar belongs ({type(expr).__name__})")
        elif not expr.args or not any(isinstance(s, sympy.MatrixSymbol) for s in expr.free_symbols):
            value = expr
        else:
            value = expr.func(*(self.scalar(arg) for arg in expr.args))
        self.scalars[expr] = value
        return value

    # --- matrices -------------------------------------------------------------------------------------

    def matrix(self, expr: sympy.Basic) -> Grid:
        known = self.grids.get(expr)
        if known is None:
            known = self.grids[expr] = self._matrix(expr)
        return known

    def _matrix(self, expr: sympy.Basic) -> Grid:
        rows, cols = (int(n) for n in expr.shape)
        if rows * cols > MAX_TERMS:
            raise NotWritable(f"a {rows}x{cols} matrix has more than {MAX_TERMS} entries")
        if isinstance(expr, sympy.MatrixSymbol):
            return self._symbol(expr)
        if isinstance(expr, sympy.MatrixBase):
            return [[self.scalar(expr[i, j]) for j in range(cols)] for i in range(rows)]
        if isinstance(expr, sympy.Identity):
            return [[sympy.S.One if i == j else sympy.S.Zero for j in range(cols)] for i in range(rows)]
        if isinstance(expr, sympy.ZeroMatrix | sympy.OneMatrix):
            fill = sympy.S.Zero if isinstance(expr, sympy.ZeroMatrix) else sympy.S.One
            return [[fill] * cols for _ in range(rows)]
        if isinstance(expr, sympy.MatAdd):
            return self._entrywise(sympy.Add, [self.matrix(arg) for arg in expr.args])
        if isinstance(expr, sympy.HadamardProduct):
            return self._entrywise(sympy.Mul, [self.matrix(arg) for arg in expr.args])
        if isinstance(expr, sympy.MatMul):
            return self._product(expr)
        if isinstance(expr, sympy.Transpose):
            return _transposed(self.matrix(expr.arg))
        if isinstance(expr, sympy.Adjoint):
            return [[sympy.conjugate(entry) for entry in row] for row in _transposed(self.matrix(expr.arg))]
        if isinstance(expr, sympy.KroneckerProduct):
            grids = [self.matrix(arg) for arg in expr.args]
            result = grids[0]
            for grid in grids[1:]:
                result = self._kronecker(result, grid)
            return result
        if isinstance(expr, sympy.Inverse):
            return self._inverse(self.matrix(expr.arg))
        if isinstance(expr, sympy.MatPow):
            return self._power(expr)
        if isinstance(expr, sympy.DiagMatrix):
            vector = [entry for row in self.matrix(expr.args[0]) for entry in row]
            return [[vector[i] if i == j else sympy.S.Zero for j in range(cols)] for i in range(rows)]
        if isinstance(expr, sympy.DiagonalOf):
            grid = self.matrix(expr.arg)
            return [[grid[i][i]] for i in range(rows)]
        raise NotWritable(f"{type(expr).__name__} is not written out entry by entry")

    def _symbol(self, matrix: sympy.MatrixSymbol) -> Grid:
        try:
            domain = Domain(self.table.variable_of(matrix).domain)
        except KeyError:
            domain = Domain.REAL
        rows, cols = (int(n) for n in matrix.shape)
        grid = [[entry_symbol(matrix.name, i, j, domain) for j in range(cols)] for i in range(rows)]
        for row in grid:
            for symbol in row:
                self.entry_domains[symbol] = domain
        return grid

    def _entrywise(self, combine: type[sympy.Add] | type[sympy.Mul], grids: list[Grid]) -> Grid:
        rows, cols = len(grids[0]), len(grids[0][0])
        self._count(rows * cols)
        return [[combine(*(grid[i][j] for grid in grids)) for j in range(cols)] for i in range(rows)]

    def _product(self, expr: sympy.MatMul) -> Grid:
        scalars = [self.scalar(arg) for arg in expr.args if not isinstance(arg, MatrixExpr)]
        grids = [self.matrix(arg) for arg in expr.args if isinstance(arg, MatrixExpr)]
        result = grids[0]
        for grid in grids[1:]:
            result = self._times(result, grid)
        if scalars:
            coefficient = sympy.Mul(*scalars)
            self._count(len(result) * len(result[0]))
            result = [[coefficient * entry for entry in row] for row in result]
        return result

    def _times(self, left: Grid, right: Grid) -> Grid:
        inner, rows, cols = len(right), len(left), len(right[0])
        self._count(rows * cols * (inner + 1))
        return [
            [sympy.Add(*(left[i][k] * right[k][j] for k in range(inner))) for j in range(cols)]
            for i in range(rows)
        ]

    def _kronecker(self, left: Grid, right: Grid) -> Grid:
        rows, cols = len(right), len(right[0])
        self._count(len(left) * len(left[0]) * rows * cols)
        return [
            [left[i // rows][j // cols] * right[i % rows][j % cols] for j in range(len(left[0]) * cols)]
            for i in range(len(left) * rows)
        ]

    def _power(self, expr: sympy.MatPow) -> Grid:
        base, exponent = expr.args
        if not exponent.is_Integer:
            raise NotWritable("a matrix to a power that is not a whole number")
        grid = self.matrix(base)
        size = len(grid)
        if exponent < 0:
            grid = self._inverse(grid)
        result = [[sympy.S.One if i == j else sympy.S.Zero for j in range(size)] for i in range(size)]
        for _ in range(abs(int(exponent))):
            result = self._times(result, grid)
        return result

    def _determinant(self, grid: Grid) -> sympy.Basic:
        size = len(grid)
        if size > MAX_DETERMINANT:
            raise NotWritable(f"a {size}x{size} determinant is not written out")
        if size == 1:
            return grid[0][0]
        self._count(math.factorial(size) * size)
        terms = []
        for permutation in itertools.permutations(range(size)):
            sign = _parity(permutation)
            terms.append(sign * sympy.Mul(*(grid[i][permutation[i]] for i in range(size))))
        return sympy.Add(*terms)

    def _inverse(self, grid: Grid) -> Grid:
        """The adjugate over the determinant (each cofactor a smaller determinant)."""
        size = len(grid)
        determinant = self._determinant(grid)
        if size == 1:
            return [[1 / determinant]]
        cofactors = [
            [
                (-1) ** (i + j)
                * self._determinant([row[:j] + row[j + 1 :] for k, row in enumerate(grid) if k != i])
                for j in range(size)
            ]
            for i in range(size)
        ]
        return [[cofactors[j][i] / determinant for j in range(size)] for i in range(size)]


def _tree_size(expr: sympy.Basic, sizes: dict[sympy.Basic, int]) -> int:
    """The number of nodes in ``expr``'s tree, counting a shared part each time it appears (as a walk
    does), in time proportional to the distinct parts (``sizes`` remembers them)."""
    known = sizes.get(expr)
    if known is None:
        known = sizes[expr] = 1 + sum(_tree_size(arg, sizes) for arg in expr.args)
    return known


def _transposed(grid: Grid) -> Grid:
    return [list(column) for column in zip(*grid, strict=True)]


def _parity(permutation: tuple[int, ...]) -> int:
    pairs = itertools.combinations(range(len(permutation)), 2)
    inversions = sum(1 for i, j in pairs if permutation[i] > permutation[j])
    return -1 if inversions % 2 else 1


@lru_cache(maxsize=8192)
def entry_symbol(name: str, row: int, col: int, domain: Domain) -> sympy.Symbol:
    """The scalar symbol for entry (row, col) of matrix ``name``, with what SymPy may assume of its
    domain (the same as a declared scalar of that domain)."""
    return sympy.Symbol(f"{name}[{row},{col}]", **_assumptions(domain))


@lru_cache(maxsize=16)
def _assumptions(domain: Domain) -> dict[str, bool]:
    return dict(SymbolTable([Variable("v", domain)]).symbol("v").assumptions0)
