"""Write every derived literal of the package from the tables it is derived from.

The registry's gates (which variables open which detector), the CI table's
name index, the cloud's id lists, the terminal's program ids and the
fingerprint's closed tables are literals, so that importing them costs
nothing; each is derived from the detector tables that are the truth, and
lives between markers::

    # <generated: NAME>
    ...
    # </generated>

``python scripts/generate.py`` rewrites every block; ``--check`` changes
nothing and exits 1, naming each block whose text differs from what the
tables give (a table changed without regenerating, or a block edited by
hand).  The tests run ``--check``.  Derivations are strict: a table that
was renamed or emptied stops the generator with an error, never an empty
literal.  See docs/development/architecture.md.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WIDTH = 100

MARKERS = re.compile(
    r"^(?P<indent>[ ]*)# <generated: (?P<name>[a-z ]+)>\n(?P<body>.*?)"
    r"^(?P=indent)# </generated>\n",
    re.MULTILINE | re.DOTALL,
)


class GenerationError(Exception):
    """A table the generator reads is missing, renamed, empty or malformed."""


def _module(name: str) -> Any:
    return importlib.import_module(f"envdetect.detectors.{name}" if name else "envdetect.detectors")


def _table(spec: str) -> list[str]:
    """The ids a ``module:NAME`` or ``module:NAME.values()`` index entry names."""
    module_name, _, attribute = spec.partition(":")
    values = attribute.endswith(".values()")
    attribute = attribute.removesuffix(".values()")
    module = _module(module_name)
    if not hasattr(module, attribute):
        raise GenerationError(f"{spec}: envdetect.detectors.{module_name} has no {attribute}")
    table = getattr(module, attribute)
    items = list(table.values()) if values else list(table)
    if not items or not all(isinstance(item, str) and item for item in items):
        raise GenerationError(f"{spec}: not a non-empty table of strings")
    return items


def _ordered(names: Iterable[str]) -> list[str]:
    return sorted(set(names), key=lambda name: (name.upper(), name))


def _wrapped(items: list[str], indent: str, opening: str, closing: str) -> list[str]:
    """``opening`` + the quoted items, filled to WIDTH, + ``closing``."""
    quoted = [f'"{item}"' for item in items]
    one_line = f"{indent}{opening}{', '.join(quoted)}{closing}"
    if len(one_line) <= WIDTH:
        return [one_line]
    lines = [f"{indent}{opening}"]
    current = indent + "    "
    for item in quoted:
        piece = f"{item},"
        if current.strip() and len(current) + 1 + len(piece) > WIDTH:
            lines.append(current)
            current = indent + "    "
        current += (" " if current.strip() else "") + piece
    lines.append(current)
    lines.append(f"{indent}{closing}")
    return lines


def frozenset_literal(name: str, items: Iterable[str], annotation: str = "") -> list[str]:
    return _wrapped(_ordered(items), "", f"{name}{annotation} = frozenset({{", "})")


def tuple_literal(name: str, items: Iterable[str]) -> list[str]:
    return _wrapped(sorted(set(items)), "", f"{name} = (", ")")


# -- the derivations ---------------------------------------------------------------


def _needed(rule: Any, where: str) -> frozenset[str]:
    from envdetect.detectors import _rules

    found = _rules.needed(rule)
    if found is None:
        raise GenerationError(f"{where}: no variable it cannot hold without, so no gate")
    return found


def gates() -> list[str]:
    """The registry's variable gates, one per gated detector with a table."""
    agent, ci, cloud, ide, notebook = (
        _module(name) for name in ("agent", "ci", "cloud", "ide", "notebook")
    )
    ci_names = set(ci.GENERIC)
    for vendor in ci.VENDORS:
        if vendor[2].__class__ is tuple and vendor[2][0] == "probe":
            continue  # gated by a path and the ancestry instead
        ci_names |= _needed(vendor[2], f"ci vendor {vendor[0]}")
    agent_names = {"AI_AGENT"}
    for ident, rule in agent.ENV_RULES:
        names = _needed(rule, f"agent rule {ident}")
        if not names & agent.UBIQUITOUS:  # else gated by a path in the registry
            agent_names |= names
    ide_names = {
        *ide.VSCODE_TERMINAL_MARKERS,
        *ide.VSCODE_EXTENSION_MARKERS,
        *ide.VSCODE_PATH_VARIABLES,
        *(name for name, _, _ in ide.VSCODE_FORK_MARKERS),
        *ide.JETBRAINS_VARIABLES,
        ide.JETBRAINS_LAUNCHER_VARIABLE,
        *ide.SPYDER_VARIABLES,
        *ide.CLOUD9_VARIABLES,
        *(name for name, _ in ide._EDITOR_VARIABLES),
        *ide._VIM_HINTS,
        *ide.ALSO_READ,
    }
    notebook_names = {
        *notebook.COLAB_VARIABLES,
        *notebook.JUPYTER_VARIABLES,
        *notebook.SAGEMAKER_VARIABLES,
        *notebook.ALSO_READ,
    }
    cloud_names: set[str] = set()
    for rule in cloud.RULES:
        cloud_names |= _needed(rule[2][0], f"cloud rule {rule[1] or rule[0]}")
    lines = [
        "#: For each row of the CI vendor table (:mod:`.ci`), a variable it cannot hold",
        "#: without, plus the generic ``CI`` flags: while none is set, no row can match.",
    ]
    lines += frozenset_literal("CI_VARIABLES", ci_names)
    lines += ["", "#: What an agent sets on the processes it starts (:mod:`.agent`)."]
    lines += frozenset_literal("AGENT_VARIABLES", agent_names)
    lines += ["", "#: What an editor or IDE sets on the processes it starts (:mod:`.ide`)."]
    lines += frozenset_literal("IDE_VARIABLES", ide_names)
    lines += ["", "#: What a notebook kernel or hosted notebook platform sets (:mod:`.notebook`)."]
    lines += frozenset_literal("NOTEBOOK_VARIABLES", notebook_names)
    lines += [
        "",
        "#: For each cloud rule (:mod:`.cloud`), the variables its first condition",
        "#: cannot hold without: while none is set, no rule can match.",
    ]
    lines += frozenset_literal("CLOUD_VARIABLES", cloud_names)
    return lines


def ci_names() -> list[str]:
    from envdetect.detectors import _rules

    ci = _module("ci")
    names = set(ci.GENERIC)
    for vendor in ci.VENDORS:
        names.update(_rules.variables(vendor[2]))
        if vendor[3] is not None:
            names.update(_rules.variables(vendor[3]))
    lines = [
        "#: Every variable a rule above consults.  ``detect()`` intersects it with",
        "#: the environment's names first: on a machine that has none of them, the",
        "#: table is not walked at all.",
    ]
    lines += frozenset_literal("NAMES", names)
    lines += [
        "",
        "#: The names in :data:`NAMES` that are not all upper case.  Windows",
        "#: upper-cases the names it lists (``os.environ`` iterates ``BAMBOO_PLANKEY``),",
        "#: so these are looked up one by one there, where lookups ignore case.",
    ]
    lines += tuple_literal("MIXED_CASE", (name for name in names if name != name.upper()))
    return lines


def cloud_ids() -> list[str]:
    cloud = _module("cloud")
    providers = {rule[0] for rule in cloud.RULES} | set(cloud.DMI_VENDORS.values())
    providers |= set(cloud.VM_PLATFORMS) | set(cloud.MANAGED_KUBERNETES)
    platforms = {rule[1] for rule in cloud.RULES if rule[1]} | set(cloud.FILE_PLATFORMS)
    platforms |= set(cloud.VM_PLATFORMS.values()) | set(cloud.MANAGED_KUBERNETES.values())
    lines = [
        "#: Every provider and platform this facet can report: from :data:`RULES`,",
        "#: the firmware tables and :data:`FILE_PLATFORMS`.  The fingerprint's closed",
        "#: tables come from here.",
    ]
    lines += tuple_literal("PROVIDERS", providers)
    lines += tuple_literal("PLATFORMS", platforms)
    return lines


def terminal_programs() -> list[str]:
    terminal = _module("terminal")
    classify = _module("_ancestry")
    produced = {*terminal.TERM_PROGRAMS.values(), *terminal.TERM_VALUES.values(), "jetbrains"}
    produced |= {program for _, program in terminal.EDITOR_TERMINALS}
    produced |= {program for _, program in terminal.MULTIPLEXERS}
    produced |= {program for _, _, program in terminal.EMULATOR_VARIABLES}
    produced |= {program for program in classify.TERMINAL_PROCESSES.values() if program}
    produced |= set(classify.TERMINAL_HOSTS.values())
    lines = [
        "#: Every terminal program id the tables above and the ancestry's",
        "#: (``_ancestry.TERMINAL_PROCESSES``, ``TERMINAL_HOSTS``) can",
        "#: produce, plus ``jetbrains`` (JetBrains' terminal names itself in",
        "#: ``TERMINAL_EMULATOR``).",
    ]
    lines += tuple_literal("TERMINAL_PROGRAM_IDS", produced)
    return lines


def closed_tables() -> list[str]:
    from envdetect.detectors import CLOSED_TABLES

    lines = [
        "#: field -> every id a detector may report there, from the registry's",
        "#: :data:`~envdetect.detectors.CLOSED_TABLES` index.",
        'DETECTOR_IDS: "dict[str, frozenset[str]]" = {',
    ]
    for field, spec in CLOSED_TABLES.items():
        lines += _wrapped(_ordered(_table(spec)), "    ", f'"{field}": frozenset({{', "}),")
    lines.append("}")
    return lines


#: (file under the root, block name) -> the function writing the block.
BLOCKS: dict[tuple[str, str], Callable[[], list[str]]] = {
    ("envdetect/detectors/__init__.py", "gates"): gates,
    ("envdetect/detectors/ci.py", "names"): ci_names,
    ("envdetect/detectors/cloud.py", "ids"): cloud_ids,
    ("envdetect/detectors/terminal.py", "programs"): terminal_programs,
    ("envdetect/_fingerprint.py", "closed tables"): closed_tables,
}


# -- the files -----------------------------------------------------------------------


def regenerate(text: str, path: str) -> tuple[str, list[str]]:
    """``text`` with each of its blocks rewritten, and the names of those that changed."""
    changed: list[str] = []
    seen: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        name = match["name"]
        producer = BLOCKS.get((path, name))
        if producer is None:
            raise GenerationError(f"{path}: unknown generated block {name!r}")
        seen.add(name)
        indent = match["indent"]
        # The formatter leaves generated blocks as the generator writes them,
        # so that --check and `ruff format --check` can both pass.
        lines = ["# fmt: off", *producer(), "# fmt: on"]
        body = "".join(f"{indent}{line}\n" if line else "\n" for line in lines)
        if body != match["body"]:
            changed.append(name)
        return f"{indent}# <generated: {name}>\n{body}{indent}# </generated>\n"

    result = MARKERS.sub(replace, text)
    missing = {name for file, name in BLOCKS if file == path} - seen
    if missing:
        raise GenerationError(f"{path}: markers missing for {sorted(missing)}")
    return result, changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 if a generated block is out of date",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=ROOT,
        help="the repository whose envdetect package is read and written",
    )
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    sys.path.insert(0, str(root))
    rewritten: list[str] = []
    try:
        # Some blocks read others' results (the closed tables read the cloud's
        # and the terminal's ids): write until a pass changes nothing.
        for _ in range(3):
            stale = _one_pass(root, write=not args.check)
            if args.check or not stale:
                break
            rewritten += stale
        else:
            raise GenerationError(f"no fixed point: {stale}")
    except GenerationError as error:
        print(f"generate: {error}", file=sys.stderr)
        return 2
    if args.check and stale:
        print(
            "out of date (edit the tables, then run python scripts/generate.py):\n  "
            + "\n  ".join(stale),
            file=sys.stderr,
        )
        return 1
    for block in dict.fromkeys(rewritten):
        print(f"rewrote {block}")
    return 0


def _one_pass(root: Path, write: bool) -> list[str]:
    stale: list[str] = []
    for path in dict.fromkeys(file for file, _ in BLOCKS):
        target = root / path
        text = target.read_text(encoding="utf-8")
        new, changed = regenerate(text, path)
        stale += [f"{path}: <generated: {name}>" for name in changed]
        if changed and write:
            target.write_text(new, encoding="utf-8")
            _forget_the_package()  # later blocks read this one's results
    return stale


def _forget_the_package() -> None:
    for name in [name for name in sys.modules if name.startswith("envdetect")]:
        del sys.modules[name]


if __name__ == "__main__":
    sys.exit(main())
