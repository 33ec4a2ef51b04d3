"""Typed views of the document, for type checkers and editors only.

Nothing imports this module at run time: every nested object of an
:class:`~envdetect.Environment` is a plain :class:`~envdetect._engine.View`
(one class instead of fourteen on the import path), and these subclasses only
tell mypy and editors which attributes each facet has.
"""

from envdetect._engine import View


class Runtime(View):
    kind: str  # ide | agent | ci | notebook | cloud | terminal | script


class CI(View):
    id: "str | None"
    name: "str | None"
    is_pr: "bool | None"


class Toolkit(View):
    id: str
    name: str
    version: "str | None"


class Named(View):
    """IDE, agent and notebook facets: a stable ``id`` and a display ``name``."""

    id: str
    name: str


class IDE(Named):
    product: "str | None"  # the JetBrains product (pycharm, goland...), else None


class Cloud(View):
    provider: "str | None"
    platform: "str | None"


class Container(View):
    id: str


class Terminal(View):
    interactive: "bool | None"
    program: "str | None"


class Distro(View):
    id: "str | None"
    version: "str | None"
    like: "str | None"


class OS(View):
    type: "str | None"
    name: "str | None"
    version: "str | None"
    kernel: "str | None"
    wsl: "bool | None"
    distro: "Distro | None"


class Host(View):
    arch: "str | None"


class Python(View):
    implementation: "str | None"
    version: "str | None"
    bits: "int | None"
    free_threaded: "bool | None"
    environment: "str | None"
