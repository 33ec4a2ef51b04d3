"""envdetect's CI facet against the real npm ``ci-info`` on every CI fixture.

A session fixture installs ci-info 4.5.0 once per run with :mod:`tests.differential.npm`
(into a directory keyed by that version, shared by every tox environment, retrying
a failed install with backoff) and runs ``tests/ci_info_probe.js`` once per fixture
in a node process whose environment is exactly the fixture's ``environ``.  Vendor,
"is CI" and the pull-request flag must agree, except for the fixtures listed
in :data:`DISAGREEMENTS` - the one place where every deliberate difference is
written down with the documentation that justifies it.  A listed fixture that
stops disagreeing fails too, so the list cannot go stale.

Skipped, with the reason, where node or npm is missing or npm cannot install
(failed instead where ``ENVDETECT_REQUIRE_CI_INFO=1``, as in ``.ci/run``).
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import envdetect
from tests.conftest import fixture_id, fixture_paths, load
from tests.differential import npm

CI_INFO_VERSION = "4.5.0"
PROBE = Path(__file__).resolve().parent / "ci_info_probe.js"
CI_FIXTURES = fixture_paths("ci")

_GH = "https://docs.github.com/en/actions/reference/variables-reference"
_LAST_WINS = (
    "ci-info lets the last matching vendor of vendors.json win, and {later} comes after {earlier}; "
)

#: fixture (path under fixtures/) -> why envdetect deliberately differs from ci-info 4.5.0.
DISAGREEMENTS: dict[str, str] = {
    # -- precedence: ci-info's last-match-wins order -------------------------------------
    "ci/gitea_actions/push.json": (
        _LAST_WINS.format(later="GitHub Actions", earlier="Gitea Actions")
        + "Gitea always sets GITHUB_ACTIONS=true, so ci-info never reports Gitea. "
        "GITEA_ACTIONS 'is useful to distinguish Gitea Actions from other CI systems' - "
        "https://docs.gitea.com/usage/actions/variables"
    ),
    "ci/gitea_actions/pull-request.json": (
        "as ci/gitea_actions/push.json - https://docs.gitea.com/usage/actions/variables"
    ),
    "ci/forgejo_actions/push.json": (
        "ci-info has no Forgejo entry and reports GitHub Actions; the Forgejo runner sets "
        "FORGEJO_ACTIONS=true next to GITEA_ACTIONS and GITHUB_ACTIONS (forgejo runner "
        "source; https://forgejo.org/docs/latest/user/actions/reference/)"
    ),
    "ci/forgejo_actions/pull-request.json": "as ci/forgejo_actions/push.json",
    "ci/act/push.json": (
        "ci-info has no act entry and reports GitHub Actions; nektos/act sets ACT=true "
        "unconditionally (nektos/act pkg/runner/run_context.go) - a local run, not GitHub"
    ),
    "ci/act/pull-request.json": "as ci/act/push.json",
    "ci/buildkite/docker-plugin-job-api-only.json": (
        "ci-info keys Buildkite on BUILDKITE alone, which the Docker plugin does not pass into "
        "the container; the agent's Job API socket does reach it (buildkite-plugins/"
        "docker-buildkite-plugin commands/run.sh; buildkite/agent job/api.go)"
    ),
    "ci/buildkite/docker-plugin-mount-agent.json": (
        "as ci/buildkite/docker-plugin-job-api-only.json: mount-buildkite-agent passes "
        "BUILDKITE_JOB_ID and BUILDKITE_BUILD_ID, never BUILDKITE"
    ),
    "ci/dsari/jenkins-environment.json": (
        _LAST_WINS.format(later="Jenkins", earlier="dsari")
        + "dsari's jenkins_environment option exports JENKINS_URL=file:///... - "
        "https://github.com/rfinnie/dsari/blob/main/doc/environment.md"
    ),
    # -- PR flags where ci-info is stale or wrong ----------------------------------------
    "ci/github_actions/pull-request-target.json": (
        "ci-info's GitHub PR rule is GITHUB_EVENT_NAME == 'pull_request' only; "
        "pull_request_target runs for a pull request in the base repository's context - "
        "https://docs.github.com/en/actions/reference/events-that-trigger-workflows#pull_request_target"
    ),
    "ci/github_actions/windows-pull-request-review.json": (
        "pull_request_review runs on the pull request's merge ref; ci-info only knows "
        "'pull_request' - "
        "https://docs.github.com/en/actions/reference/events-that-trigger-workflows#pull_request_review"
    ),
    "ci/gitlab/external-pull-request.json": (
        "ci-info only tests CI_MERGE_REQUEST_ID; GitHub pull requests of a mirrored project "
        "run as external pull request pipelines with CI_EXTERNAL_PULL_REQUEST_IID - "
        "https://docs.gitlab.com/ci/variables/predefined_variables/"
    ),
    "ci/jenkins/gitlab-plugin-merge-request.json": (
        "ci-info's Jenkins PR rule ignores the GitLab plugin's gitlabMergeRequestId "
        "(env-ci reads it) - https://plugins.jenkins.io/gitlab-plugin/"
    ),
    "ci/jenkins/gerrit-patchset.json": (
        "a Gerrit Trigger build of a new patch set is a change under review; ci-info's "
        "Jenkins PR rule ignores GERRIT_* - https://plugins.jenkins.io/gerrit-trigger/"
    ),
    "ci/jenkins/no-root-url.json": (
        "ci-info requires JENKINS_URL, which Jenkins sets only when its root URL is "
        "configured; BUILD_TAG is always 'jenkins-${JOB_NAME}-${BUILD_NUMBER}' - "
        "https://www.jenkins.io/doc/book/pipeline/jenkinsfile/#using-environment-variables"
    ),
    "ci/codemagic/branch.json": (
        "ci-info tests CM_PULL_REQUEST for truthiness and 'false' is truthy in JavaScript; "
        "CM_PULL_REQUEST is 'true' or 'false' - "
        "https://docs.codemagic.io/yaml-basic-configuration/environment-variables/"
    ),
    "ci/semaphore/pull-request.json": (
        "ci-info reads PULL_REQUEST_NUMBER (Semaphore Classic); Semaphore 2.0 sets "
        "SEMAPHORE_GIT_REF_TYPE=pull-request and SEMAPHORE_GIT_PR_NUMBER - "
        "https://docs.semaphoreci.com/reference/env-vars"
    ),
    "ci/woodpecker/pull-request.json": (
        "ci-info reads CI_BUILD_EVENT (Woodpecker <= 1.x); Woodpecker 2 sets "
        "CI_PIPELINE_EVENT - https://woodpecker-ci.org/docs/usage/environment"
    ),
    "ci/vela/pull-request.json": (
        "ci-info's rule VELA_PULL_REQUEST == '1' only matches pull request #1: the "
        "variable is the PR number; VELA_BUILD_EVENT=pull_request is the event - "
        "https://go-vela.github.io/docs/reference/environment/variables/"
    ),
    "ci/harness/pull-request.json": (
        "ci-info has no PR rule for Harness; Harness sets DRONE_BUILD_EVENT=pull_request and "
        "DRONE_PULL_REQUEST - "
        "https://developer.harness.io/docs/continuous-integration/troubleshoot-ci/ci-env-var"
    ),
    "ci/harness/push.json": (
        "ci-info has no PR rule for Harness (isPR null); DRONE_BUILD_EVENT tells - "
        "https://developer.harness.io/docs/continuous-integration/troubleshoot-ci/ci-env-var"
    ),
    "ci/prow/postsubmit.json": (
        "ci-info has no PR rule for Prow; JOB_TYPE says presubmit/batch (pull requests) or "
        "postsubmit/periodic - https://docs.prow.k8s.io/docs/jobs/#job-environment-variables"
    ),
    "ci/prow/presubmit.json": "as ci/prow/postsubmit.json",
    "ci/sourcehut/push.json": (
        "ci-info has no PR rule for SourceHut; patch sets sent to a lists.sr.ht list build "
        "with BUILD_REASON=patchset and PATCHSET_ID - https://man.sr.ht/builds.sr.ht/"
    ),
    "ci/sourcehut/patchset.json": "as ci/sourcehut/push.json",
    "ci/gerrit/patchset-created.json": (
        "ci-info has no PR rule for Gerrit; GERRIT_EVENT_TYPE=patchset-created is a change "
        "under review - https://plugins.jenkins.io/gerrit-trigger/"
    ),
    "ci/bamboo/branch.json": (
        "ci-info has no PR rule for Bamboo; plan branches built from a pull request carry "
        "bamboo_repository_pr_key (Bamboo exports every variable as bamboo_<name>) - "
        "https://confluence.atlassian.com/bamboo/bamboo-variables-289277087.html"
    ),
    "ci/bamboo/pull-request.json": "as ci/bamboo/branch.json",
    "ci/screwdriver/main.json": (
        "ci-info's rule is 'SD_PULL_REQUEST present and not \"false\"', so the blank "
        "SD_PULL_REQUEST of every non-PR build counts as a pull request; the variable is "
        "'Pull Request number (blank if non-PR)' - "
        "https://docs.screwdriver.cd/user-guide/environment-variables"
    ),
    "ci/heroku/ci-test-run.json": (
        "ci-info recognises Heroku only by NODE=/app/.heroku/node/bin/node (any npm script on "
        "any dyno) and so misses Heroku CI for a Python app; Heroku CI sets "
        "HEROKU_TEST_RUN_ID - https://devcenter.heroku.com/articles/heroku-ci"
    ),
    # -- vendors ci-info does not know, or knows under a rule we do not use --------------
    "ci/capawesome_cloud/ios-build.json": (
        "ci-info keys Capawesome Cloud on CAPAWESOME_CLOUD, which the documented default "
        "environment does not contain (CI, CI_APP_ID, CI_BUILD_ID, CI_GIT_*, CI_PLATFORM) - "
        "https://capawesome.io/cloud/native-builds/environments"
    ),
    "ci/concourse/task-containerd.json": (
        "no variable marks a Concourse task step (build metadata goes to resources only - "
        "https://concourse-ci.org/implementing-resource-types.html#resource-metadata); "
        "envdetect reads the container's init process and /tmp/build/<handle>"
    ),
    "ci/concourse/task-houdini-macos.json": (
        "as ci/concourse/task-containerd.json: a step on a macOS worker is a child of "
        "`concourse worker`"
    ),
    "ci/buildbot/docker-worker-step.json": (
        "Buildbot exports no variable to its steps (buildbot-worker runprocess.py); "
        "envdetect recognises the worker's twistd process in the ancestry"
    ),
    "ci/buildbot/worker-start.json": "as ci/buildbot/docker-worker-step.json",
    "ci/aws_amplify/branch.json": (
        "ci-info does not know AWS Amplify builds (AWS_APP_ID, AWS_JOB_ID) - "
        "https://docs.aws.amazon.com/amplify/latest/userguide/environment-variables.html"
    ),
    "ci/aws_amplify/pull-request-preview.json": "as ci/aws_amplify/branch.json",
    "ci/jetbrains_space/job.json": (
        "ci-info does not know JetBrains Space Automation (env-ci does) - "
        "https://www.jetbrains.com/help/space/automation-environment-variables.html"
    ),
    "ci/puppet/build.json": (
        "ci-info does not know Puppet Pipelines (env-ci does: DISTELLI_APPNAME)"
    ),
    "ci/scrutinizer/inspection.json": (
        "ci-info does not know Scrutinizer (env-ci does) - "
        "https://scrutinizer-ci.com/docs/build/environment-variables"
    ),
    "ci/wercker/pipeline.json": (
        "ci-info does not know Wercker (env-ci does: WERCKER_MAIN_PIPELINE_STARTED)"
    ),
    "ci/shippable/pull-request.json": (
        "ci-info removed Shippable in 4.0.0 (env-ci and std-env still know it)"
    ),
    "ci/solano/session.json": "ci-info removed Solano CI in 4.0.0 (std-env: TDDIUM)",
    "ci/firebase_app_hosting/build.json": (
        "ci-info does not know Firebase App Hosting builds (std-env: FIREBASE_APP_HOSTING)"
    ),
    "ci/edgeone_pages/build.json": (
        "ci-info does not know EdgeOne Pages builds (std-env: EO_PAGES_CI)"
    ),
    # -- semantics -----------------------------------------------------------------------
    "ci/semantics/ci-false-with-vendor-variable.json": (
        "ci-info turns everything off when CI=false; envdetect lets a vendor's own variable "
        "win, because CI=false inside real CI jobs is the common workaround for tools that "
        "treat warnings as errors under CI (GITHUB_ACTIONS is 'always set to true when "
        "GitHub Actions is running the workflow' - " + _GH + ")"
    ),
    "ci/semantics/ci-0-laptop.json": (
        "ci-info only honours CI='false'; CI=0 (and no/off, any case) means 'not CI' here"
    ),
    "ci/semantics/ci-no-uppercase.json": "as ci/semantics/ci-0-laptop.json",
    "ci/not_ci/laptop-build-number.json": (
        "ci-info counts BUILD_NUMBER, BUILD_ID and RUN_ID alone as CI (ci-info issue #39); "
        "they are common on developer machines, Jenkins is recognised by its own variables"
    ),
    # -- hosting runtimes are not CI -----------------------------------------------------
    "ci/not_ci/vercel-function-runtime.json": (
        "ci-info reports Vercel whenever VERCEL is set; VERCEL=1 exists at run time too and "
        "CI only at build time - "
        "https://vercel.com/docs/environment-variables/system-environment-variables"
    ),
    "ci/not_ci/render-web-service.json": (
        "ci-info reports Render whenever RENDER is set; Render sets it at build *and* run "
        "time - https://render.com/docs/environment-variables"
    ),
    "ci/not_ci/heroku-web-dyno.json": (
        "ci-info's Heroku rule (NODE contains /app/.heroku/node/bin/node) matches any npm "
        "script on any dyno; Heroku CI runs are marked by HEROKU_TEST_RUN_ID - "
        "https://devcenter.heroku.com/articles/heroku-ci"
    ),
    "ci/not_ci/alpic-runtime.json": (
        "ci-info reports Alpic whenever ALPIC_HOST is set; Alpic hosts MCP servers and the "
        "variable names the running deployment's host"
    ),
}


@pytest.fixture(scope="session")
def ci_info(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The installed ci-info package directory (one install per run, reused after)."""
    modules = npm.installed_or_unavailable(
        request,
        tmp_path_factory,
        {"ci-info": CI_INFO_VERSION},
        needed_by="ci-info differential test",
    )
    return modules / "ci-info"


@pytest.fixture(scope="session")
def ci_info_answers(ci_info: Path) -> dict[str, dict[str, Any]]:
    """ci-info's answer for every CI fixture, one node process each (run in parallel)."""

    def ask(path: Path) -> tuple[str, dict[str, Any]]:
        output = npm.run_node_probe(PROBE, ci_info, load(path).get("environ") or {})
        answer: dict[str, Any] = json.loads(output)
        return fixture_id(path), answer

    with ThreadPoolExecutor(max_workers=8) as pool:
        return dict(pool.map(ask, CI_FIXTURES))


def _ours(path: Path) -> tuple[bool, str | None, bool | None]:
    facet = envdetect.detect(envdetect.load_fixture(load(path)), plugins=False).to_dict()["ci"]
    if facet is None:
        return False, None, None
    return True, facet["id"], facet["is_pr"]


def _theirs(answer: dict[str, Any]) -> tuple[bool, str | None, bool | None]:
    vendor = answer.get("id")
    return bool(answer.get("isCI")), vendor.lower() if vendor else None, answer.get("isPR")


def test_there_are_ci_fixtures() -> None:
    assert len(CI_FIXTURES) >= 100


def test_every_disagreement_names_a_fixture() -> None:
    known = {fixture_id(path) for path in CI_FIXTURES}
    assert sorted(set(DISAGREEMENTS) - known) == []


@pytest.mark.parametrize("path", CI_FIXTURES, ids=fixture_id)
def test_matches_ci_info_or_says_why(path: Path, ci_info_answers: dict[str, Any]) -> None:
    name = fixture_id(path)
    ours = _ours(path)
    theirs = _theirs(ci_info_answers[name])
    if name in DISAGREEMENTS:
        assert ours != theirs, (
            f"{name} is listed as a deliberate disagreement but ci-info now agrees {ours}: "
            "remove it from DISAGREEMENTS"
        )
    else:
        assert ours == theirs, (
            f"{name}: envdetect (is_ci, id, is_pr) = {ours}, ci-info {CI_INFO_VERSION} = "
            f"{theirs}; fix the detector or document the disagreement in DISAGREEMENTS"
        )
