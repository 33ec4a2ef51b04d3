"""The toolkit facet: AWS_TOOLING_USER_AGENT to {id, name, version}, or nothing."""

from __future__ import annotations

from typing import Any

import pytest

from envdetect.detectors import toolkit
from tests.conftest import fixture_paths, load


def _run(replay: Any, environ: dict[str, str], **extra: Any) -> Any:
    return replay({"environ": environ, **extra})


@pytest.mark.parametrize(
    ("value", "tid", "name", "version"),
    [
        (
            "AWS-Toolkit-For-VSCode/3.30.0",
            "aws_toolkit_vscode",
            "AWS Toolkit for VS Code",
            "3.30.0",
        ),
        ("AmazonQ-For-VSCode/1.62.0", "amazon_q_vscode", "Amazon Q for VS Code", "1.62.0"),
        (
            "AWS Toolkit For JetBrains/3.40-243",
            "aws_toolkit_jetbrains",
            "AWS Toolkit for JetBrains",
            "3.40-243",
        ),
        (
            "AWS-Toolkit-For-JetBrains/1.60-223",
            "aws_toolkit_jetbrains",
            "AWS Toolkit for JetBrains",
            "1.60-223",
        ),
        (
            "Amazon Q For JetBrains/3.80-243",
            "amazon_q_jetbrains",
            "Amazon Q for JetBrains",
            "3.80-243",
        ),
    ],
)
def test_each_toolkit(replay: Any, value: str, tid: str, name: str, version: str) -> None:
    env = _run(replay, {"AWS_TOOLING_USER_AGENT": value})
    assert env.to_dict()["toolkit"] == {"id": tid, "name": name, "version": version}
    assert env.runtime.kind == "ide"
    assert env.explanation["toolkit"]["because"] == ["env AWS_TOOLING_USER_AGENT"]


def test_ids_are_the_closed_table() -> None:
    assert toolkit.IDS == (
        "aws_toolkit_vscode",
        "aws_toolkit_jetbrains",
        "amazon_q_vscode",
        "amazon_q_jetbrains",
    )


def test_cloudshell_is_not_a_toolkit(replay: Any) -> None:
    env = _run(
        replay,
        {"AWS_TOOLING_USER_AGENT": "AWS-CloudShell/2024.10.08", "AWS_EXECUTION_ENV": "CloudShell"},
    )
    assert env.toolkit is None
    assert env.explanation["toolkit"]["because"] == []


def test_unshaped_version_keeps_the_toolkit(replay: Any) -> None:
    env = _run(replay, {"AWS_TOOLING_USER_AGENT": "AWS Toolkit For JetBrains/Unknown"})
    assert env.to_dict()["toolkit"] == {
        "id": "aws_toolkit_jetbrains",
        "name": "AWS Toolkit for JetBrains",
        "version": None,
    }


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "aws-toolkit-for-vscode/3.30.0",
        "AWS-Toolkit-For-VSCode/\u0663.\u0663\u0660.\u0660",
        "AWS-Toolkit-For-VSCode/3.30.0 Visual-Studio-Code/1.95.3",
    ],
)
def test_no_toolkit(replay: Any, value: str) -> None:
    assert _run(replay, {"AWS_TOOLING_USER_AGENT": value}).toolkit is None


def test_legacy_variable_of_2023_toolkits(replay: Any) -> None:
    env = _run(
        replay,
        {"SAM_CLI_TELEMETRY_FROM_IDE": "AWS-Toolkit-For-VSCode/1.65.0 Visual-Studio-Code/1.76.2"},
    )
    assert env.toolkit.id == "aws_toolkit_vscode"
    assert env.toolkit.version == "1.65.0"
    assert env.explanation["toolkit"]["because"] == ["env SAM_CLI_TELEMETRY_FROM_IDE"]


def test_current_variable_wins_over_legacy(replay: Any) -> None:
    env = _run(
        replay,
        {
            "AWS_TOOLING_USER_AGENT": "AmazonQ-For-VSCode/1.62.0",
            "SAM_CLI_TELEMETRY_FROM_IDE": "AWS-Toolkit-For-VSCode/1.65.0",
        },
    )
    assert env.toolkit.id == "amazon_q_vscode"
    # A malformed current value decides too: the legacy one is only for old toolkits.
    env = _run(
        replay,
        {
            "AWS_TOOLING_USER_AGENT": "garbage",
            "SAM_CLI_TELEMETRY_FROM_IDE": "AWS-Toolkit-For-VSCode/1.65.0",
        },
    )
    assert env.toolkit is None


def test_empty_current_variable_counts_as_unset(replay: Any) -> None:
    env = _run(
        replay,
        {
            "AWS_TOOLING_USER_AGENT": "",
            "SAM_CLI_TELEMETRY_FROM_IDE": "AWS-Toolkit-For-VSCode/1.65.0",
        },
    )
    assert env.toolkit.id == "aws_toolkit_vscode"


def test_toolkit_wins_the_kind_and_the_agent_is_still_reported(replay: Any) -> None:
    env = _run(
        replay,
        {
            "AWS_TOOLING_USER_AGENT": "AWS-Toolkit-For-VSCode/3.30.0",
            "CLAUDECODE": "1",
            "CLAUDE_CODE_ENTRYPOINT": "cli",
        },
        tty={"stdin": True, "stdout": True},
    )
    assert env.runtime.kind == "ide"
    assert env.toolkit.id == "aws_toolkit_vscode"
    assert env.agent.id == "claude_code"


def test_the_raw_value_never_comes_out(replay: Any) -> None:
    sentinel = "Sntl7c1e0ffee"
    for value in (
        f"AWS-Toolkit-For-VSCode/3.30.0 {sentinel}",
        f"AWS-Toolkit-For-VSCode/{sentinel}",
        f"{sentinel}/3.30.0",
        f"AWS-Toolkit-For-VSCode/3.30.0-{sentinel}xxxxxxxxxx",
    ):
        env = _run(replay, {"AWS_TOOLING_USER_AGENT": value})
        text = env.to_json() + repr(env.explanation)
        assert sentinel not in text
        assert sentinel.lower() not in text.lower()


def test_toolkit_fixtures_cover_every_id() -> None:
    seen = set()
    for path in fixture_paths("toolkit"):
        expected = load(path)["expect"].get("toolkit")
        if expected:
            seen.add(expected["id"])
    assert seen == set(toolkit.IDS)
