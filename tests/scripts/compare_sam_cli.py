"""Compare envdetect's CI facet with the AWS SAM CLI's own CI detector, fixture by fixture.

Not part of the test run (the SAM CLI is a heavy install).  Either install it
(``python -m pip install aws-sam-cli``, ideally in a separate virtualenv that
also has envdetect) and run::

    python tests/scripts/compare_sam_cli.py

or point the script at a copy of ``samcli/lib/telemetry/cicd.py`` (it imports
only the standard library)::

    python tests/scripts/compare_sam_cli.py path/to/cicd.py

SAM's detector (``CICDDetector``) knows 12 platforms plus ``Other`` (``CI``
present), tests variables by *presence* (an empty value counts), takes the
first match in enum order and has no pull-request flag.  The script prints
one line per fixture where the two disagree on "CI or not" or on the vendor
(SAM's ``Other`` and vendors SAM does not know both compare as "generic").
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import envdetect  # noqa: E402
from tests.conftest import fixture_id, fixture_paths, load  # noqa: E402

#: SAM's CICDPlatform names -> envdetect ci ids.
SAM_TO_ENVDETECT = {
    "Jenkins": "jenkins",
    "GitLab": "gitlab",
    "GitHubAction": "github_actions",
    "TravisCI": "travis",
    "CircleCI": "circle",
    "AWSCodeBuild": "codebuild",
    "TeamCity": "teamcity",
    "Bamboo": "bamboo",
    "Buddy": "buddy",
    "CodeShip": "codeship",
    "Semaphore": "semaphore",
    "Appveyor": "appveyor",
    "Other": None,
}


def load_cicd(path: str | None) -> ModuleType:
    if path is None:
        try:
            from samcli.lib.telemetry import cicd  # type: ignore[import-not-found]
        except ImportError:
            sys.exit(
                "the SAM CLI is not installed here: `python -m pip install aws-sam-cli`, "
                "or pass the path of a copy of samcli/lib/telemetry/cicd.py"
            )
        module: ModuleType = cicd
        return module
    spec = importlib.util.spec_from_file_location("sam_cicd", path)
    if spec is None or spec.loader is None:
        sys.exit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sam_answer(cicd: ModuleType, environ: dict[str, str]) -> tuple[bool, str | None]:
    for platform in cicd.CICDPlatform:
        if cicd._is_cicd_platform(platform, environ):
            return True, SAM_TO_ENVDETECT[platform.name]
    return False, None


def main(argv: list[str]) -> int:
    cicd = load_cicd(argv[1] if len(argv) > 1 else None)
    known = set(SAM_TO_ENVDETECT.values())
    paths = fixture_paths("ci")
    differences = 0
    for path in paths:
        document = load(path)
        facet = envdetect.detect(envdetect.load_fixture(document), plugins=False).to_dict()["ci"]
        ours = (facet is not None, facet["id"] if facet and facet["id"] in known else None)
        theirs = sam_answer(cicd, dict(document.get("environ") or {}))
        if ours != theirs:
            differences += 1
            mine = facet["id"] if facet else "not CI"
            sam = "not CI" if not theirs[0] else (theirs[1] or "Other")
            print(f"{fixture_id(path):55} envdetect={mine or 'generic':18} SAM={sam}")
    print(
        f"{differences} of {len(paths)} CI fixtures differ "
        "(vendors SAM does not know compare as generic)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
