"""HTML views read what a user posts through Django forms, never by hand (checked on the source).

A view binds `request.POST` (and `request.FILES`) to a form as a whole; the form types and
shapes the input, the service decides. Reading `request.POST["x"]`, `request.POST.get("x")`,
`.getlist`, `.items()` or `.dict()` in a view module is hand parsing."""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DOMAIN_APPS = (
    "core",
    "factories",
    "inventory",
    "orders",
    "production",
    "devices",
    "payroll",
    "dashboards",
)
POSTED = {"POST", "FILES"}

# View modules that still parse by hand. An entry that no longer matches anything fails too,
# so the list only shrinks.
HAND_PARSING_ALLOWED: set[str] = set()


def html_view_modules() -> Iterator[tuple[str, Path]]:
    """views.py and *_views.py of every domain app, anywhere but in its API package."""
    for app in DOMAIN_APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if {"api", "migrations"} & set(relative.parts[:-1]):
                continue
            if path.name == "views.py" or path.name.endswith("_views.py"):
                yield relative.as_posix(), path


def _is_posted(node: ast.AST) -> bool:
    """`request.POST` or `request.FILES` (whatever the request is called)."""
    return isinstance(node, ast.Attribute) and node.attr in POSTED


class HandParsing(ast.NodeVisitor):
    """Lines where a view reads posted data itself: `request.POST[...]` or `request.POST.x`."""

    def __init__(self) -> None:
        self.found: list[int] = []

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if _is_posted(node.value):
            self.found.append(node.lineno)
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if _is_posted(node.value):
            self.found.append(node.lineno)
        self.generic_visit(node)


def hand_parsing_in(source: str) -> list[int]:
    finder = HandParsing()
    finder.visit(ast.parse(source))
    return finder.found


def test_the_check_sees_each_way_of_reading_by_hand_and_allows_binding_a_form():
    source = """
def view(request):
    a = request.POST["a"]
    b = request.POST.get("b", "")
    c = request.POST.getlist("c")
    d = [k for k, v in request.POST.items()]
    e = request.FILES.get("file")
    form = Form(request.POST or None, request.FILES or None)
    other = Form(request.POST if "other" in request.POST else None)
"""
    assert hand_parsing_in(source) == [3, 4, 5, 6, 7]


def test_html_views_read_posted_data_through_forms_only():
    offences, unused = {}, set(HAND_PARSING_ALLOWED)
    modules = dict(html_view_modules())
    assert {"production/views.py", "production/order_views.py", "inventory/views.py"} <= set(
        modules
    )
    for relative, path in modules.items():
        lines = hand_parsing_in(path.read_text(encoding="utf-8"))
        if relative in HAND_PARSING_ALLOWED:
            if lines:
                unused.discard(relative)
        elif lines:
            offences[relative] = lines
    assert offences == {}, "bind request.POST to a form (core.forms.PageForm) instead"
    assert unused == set(), "these modules use forms now: remove them from the allow-list"
