"""The README and the documentation site are a contract: their commands, id
lists, reference entries and links must match the code and one another."""

from __future__ import annotations

import configparser
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

import envdetect
from envdetect._fingerprint import FIELDS, closed_tables
from envdetect.telemetry import Telemetry
from tests.conftest import ROOT

README_PATH = ROOT / "README.md"
README = README_PATH.read_text(encoding="utf-8")
DOCS = ROOT / "docs"
PAGES = {path: path.read_text(encoding="utf-8") for path in sorted(DOCS.rglob("*.md"))}
TEST_COMMAND = "python -m pip install tox && tox"
RUN_COMMAND = "python -m pip install . && python -m envdetect"
README_BUDGET = 15 * 1024

HEADING = re.compile(r"^(#{1,6}) (.+?)\s*#*$")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def doc(relative: str) -> str:
    return PAGES[DOCS / relative]


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def headings(text: str) -> list[str]:
    return [m.group(2) for line in prose_lines(text) if (m := HEADING.match(line))]


def slug(heading: str) -> str:
    """The anchor MkDocs gives a heading (Python-Markdown's toc slugify)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def anchors(text: str) -> set[str]:
    seen: Counter[str] = Counter()
    found = set()
    for heading in headings(text):
        base = slug(heading)
        found.add(base if not seen[base] else f"{base}_{seen[base]}")
        seen[base] += 1
    return found


def reference_entries() -> Counter[str]:
    """Headings that open with a code span naming a public object, by name.

    `` ## `detect(context=None, ...)` `` documents ``detect``;
    `` ## `Telemetry.track(...)` `` documents ``Telemetry.track``.
    """
    names: Counter[str] = Counter()
    for text in PAGES.values():
        for heading in headings(text):
            match = re.match(r"`([A-Za-z_][\w.]*)", heading)
            if match:
                name = match.group(1)
                for prefix in ("envdetect.telemetry.", "envdetect."):
                    name = name.removeprefix(prefix)
                names[name] += 1
    return names


def public_names() -> list[str]:
    members = [name for name in dir(Telemetry) if not name.startswith("_")]
    return [*envdetect.__all__, "Telemetry", *(f"Telemetry.{name}" for name in members)]


# -- the README ---------------------------------------------------------------


def test_the_two_commands_are_in_the_readme_and_ci_runs_the_test_one() -> None:
    blocks = re.findall(r"```\n(.*?)\n```", README, flags=re.S)
    assert RUN_COMMAND in blocks
    assert TEST_COMMAND in blocks
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert TEST_COMMAND in [line.strip() for line in ci_lines]


def test_the_readme_says_what_tox_needs() -> None:
    one_line = " ".join(README.split())
    assert "tox runs the Pythons it finds; .ci/run requires 3.9\u20133.13" in one_line


def test_the_readme_stays_a_newcomers_page() -> None:
    assert len(README.encode("utf-8")) <= README_BUDGET


def test_the_readme_says_how_to_build_and_serve_the_docs() -> None:
    assert "`tox -e docs`" in README
    assert "`mkdocs serve`" in README


# -- the reference pages ---------------------------------------------------------


def test_every_fingerprint_field_and_value_is_documented() -> None:
    page = doc("fingerprint.md")
    for field in (*FIELDS, "digest"):
        assert f"| `{field}` |" in page, field
    for key, values in closed_tables().items():
        for value in values:
            assert f"`{value}`" in page, (key, value)


def test_every_ci_vendor_is_in_the_vendor_table() -> None:
    from envdetect.detectors import ci

    page = doc("reference/ci.md")
    for vendor_id in ci.IDS:
        assert re.search(rf"^\| `{re.escape(vendor_id)}` \|", page, flags=re.M), vendor_id


@pytest.mark.parametrize("name", public_names())
def test_every_public_name_has_exactly_one_reference_entry(name: str) -> None:
    assert reference_entries()[name] == 1, name


def test_reference_entries_name_only_public_objects_or_document_facets() -> None:
    public = set(public_names())
    for name in reference_entries():
        if name[:1].isupper() or name in {"detect", "load_fixture", "__version__"}:
            assert name in public, f"a reference entry for {name}, which is not public"


# -- the site ---------------------------------------------------------------------


def link_targets() -> list[tuple[Path, str]]:
    found = []
    for path, text in [(README_PATH, README), *PAGES.items()]:
        for line in prose_lines(text):
            found += [
                (path, target) for target in LINK.findall(line) if not re.match(r"[a-z]+:", target)
            ]
    return found


def test_there_are_internal_links_to_check() -> None:
    assert len(link_targets()) > 50


def test_every_internal_link_resolves() -> None:
    broken = []
    for source, target in link_targets():
        file_part, _, anchor = target.partition("#")
        resolved = (source.parent / file_part).resolve() if file_part else source
        if source != README_PATH and DOCS not in resolved.parents:
            broken.append(f"{source.name}: {target} leaves docs/")
        elif not resolved.is_file():
            broken.append(f"{source.name}: {target} does not exist")
        elif anchor and anchor not in anchors(resolved.read_text(encoding="utf-8")):
            broken.append(f"{source.name}: {target} has no such heading")
    assert broken == []


def test_the_slugs_are_mkdocs_slugs() -> None:
    assert slug("`Telemetry.track(command=None, subcommand=None)`") == (
        "telemetrytrackcommandnone-subcommandnone"
    )
    assert slug("`otlp` (OpenTelemetry logs)") == "otlp-opentelemetry-logs"
    assert slug("Precedence (chosen, not alphabetical)") == "precedence-chosen-not-alphabetical"


def test_every_page_is_in_the_nav_and_every_nav_entry_is_a_page() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = config.split("\nnav:\n", 1)[1]
    listed = {DOCS / name for name in re.findall(r"([\w./-]+\.md)\s*$", nav, flags=re.M)}
    assert listed == set(PAGES)


def test_tox_builds_the_site_strictly_in_every_run() -> None:
    tox = configparser.ConfigParser()
    tox.read(ROOT / "tox.ini", encoding="utf-8")
    env_list = re.split(r"[\s,]+", tox["tox"]["env_list"].strip())
    assert "docs" in env_list
    assert "mkdocs build --strict" in tox["testenv:docs"]["commands"]
