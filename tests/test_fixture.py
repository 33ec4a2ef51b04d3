"""load_fixture() on hostile sources: bounded reads, no hang, one-line errors, checked extras."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

import envdetect
from envdetect import _fixture
from envdetect._fixture import MAX_FIXTURE_BYTES, MAX_FIXTURE_DEPTH, load_fixture
from tests.conftest import ROOT, fixture_paths, load

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev are POSIX")


def error_of(source: object) -> str:
    with pytest.raises(envdetect.FixtureError) as info:
        load_fixture(source)
    message = str(info.value)
    assert "\n" not in message, message
    assert "\r" not in message, message
    return message


def nested(depth: int) -> Any:
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return value


def depth_of(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max((depth_of(item) for item in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth_of(item) for item in value), default=0)
    return 0


# -- nesting ---------------------------------------------------------------------------


def test_json_nested_thousands_deep_is_a_fixture_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"expect": ' + "[" * 5000 + "]" * 5000 + "}", encoding="utf-8")
    message = error_of(path)
    assert message.startswith(f"{path}: ")
    assert f"nested deeper than {MAX_FIXTURE_DEPTH}" in message


def test_nesting_the_json_parser_accepts_is_still_bounded(tmp_path: Path) -> None:
    # Deep enough to trouble code that walks the document, shallow enough for json.
    path = tmp_path / "deep.json"
    path.write_text(json.dumps({"platform": {"odd": nested(200)}}), encoding="utf-8")
    assert "nested deeper than" in error_of(path)
    assert "nested deeper than" in error_of({"expect": nested(5000)})


def test_every_recorded_fixture_is_within_the_depth_bound() -> None:
    deepest = max(depth_of(load(path)) for path in fixture_paths())
    assert deepest <= MAX_FIXTURE_DEPTH
    # and the bound is exact: a document at the limit loads
    load_fixture({"expect": nested(MAX_FIXTURE_DEPTH - 1)})


# -- paths -----------------------------------------------------------------------------


def test_a_nul_in_the_path_is_a_fixture_error() -> None:
    assert error_of("a\0b") == r"'a\x00b': cannot read fixture: embedded null byte"


def test_errors_name_the_path_and_escape_it_onto_one_line(tmp_path: Path) -> None:
    absent = tmp_path / "absent.json"
    assert error_of(absent) == f"{absent}: cannot read fixture: No such file or directory"
    odd = str(tmp_path / "a\nb.json")
    message = error_of(odd)
    assert message.startswith(repr(odd) + ": cannot read fixture")


def test_a_directory_is_refused(tmp_path: Path) -> None:
    assert error_of(tmp_path) == f"{tmp_path}: cannot read fixture: is a directory"


def error_in_child(path: Path) -> str:
    """The FixtureError a fresh interpreter reports for ``path``: a regression that
    reads forever or blocks then costs a bounded child, not the test run."""
    code = (
        "import resource, sys, envdetect\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "try:\n    envdetect.load_fixture(sys.argv[1])\n"
        "except envdetect.FixtureError as error:\n    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=10,
        check=False,
    )
    assert result.stderr == ""
    return result.stdout.strip()


@posix_only
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_link_to_an_endless_device_is_refused(tmp_path: Path, device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    link = tmp_path / "fixture.json"
    link.symlink_to(device)
    assert error_in_child(link) == f"{link}: cannot read fixture: not a regular file or a pipe"


# -- size ------------------------------------------------------------------------------


def padded(size: int) -> bytes:
    """A valid fixture of exactly ``size`` bytes."""
    return b" " * (size - 2) + b"{}"


def test_a_file_at_the_size_cap_loads_and_one_byte_more_does_not(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(padded(MAX_FIXTURE_BYTES))
    assert load_fixture(path).environ == {}
    path.write_bytes(padded(MAX_FIXTURE_BYTES + 1))
    assert error_of(path) == f"{path}: fixture larger than {MAX_FIXTURE_BYTES} bytes"


def test_the_cap_leaves_room_for_every_recorded_fixture() -> None:
    largest = max(path.stat().st_size for path in fixture_paths())
    assert largest * 100 < MAX_FIXTURE_BYTES


def test_an_open_file_is_read_only_up_to_the_cap() -> None:
    assert "larger than" in error_of(io.BytesIO(padded(MAX_FIXTURE_BYTES + 1)))
    assert "larger than" in error_of(io.StringIO(padded(MAX_FIXTURE_BYTES + 1).decode()))
    assert load_fixture(io.BytesIO(b'{"environ": {"A": "1"}}')).env("A") == "1"


class EndlessStdin:
    """stdin fed by ``yes '{}'``: never ends, and refuses a read without a size."""

    def __init__(self) -> None:
        self.consumed = 0
        self.buffer = self

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            raise AssertionError("unbounded read of an endless stream")
        self.consumed += size
        return (b"{}\n" * (size // 3 + 1))[:size]


def test_endless_stdin_stops_at_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = EndlessStdin()
    monkeypatch.setattr(sys, "stdin", stdin)
    assert error_of("-") == f"<stdin>: fixture larger than {MAX_FIXTURE_BYTES} bytes"
    assert stdin.consumed <= MAX_FIXTURE_BYTES + _fixture.READ_CHUNK


def test_text_stdin_without_a_buffer_is_bounded_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(padded(MAX_FIXTURE_BYTES + 1).decode()))
    assert "larger than" in error_of("-")


def test_closed_stdin_is_a_fixture_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", None)
    assert error_of("-") == "<stdin>: cannot read fixture: stdin is closed"


# -- FIFOs and pipes -------------------------------------------------------------------


@posix_only
def test_a_fifo_without_a_writer_fails_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "fixture.json"
    os.mkfifo(fifo)
    assert error_in_child(fifo) == f"{fifo}: fixture is empty"


@posix_only
def test_a_pipe_with_a_slow_writer_is_read_to_its_end() -> None:
    # What --fixture <(command) opens: a pipe whose writer may still be working.
    read_end, write_end = os.pipe()

    def write_later() -> None:
        threading.Event().wait(0.2)
        os.write(write_end, b'{"environ": {"CI": "true"}}')
        os.close(write_end)

    writer = threading.Thread(target=write_later)
    writer.start()
    try:
        assert load_fixture(f"/dev/fd/{read_end}").env("CI") == "true"
    finally:
        writer.join()
        os.close(read_end)


# -- platform extras -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "wanted"),
    [
        ("python_bits", "sixty", "32 or 64"),
        ("python_bits", 48, "32 or 64"),
        ("python_bits", True, "32 or 64"),
        ("python_bits", None, "32 or 64"),
        ("python_abiflags", 3, "a string or null"),
        ("python_free_threaded", "no", "a boolean"),
        ("python_venv", "yes", "a boolean"),
        ("python_conda", 1, "a boolean"),
    ],
)
def test_a_malformed_platform_extra_is_named(key: str, value: object, wanted: str) -> None:
    message = error_of({"platform": {key: value}})
    assert message == f"fixture platform.{key} must be {wanted}"


@pytest.mark.parametrize(
    "extras",
    [
        {"python_bits": 32, "python_abiflags": None, "python_venv": False, "python_conda": False},
        {"python_bits": 64, "python_abiflags": "t", "python_free_threaded": True},
        {"python_later_fact": {"any": "shape"}},
    ],
)
def test_well_formed_and_unknown_extras_load(extras: dict[str, object]) -> None:
    assert load_fixture({"platform": extras}).platform.extra == extras


def test_the_docs_state_the_limits() -> None:
    page = " ".join((ROOT / "docs" / "usage" / "cli.md").read_text(encoding="utf-8").split())
    assert f"fixture larger than {MAX_FIXTURE_BYTES} bytes" in page
    assert f"at most {MAX_FIXTURE_BYTES // 2**20} MiB" in page
    assert f"nest {MAX_FIXTURE_DEPTH} levels" in page


def test_a_deep_document_is_too_deep_whatever_its_top_level_type() -> None:
    # Python 3.13's JSON decoder parses 5,000 nested lists: the depth check,
    # not the parser's recursion limit, must be what refuses them.
    deep: list[object] = []
    for _ in range(100):
        deep = [deep]
    for document in (deep, {"environ": {}, "extra": deep}):
        with pytest.raises(envdetect.FixtureError, match="nested deeper than"):
            load_fixture(document)
