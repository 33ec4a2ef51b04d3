"""The ``toolkit`` facet: the AWS IDE toolkit that launched us, from ``AWS_TOOLING_USER_AGENT``.

The AWS Toolkit and Amazon Q extensions for VS Code and JetBrains set that
variable on the processes they spawn (the SAM CLI reads it for its own
telemetry); see :mod:`envdetect.detectors._useragent` for the exact values.
VS Code toolkits from February to April 2023 set ``SAM_CLI_TELEMETRY_FROM_IDE``
instead, which is read only when the current variable is absent.

A toolkit run is an IDE run whatever else the environment says (the engine
makes ``runtime.kind`` ``ide``): an inherited agent or CI variable does not
change who launched the process.
"""

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from envdetect._context import Context

facet = "toolkit"

#: id -> display name.  Closed: nothing else is ever reported.
TOOLKITS = {
    "aws_toolkit_vscode": "AWS Toolkit for VS Code",
    "aws_toolkit_jetbrains": "AWS Toolkit for JetBrains",
    "amazon_q_vscode": "Amazon Q for VS Code",
    "amazon_q_jetbrains": "Amazon Q for JetBrains",
}
IDS = tuple(TOOLKITS)

VARIABLE = "AWS_TOOLING_USER_AGENT"
LEGACY_VARIABLE = "SAM_CLI_TELEMETRY_FROM_IDE"


def detect(ctx: "Context") -> "dict[str, Any] | None":
    value = ctx.env(VARIABLE)
    if value is None and not ctx.has(LEGACY_VARIABLE):
        return None
    # The parser loads only where a toolkit may be: most runs never pay for it.
    from envdetect.detectors import _useragent

    if value is not None:
        parsed, signal = _useragent.parse(value), VARIABLE
    else:
        value = ctx.env(LEGACY_VARIABLE)
        if value is None:
            return None
        parsed, signal = _useragent.parse_legacy(value), LEGACY_VARIABLE
    if parsed is None:
        return None
    product, version = parsed
    name = TOOLKITS.get(product)
    if name is None:  # a known product that is not a toolkit (AWS CloudShell)
        return None
    ctx.because(f"env {signal}")
    # The parser admits only short version tokens; the document's one rule
    # for machine strings applies all the same.
    from envdetect._context import display_text

    return {"id": product, "name": name, "version": display_text(version)}
