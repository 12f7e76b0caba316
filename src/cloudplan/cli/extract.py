"""Babel's extraction of the command line's messages, named in babel.cfg: what `pybabel extract` runs here.

Babel's Python extractor finds the literals given to `_()`, `ngettext()`, `pgettext()`, `N_()`... This
method adds the help that Click shows without a gettext call, which cli.framework translates when a
command is built (`_translating_help`): each command's docstring and each metavar in capitals.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple[Any, ...]]:
    """Yield what Babel's Python extractor finds in a module of cli/, then its commands' docstrings (cleaned as
    Click shows them) and its metavars in capitals (`DATE`, `FILE`)."""
    import ast
    import io

    from babel.messages.extract import extract_python

    from cloudplan.cli import COMMANDS

    data = fileobj.read()
    yield from extract_python(io.BytesIO(data), keywords, comment_tags, options)
    module = Path(getattr(fileobj, "name", "")).with_suffix("").as_posix()
    commands = {a for m, _s, a in (v.partition(":") for v in COMMANDS.values()) if module.endswith(m.replace(".", "/"))}
    for node in ast.walk(ast.parse(data)):
        if isinstance(node, ast.FunctionDef):
            decorated = any(
                isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr == "command"
                for d in node.decorator_list
            )
            doc = ast.get_docstring(node, clean=True)
            if doc and (decorated or node.name in commands):
                yield node.lineno, None, doc, []
        elif isinstance(node, ast.keyword) and node.arg == "metavar":
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value.isupper():
                yield value.lineno, None, value.value, []
