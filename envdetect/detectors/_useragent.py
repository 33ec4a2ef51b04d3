"""Parse ``AWS_TOOLING_USER_AGENT``: which AWS toolkit launched us, and its version.

The toolkits write one ``<product>/<version>`` pair into the variable before
they spawn the SAM CLI (and anything else they run through it):

- AWS Toolkit for VS Code: ``AWS-Toolkit-For-VSCode/3.30.0``; Amazon Q for
  VS Code, the same code base: ``AmazonQ-For-VSCode/1.62.0``
  (aws-toolkit-vscode ``getUserAgent()`` in ``shared/telemetry/util.ts``).
- AWS Toolkit for JetBrains: ``"${productName}/${productVersion}"``
  (``ExecutableCommon.kt``), where the product name is the SDK enum
  ``AWSProduct``'s wire value *with spaces*: ``AWS Toolkit For JetBrains/3.40-243``.
  Older plugins wrote the dashed ``AWS-Toolkit-For-JetBrains/1.60-223``.
  Amazon Q for JetBrains' ``ClientMetadata`` names itself
  ``Amazon Q For JetBrains``.
- AWS CloudShell sets ``AWS-CloudShell/<version>``: a known product that is
  not a toolkit.

Parsing is deliberately strict and never echoes the raw value: anything that
is not exactly one known product, a slash and one version-like token (after
trimming ASCII whitespace) is rejected, so a planted or garbled value cannot
reach the result.  The version is reported exactly as the toolkit spelled it,
and only when it has the shape of a version; ``str.isdigit()`` is avoided on
purpose (it accepts Arabic-Indic and fullwidth digits).
"""

#: Product names exactly as the toolkits write them (case and spaces matter).
PRODUCTS = {
    "AWS-Toolkit-For-VSCode": "aws_toolkit_vscode",
    "AmazonQ-For-VSCode": "amazon_q_vscode",
    "AWS Toolkit For JetBrains": "aws_toolkit_jetbrains",
    "AWS-Toolkit-For-JetBrains": "aws_toolkit_jetbrains",
    "Amazon Q For JetBrains": "amazon_q_jetbrains",
    "AWS-CloudShell": "aws_cloudshell",
}

#: Longest raw value considered at all, and longest value once trimmed.  The
#: longest real value ("AWS Toolkit For JetBrains/3.40-243") is 34 characters.
MAX_RAW = 256
MAX_VALUE = 100
#: Longest version token accepted (the strict shape is shorter still).
MAX_TOKEN = 32
#: Longest suffix after the hyphen in a version ("SNAPSHOT", "223").
MAX_SUFFIX = 16
#: Longest run of digits in one version component.
MAX_COMPONENT = 8

_WHITESPACE = " \t\r\n\x0b\x0c"
_DIGITS = frozenset("0123456789")
_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_TOKEN = _ALNUM | frozenset("._+-")
#: A platform pair's name ("Visual-Studio-Code") in the legacy variable.
_PAIR_NAME = _ALNUM | frozenset("._-")


def parse(value: "str | None") -> "tuple[str, str | None] | None":
    """``(product id, version or None)`` for a well-formed value; otherwise ``None``.

    Well-formed: after trimming ASCII whitespace, exactly ``<known product>/<token>``
    where the token is ASCII letters, digits, ``.``, ``_``, ``+`` or ``-`` (at
    most 32, starting with a letter or digit).  The version is returned only
    when the token is shaped like one (see :func:`version_shape`).
    """
    if not value or len(value) > MAX_RAW or not value.isascii():
        return None
    text = value.strip(_WHITESPACE)
    if not text or len(text) > MAX_VALUE:
        return None
    name, slash, token = text.partition("/")
    if not slash:
        return None
    product = PRODUCTS.get(name)
    if product is None or not _is_token(token):
        return None
    return product, (token if version_shape(token) else None)


def parse_legacy(value: "str | None") -> "tuple[str, str | None] | None":
    """The 2023 ``SAM_CLI_TELEMETRY_FROM_IDE`` variable of the VS Code toolkit.

    Toolkits released between aws-toolkit-vscode PR #3170 (2023-02-15) and
    PR #3314 (2023-04-05) set this variable instead, to the full user agent:
    the toolkit pair, optionally followed by one platform pair such as
    ``Visual-Studio-Code/1.76.2``.  Only the VS Code products are accepted.
    """
    if not value or len(value) > MAX_RAW or not value.isascii():
        return None
    text = value.strip(_WHITESPACE)
    if len(text) > MAX_VALUE:
        return None
    pairs = text.split(" ")
    if len(pairs) > 2 or (len(pairs) == 2 and not _is_pair(pairs[1])):
        return None
    parsed = parse(pairs[0])
    if parsed is None or parsed[0] not in ("aws_toolkit_vscode", "amazon_q_vscode"):
        return None
    return parsed


def version_shape(text: str) -> bool:
    """ASCII digits in two to four dot-separated components, optionally ``-suffix``.

    The suffix is 1-16 ASCII letters or digits: ``3.30.0``, ``1.60-223``,
    ``4.7-SNAPSHOT``, ``3.31.0-SNAPSHOT``.
    """
    main, hyphen, suffix = text.partition("-")
    if hyphen and not (0 < len(suffix) <= MAX_SUFFIX and _only(suffix, _ALNUM)):
        return False
    parts = main.split(".")
    if not 2 <= len(parts) <= 4:
        return False
    return all(0 < len(part) <= MAX_COMPONENT and _only(part, _DIGITS) for part in parts)


def _is_token(token: str) -> bool:
    return 0 < len(token) <= MAX_TOKEN and token[0] in _ALNUM and _only(token, _TOKEN)


def _is_pair(pair: str) -> bool:
    name, slash, version = pair.partition("/")
    return bool(slash) and 0 < len(name) <= 64 and _only(name, _PAIR_NAME) and _is_token(version)


def _only(text: str, allowed: "frozenset[str]") -> bool:
    return all(char in allowed for char in text)
