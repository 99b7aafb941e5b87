"""No private Textual name outside studybuddy/ui/textual_internals.py, the one door to Textual's internals.

A private Textual name is any ``_name`` that the installed Textual's own source defines as a method or
assigns as an attribute. Read or written on a Textual object (``app._notifications``), overridden in a
subclass of a Textual class (``def _init_mode``), or reused there for an attribute of our own
(``self._title`` on a screen, which shadows or is shadowed by Textual's), it ties the code to Textual's
internals: it belongs in the door module, where each use has a test against the installed release, or
it gets another name. Private Textual modules (``textual._ansi_theme``) and private names imported from
Textual count too. Our own classes' private attributes (``self._lock`` on a service) are ours.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import textual

ROOT = Path(__file__).resolve().parent.parent
DOOR = ROOT / "studybuddy" / "ui" / "textual_internals.py"
SCANNED = (ROOT / "studybuddy", ROOT / "tests")


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def textual_private_names() -> frozenset[str]:
    """Every ``_name`` a class of the installed Textual defines as a method or any of its code assigns
    as an attribute (``self._x = ...``, a class-level ``_x = ...``)."""
    names: set[str] = set()
    for path in Path(textual.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        names.add(item.name)
                    for target in _assigned(item):
                        if isinstance(target, ast.Name):
                            names.add(target.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
    return frozenset(name for name in names if _is_private(name))


def _assigned(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        return list(node.targets)
    if isinstance(node, ast.AnnAssign | ast.AugAssign):
        return [node.target]
    return []


@dataclass
class Module:
    path: Path
    tree: ast.Module
    imports: dict[str, str] = field(default_factory=dict)  # local name -> module it comes from

    @classmethod
    def parse(cls, path: Path, text: str | None = None) -> Module:
        module = cls(path, ast.parse(text if text is not None else path.read_text(encoding="utf-8")))
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    module.imports[alias.asname or alias.name.split(".")[0]] = alias.name
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    module.imports[alias.asname or alias.name] = node.module
        return module

    def from_textual(self, name: str) -> bool:
        return self.imports.get(name, "").split(".")[0] == "textual"


def textual_classes(modules: list[Module]) -> set[str]:
    """Names of the classes (in ``modules``) that derive from a Textual class, directly or through
    one of ours; by simple name, so a name defined twice counts as Textual if either is."""
    found: set[str] = set()
    classes = [
        (module, node)
        for module in modules
        for node in ast.walk(module.tree)
        if isinstance(node, ast.ClassDef)
    ]
    changed = True
    while changed:
        changed = False
        for module, node in classes:
            if node.name not in found and any(_textual_base(module, base, found) for base in node.bases):
                found.add(node.name)
                changed = True
    return found


def _textual_base(module: Module, base: ast.expr, found: set[str]) -> bool:
    while isinstance(base, ast.Subscript):  # DataTable[str], Screen[None]
        base = base.value
    if isinstance(base, ast.Name):
        return module.from_textual(base.id) or base.id in found
    root = base
    while isinstance(root, ast.Attribute):
        root = root.value
    return isinstance(root, ast.Name) and module.from_textual(root.id)


def own_private_names(modules: list[Module], textual_subclasses: set[str]) -> set[str]:
    """Private names our classes that are not Textual's define (methods, class attributes, and
    ``self._x = ...`` in their methods): ``grader._lock`` is then read as ours."""
    names: set[str] = set()
    for module in modules:
        for node in ast.walk(module.tree):
            if isinstance(node, ast.ClassDef) and node.name not in textual_subclasses:
                for item in ast.walk(node):
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item in node.body:
                        names.add(item.name)
                    if (
                        isinstance(item, ast.Attribute)
                        and isinstance(item.ctx, ast.Store)
                        and isinstance(item.value, ast.Name)
                        and item.value.id == "self"
                    ):
                        names.add(item.attr)
                    if item in node.body:
                        names.update(t.id for t in _assigned(item) if isinstance(t, ast.Name))
    return {name for name in names if _is_private(name)}


class PrivateUses(ast.NodeVisitor):
    def __init__(self, module: Module, private: frozenset[str], textual_subclasses: set[str], ours: set[str]):
        self.module = module
        self.private = private
        self.textual_subclasses = textual_subclasses
        self.ours = ours
        self.classes: list[ast.ClassDef] = []
        self.found: list[str] = []

    def report(self, node: ast.AST, what: str) -> None:
        where = self.module.path.relative_to(ROOT) if self.module.path.is_absolute() else self.module.path
        self.found.append(f"{where}:{getattr(node, 'lineno', '?')}: {what}")

    def in_textual_class(self) -> bool:
        return bool(self.classes) and self.classes[-1].name in self.textual_subclasses

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if module.split(".")[0] == "textual":
            if any(_is_private(part) for part in module.split(".")):
                self.report(node, f"imports from Textual's private module {module}")
            for alias in node.names:
                if _is_private(alias.name):
                    self.report(node, f"imports Textual's private {alias.name} from {module}")

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            parts = alias.name.split(".")
            if parts[0] == "textual" and any(_is_private(part) for part in parts):
                self.report(node, f"imports Textual's private module {alias.name}")

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node)
        if node.name in self.textual_subclasses:
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name in self.private:
                    self.report(item, f"{node.name}.{item.name}: overrides or shadows Textual's {item.name}")
                for target in _assigned(item):
                    if isinstance(target, ast.Name) and target.id in self.private:
                        self.report(item, f"{node.name}.{target.id}: shadows Textual's {target.id}")
        self.generic_visit(node)
        self.classes.pop()

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.check(node, node.value, node.attr)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        if (
            isinstance(function, ast.Name)
            and function.id in ("getattr", "setattr", "hasattr", "delattr")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            self.check(node, node.args[0], node.args[1].value)
        self.generic_visit(node)

    def check(self, node: ast.AST, receiver: ast.expr, name: str) -> None:
        if name not in self.private:
            return
        if isinstance(receiver, ast.Name) and receiver.id in ("self", "cls") and self.classes:
            if self.in_textual_class():
                self.report(node, f"{self.classes[-1].name}: self.{name} is Textual's {name} (or shadows it)")
            return
        if isinstance(receiver, ast.Name) and receiver.id in self.module.imports:
            if self.module.from_textual(receiver.id):
                self.report(node, f"{receiver.id}.{name}: Textual's private {name}")
            return  # os._exit, a module or class of ours
        if name not in self.ours:
            self.report(node, f".{name}: Textual's private {name}")


def private_uses(modules: list[Module], context: list[Module] | None = None) -> list[str]:
    """Every private Textual name used in ``modules`` (``context``: further modules whose classes may
    be bases, e.g. the door module)."""
    everything = modules + (context or [])
    subclasses = textual_classes(everything)
    ours = own_private_names(everything, subclasses)
    private = textual_private_names()
    found: list[str] = []
    for module in modules:
        visitor = PrivateUses(module, private, subclasses, ours)
        visitor.visit(module.tree)
        found += visitor.found
    return found


def scanned_files() -> Iterator[Path]:
    for folder in SCANNED:
        for path in sorted(folder.rglob("*.py")):
            if "__snapshots__" not in path.parts and path != DOOR:
                yield path


def reaches_textual(module: Module) -> bool:
    """Whether the module can hold a Textual object: it imports Textual or our ui package, or it is a
    TUI test. Core, storage and services never import either (import-linter checks), so a private
    name there is theirs or another library's (SymPy's ``printer._print``), never Textual's."""
    parts = module.path.relative_to(ROOT).parts
    if parts[:2] == ("studybuddy", "ui") or parts[:2] in (("tests", "pilot"), ("tests", "snapshot")):
        return True
    return any(
        source.split(".")[0] == "textual" or source.startswith("studybuddy.ui")
        for source in module.imports.values()
    )


def test_no_private_textual_name_outside_the_door_module() -> None:
    modules = [module for module in map(Module.parse, scanned_files()) if reaches_textual(module)]
    found = private_uses(modules, context=[Module.parse(DOOR)] if DOOR.exists() else [])
    assert not found, (
        f"private Textual {textual.__version__} names outside {DOOR.relative_to(ROOT)} (move the use there, "
        "with a test in tests/pilot/test_textual_internals.py, or rename our attribute):\n" + "\n".join(found)
    )


# ---- the scanner finds what it is meant to find -----------------------------------------------------

FLAGGED = {
    "a Textual object's attribute": """
        def f(app):
            return app._notifications
    """,
    "an override": """
        from textual.app import App
        class A(App):
            def _init_mode(self, mode):
                pass
    """,
    "a handler added to Textual's chain": """
        from textual.screen import Screen
        class S(Screen):
            def _on_screen_resume(self, event):
                pass
    """,
    "our attribute on a Textual subclass": """
        from textual.widgets import Static
        class Base(Static):
            pass
        class Mine(Base):
            def __init__(self):
                self._title = "x"
    """,
    "a class attribute on a Textual subclass": """
        from textual import widgets
        class W(widgets.Static):
            _reveal = False
    """,
    "a private module": "from textual._ansi_theme import MONOKAI",
    "a private name imported": "from textual.app import _PrintCapture",
    "getattr with the name": """
        def f(screen):
            return getattr(screen, "_compositor")
    """,
    "super() call": """
        from textual.app import App
        class A(App):
            def f(self):
                super()._end_batch()
    """,
}
NOT_FLAGGED = {
    "a module's private function": """
        import os
        os._exit(0)
    """,
    "our own class's attribute": """
        class Service:
            def __init__(self):
                self._lock = 1
    """,
    "our own class's attribute read elsewhere": """
        class Service:
            def __init__(self):
                self._lock = 1
        def f(service):
            return service._lock
    """,
    "a module-level function of ours": """
        def _label(x):
            return x
        _label(1)
    """,
    "a public name": """
        def f(app):
            return app.return_code
    """,
}


@pytest.mark.parametrize("code", FLAGGED.values(), ids=FLAGGED.keys())
def test_the_scanner_finds_a_private_use(code: str) -> None:
    assert private_uses([Module.parse(Path("example.py"), textwrap.dedent(code))])


@pytest.mark.parametrize("code", NOT_FLAGGED.values(), ids=NOT_FLAGGED.keys())
def test_the_scanner_leaves_our_own_names_alone(code: str) -> None:
    assert private_uses([Module.parse(Path("example.py"), textwrap.dedent(code))]) == []
