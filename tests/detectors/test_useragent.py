"""The AWS_TOOLING_USER_AGENT parser: exact spellings in, everything else out."""

from __future__ import annotations

import pytest

from envdetect.detectors._useragent import parse, parse_legacy, version_shape

VALID = [
    ("AWS-Toolkit-For-VSCode/3.30.0", ("aws_toolkit_vscode", "3.30.0")),
    ("AmazonQ-For-VSCode/1.62.0", ("amazon_q_vscode", "1.62.0")),
    ("AWS Toolkit For JetBrains/3.40-243", ("aws_toolkit_jetbrains", "3.40-243")),
    ("AWS-Toolkit-For-JetBrains/1.60-223", ("aws_toolkit_jetbrains", "1.60-223")),
    ("AWS-Toolkit-For-JetBrains/1.60.0-223", ("aws_toolkit_jetbrains", "1.60.0-223")),
    ("Amazon Q For JetBrains/3.80-243", ("amazon_q_jetbrains", "3.80-243")),
    ("AWS Toolkit For JetBrains/4.7-SNAPSHOT", ("aws_toolkit_jetbrains", "4.7-SNAPSHOT")),
    ("AWS-Toolkit-For-VSCode/3.31.0-SNAPSHOT", ("aws_toolkit_vscode", "3.31.0-SNAPSHOT")),
    ("AWS-CloudShell/2024.10.08", ("aws_cloudshell", "2024.10.08")),
]


@pytest.mark.parametrize(("value", "expected"), VALID)
def test_exact_spellings(value: str, expected: tuple[str, str]) -> None:
    assert parse(value) == expected


@pytest.mark.parametrize("padding", [" ", "  ", "\t", "\n", "\r\n", " \t \n"])
def test_ascii_whitespace_padding_is_fine(padding: str) -> None:
    assert parse(f"{padding}AWS Toolkit For JetBrains/3.40-243{padding}") == (
        "aws_toolkit_jetbrains",
        "3.40-243",
    )


def test_version_is_the_spelling_not_a_normal_form() -> None:
    # packaging would say 1.60.post223 and 4.7.dev0-ish; the toolkit said this.
    assert parse("AWS-Toolkit-For-JetBrains/1.60-223") == ("aws_toolkit_jetbrains", "1.60-223")
    assert parse("AWS-Toolkit-For-VSCode/03.030.00") == ("aws_toolkit_vscode", "03.030.00")


@pytest.mark.parametrize(
    "token",
    [
        "Unknown",  # the JetBrains plugin's fallback when its version is unknown
        "3",  # one component
        "3.30.0.1.2",  # five components
        "v3.30.0",  # a prefix
        "3.30.0+build5",  # a local version
        "3.30.0-",  # an empty suffix
        "3.30.0-rc-1",  # a suffix with a hyphen
        "3.30.0-ABCDEFGHIJKLMNOPQ",  # a 17-character suffix
        "3.30.0_1",
        "123456789.0",  # a nine-digit component
        "3.30.0garbage",
    ],
)
def test_known_product_with_an_unshaped_version_keeps_the_product(token: str) -> None:
    assert parse(f"AWS-Toolkit-For-VSCode/{token}") == ("aws_toolkit_vscode", None)


MALFORMED = {
    "empty": "",
    "only spaces": "   ",
    "only whitespace": " \t\r\n ",
    "name and slash": "AWS-Toolkit-For-VSCode/",
    "slash and version": "/1.0",
    "slash only": "/",
    "no slash": "AWS-Toolkit-For-VSCode",
    "trailing garbage after space": "AWS-Toolkit-For-VSCode/3.30.0 garbage",
    "trailing punctuation": "AWS-Toolkit-For-VSCode/3.30.0;rm -rf ~",
    "trailing paren": "AWS-Toolkit-For-VSCode/3.30.0)",
    "two slashes": "AWS-Toolkit-For-VSCode/3.30.0/1",
    "several pairs": "AWS-Toolkit-For-VSCode/3.30.0 Visual-Studio-Code/1.95.3",
    "several pairs with client id": "AWS-Toolkit-For-VSCode/3.30.0 Visual-Studio-Code/1.95.3 "
    "ClientId/96be923b-a00d-46d4-add1-c877abfcb01c",
    "same pair twice": "AWS-Toolkit-For-VSCode/3.30.0 AWS-Toolkit-For-VSCode/3.30.0",
    "jetbrains several pairs": "AWS Toolkit For JetBrains/3.40-243 PyCharm/243",
    "version starts with a dot": "AWS-Toolkit-For-VSCode/.3.30",
    "version too long": "AWS-Toolkit-For-VSCode/" + "1" * 40,
    "lowercase product": "aws-toolkit-for-vscode/3.30.0",
    "uppercase product": "AWS-TOOLKIT-FOR-VSCODE/3.30.0",
    "lowercase jetbrains product": "aws toolkit for jetbrains/3.40-243",
    "tabs inside the product": "AWS\tToolkit\tFor\tJetBrains/3.40-243",
    "double space inside the product": "AWS  Toolkit For JetBrains/3.40-243",
    "tab before the version": "AWS-Toolkit-For-VSCode/\t3.30.0",
    "space around the slash": "AWS-Toolkit-For-VSCode / 3.30.0",
    "NUL at the end": "AWS-Toolkit-For-VSCode/3.30.0\x00",
    "NUL in the product": "AWS-Toolkit-For-VSCode\x00/3.30.0",
    "NUL only": "\x00",
    "arabic-indic digits": "AWS-Toolkit-For-VSCode/\u0663.\u0663\u0660.\u0660",
    "extended arabic-indic digits": "AWS-Toolkit-For-VSCode/\u06f3.\u06f3\u06f0.\u06f0",
    "fullwidth digits": "AWS-Toolkit-For-VSCode/\uff13.\uff13\uff10.\uff10",
    "one non-ascii digit": "AWS-Toolkit-For-VSCode/3.3\u0660.0",
    "superscript digit": "AWS-Toolkit-For-VSCode/\u00b3.30.0",
    "devanagari digits": "AWS Toolkit For JetBrains/\u0969.\u096a\u0966-\u0968\u096a\u0969",
    "cyrillic lookalike in product": "\u0410WS-Toolkit-For-VSCode/3.30.0",
    "non-breaking space padding": "\u00a0AWS-Toolkit-For-VSCode/3.30.0\u00a0",
    "ideographic space padding": "\u3000AWS-Toolkit-For-VSCode/3.30.0",
    "10 KB of padding": "AWS-Toolkit-For-VSCode/3.30.0" + " " * 10240,
    "10 KB value": "A" * 10240,
    "10 KB version": "AWS-Toolkit-For-VSCode/" + "1." * 5120,
    "unknown product": "AWS-Toolkit-For-Eclipse/1.0.0",
    "visual studio toolkit": "AWS-Toolkit-For-VisualStudio/1.53.0.0",
    "SAM comment typo": "AWS_Toolkit-For-VSCode/1.62.0",
    "agent user agent": "claude-code/1.0",
    "product only with padding": "  AmazonQ-For-VSCode  ",
}


@pytest.mark.parametrize("value", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_values_are_rejected(value: str) -> None:
    assert parse(value) is None


def test_none_is_rejected() -> None:
    assert parse(None) is None
    assert parse_legacy(None) is None


@pytest.mark.parametrize(
    "text",
    [
        "3.30.0",
        "1.60",
        "1.60-223",
        "1.60.0-223",
        "4.7-SNAPSHOT",
        "3.31.0-SNAPSHOT",
        "1.2.3.4",
        "0.0",
        "12345678.1-b1",
    ],
)
def test_version_shapes(text: str) -> None:
    assert version_shape(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "3",
        "3.",
        ".3",
        "3..0",
        "3.30.0-",
        "3.30.0-a-b",
        "3.30.0-" + "A" * 17,
        "1.2.3.4.5",
        "123456789.1",
        "\u0661.\u0662",
        "\uff13.\uff10",
        "\u00b3.0",
        "3.30.0 ",
        "3.30.0-SNAP SHOT",
        "3.3O.0",
        "3.30.0-\u00e9",
    ],
)
def test_not_version_shapes(text: str) -> None:
    assert not version_shape(text)


def test_legacy_variable_with_platform_pair() -> None:
    assert parse_legacy("AWS-Toolkit-For-VSCode/1.65.0 Visual-Studio-Code/1.76.2") == (
        "aws_toolkit_vscode",
        "1.65.0",
    )
    assert parse_legacy("  AWS-Toolkit-For-VSCode/1.66.0\n") == ("aws_toolkit_vscode", "1.66.0")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "AWS-Toolkit-For-VSCode/1.65.0 Visual-Studio-Code/1.76.2 ClientId/96be923b-a00d",
        "AWS-Toolkit-For-VSCode/1.65.0\tVisual-Studio-Code/1.76.2",
        "AWS-Toolkit-For-VSCode/1.65.0  Visual-Studio-Code/1.76.2",
        "AWS-Toolkit-For-VSCode/1.65.0 Visual Studio Code",
        "AWS-Toolkit-For-VSCode/1.65.0 Visual-Studio-Code/",
        "Visual-Studio-Code/1.76.2 AWS-Toolkit-For-VSCode/1.65.0",
        "AWS-Toolkit-For-JetBrains/1.60-223",
        "AWS-CloudShell/2024.10.08",
        "AWS-Toolkit-For-VSCode/1.65.0 Visual-Studio-Code/\uff11.76",
        "AWS-Toolkit-For-VSCode/1.65.0 " + "x" * 10240,
    ],
)
def test_legacy_variable_rejects_the_rest(value: str) -> None:
    assert parse_legacy(value) is None


def test_parsing_never_returns_text_that_was_not_a_shaped_version() -> None:
    planted = "AWS-Toolkit-For-VSCode/Sntl4f00ba"
    result = parse(planted)
    assert result == ("aws_toolkit_vscode", None)
    for value in MALFORMED.values():
        assert parse(value) is None
