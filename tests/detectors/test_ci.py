"""The ci facet: the vendor table, the semantics around it, the probes, privacy."""

from __future__ import annotations

from typing import Any

import pytest

import envdetect
from envdetect._fixture import FixtureContext
from envdetect.detectors import ci
from tests.conftest import WindowsContext, fixture_paths, load

#: ci-info 4.5.0's vendors.json constants, lowercased: every one is an envdetect id.
CI_INFO_IDS = {
    "agola",
    "alpic",
    "appcircle",
    "appveyor",
    "codebuild",
    "azure_pipelines",
    "bamboo",
    "bitbucket",
    "bitrise",
    "buddy",
    "buildkite",
    "capawesome_cloud",
    "circle",
    "cirrus",
    "cloudflare_pages",
    "cloudflare_workers",
    "codefresh",
    "codemagic",
    "codeship",
    "drone",
    "dsari",
    "earthly",
    "eas",
    "gerrit",
    "gitea_actions",
    "github_actions",
    "gitlab",
    "gocd",
    "google_cloud_build",
    "harness",
    "heroku",
    "hudson",
    "jenkins",
    "layerci",
    "magnum",
    "netlify",
    "nevercode",
    "prow",
    "releasehub",
    "render",
    "rwx",
    "sail",
    "screwdriver",
    "semaphore",
    "sourcehut",
    "strider",
    "taskcluster",
    "teamcity",
    "travis",
    "vela",
    "vercel",
    "appcenter",
    "woodpecker",
    "xcode_cloud",
    "xcode_server",
}
#: Known only to env-ci or std-env.
PEER_EXTRA_IDS = {
    "jetbrains_space",
    "puppet",
    "scrutinizer",
    "wercker",
    "shippable",
    "solano",
    "aws_amplify",
    "firebase_app_hosting",
    "edgeone_pages",
}
#: Known to none of the peers.
OWN_IDS = {"forgejo_actions", "concourse", "buildbot", "act"}

OPS = {"flag", "eq", "in", "prefix", "all", "any", "not", "probe"}


def run(environ: dict[str, str], **world: Any) -> dict[str, Any] | None:
    result: dict[str, Any] | None = ci.detect(FixtureContext({"environ": environ, **world}))
    return result


def vendor(environ: dict[str, str], **world: Any) -> str | None:
    result = run(environ, **world)
    return None if result is None else result["id"]


def is_pr(environ: dict[str, str]) -> bool | None:
    result = run(environ)
    assert result is not None, environ
    value: bool | None = result["is_pr"]
    return value


# -- the table ------------------------------------------------------------------------------
def _walk(rule: Any, names: set[str]) -> None:
    if rule is None:
        return
    if isinstance(rule, str):
        names.add(rule)
        return
    assert rule[0] in OPS, rule
    if rule[0] in ("all", "any"):
        assert len(rule) >= 3, rule
        for part in rule[1:]:
            _walk(part, names)
    elif rule[0] == "not":
        _walk(rule[1], names)
    elif rule[0] == "in":
        assert isinstance(rule[2], tuple), rule
        assert all(v == v.lower() for v in rule[2]), rule
        names.add(rule[1])
    elif rule[0] != "probe":
        names.add(rule[1])


def test_ids_are_the_union_of_the_peers_and_ours() -> None:
    assert len(ci.IDS) == len(set(ci.IDS))
    assert set(ci.IDS) == CI_INFO_IDS | PEER_EXTRA_IDS | OWN_IDS
    assert len(ci.IDS) == 55 + 9 + 4


def test_entries_are_plain_data() -> None:
    for entry in ci.VENDORS:
        vid, name, rule, pr_rule = entry
        assert vid.isidentifier()
        assert vid == vid.lower()
        assert isinstance(name, str)
        assert name
        assert name.strip() == name
        _walk(rule, set())
        _walk(pr_rule, set())


def test_names_lists_every_variable_a_rule_consults() -> None:
    names = set(ci.GENERIC)
    for _, _, rule, pr_rule in ci.VENDORS:
        _walk(rule, names)
        _walk(pr_rule, names)
    assert names == set(ci.NAMES)


def test_no_detection_rule_holds_in_an_empty_environment() -> None:
    # Every rule needs some variable: the pre-filter on NAMES relies on it.
    empty: dict[str, str] = {}
    for _, _, rule, _ in ci.VENDORS:
        assert not ci.holds(empty.get, rule), rule


def test_probe_rules_have_probes() -> None:
    probes = {
        rule[1] for _, _, rule, _ in ci.VENDORS if isinstance(rule, tuple) and rule[0] == "probe"
    }
    assert probes == set(ci.PROBES) == {"concourse", "buildbot"}


# -- rule language --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("rule", "environ", "expected"),
    [
        ("A", {"A": "x"}, True),
        ("A", {}, False),
        (("flag", "A"), {"A": "true"}, True),
        (("flag", "A"), {"A": "woodpecker"}, True),
        (("flag", "A"), {"A": " False "}, False),
        (("flag", "A"), {"A": "0"}, False),
        (("flag", "A"), {"A": "OFF"}, False),
        (("flag", "A"), {"A": "no"}, False),
        (("eq", "A", "PullRequest"), {"A": "pullrequest"}, True),
        (("eq", "A", "true"), {"A": " TRUE\n"}, True),
        (("eq", "A", "true"), {"A": "1"}, False),
        (("in", "A", ("x", "y")), {"A": "Y"}, True),
        (("in", "A", ("x", "y")), {"A": "z"}, False),
        (("prefix", "A", "jenkins-"), {"A": "jenkins-job-1"}, True),
        (("prefix", "A", "jenkins-"), {"A": "hudson-job-1"}, False),
        (("all", "A", "B"), {"A": "1"}, False),
        (("all", "A", "B"), {"A": "1", "B": "1"}, True),
        (("any", "A", "B"), {"B": "1"}, True),
        (("not", "A"), {}, True),
        (("probe", "buildbot"), {"A": "1"}, False),
    ],
)
def test_rule_language(rule: Any, environ: dict[str, str], expected: bool) -> None:
    assert ci.holds(environ.get, rule) is expected


# -- generic CI and its semantics ---------------------------------------------------------
@pytest.mark.parametrize("value", ["true", "True", "TRUE", "1", "yes", "woodpeckerish", "drone"])
def test_generic_ci_gives_a_null_id(value: str) -> None:
    assert run({"CI": value}) == {"id": None, "name": None, "is_pr": None}


def test_continuous_integration_is_generic_ci() -> None:
    assert run({"CONTINUOUS_INTEGRATION": "true"}) == {"id": None, "name": None, "is_pr": None}


@pytest.mark.parametrize(
    "value", ["false", "False", "FALSE", "0", "no", "No", "off", "OFF", " false "]
)
def test_ci_false_turns_generic_detection_off(value: str) -> None:
    assert run({"CI": value, "CONTINUOUS_INTEGRATION": "true"}) is None


@pytest.mark.parametrize("value", ["false", "0", "no", "off"])
def test_ci_false_does_not_hide_a_vendor(value: str) -> None:
    assert vendor({"CI": value, "GITHUB_ACTIONS": "true"}) == "github_actions"
    assert vendor({"CI": value, "BUILDKITE": "true"}) == "buildkite"
    assert vendor({"CI": value, "TF_BUILD": "True"}) == "azure_pipelines"


def test_ci_false_hides_vendors_that_need_ci_to_say_build() -> None:
    assert vendor({"VERCEL": "1", "CI": "1"}) == "vercel"
    assert vendor({"VERCEL": "1", "CI": "false"}) is None


@pytest.mark.parametrize(
    "name",
    [
        "CI",
        "GITHUB_ACTIONS",
        "GITLAB_CI",
        "TRAVIS",
        "JENKINS_URL",
        "TF_BUILD",
        "CONTINUOUS_INTEGRATION",
        "BUILDKITE",
    ],
)
def test_empty_values_are_unset(name: str) -> None:
    assert run({name: ""}) is None


def test_empty_pr_variable_is_no_pr() -> None:
    assert is_pr({"BITBUCKET_COMMIT": "abc", "BITBUCKET_PR_ID": ""}) is False
    assert is_pr({"SCREWDRIVER": "true", "SD_PULL_REQUEST": ""}) is False


@pytest.mark.parametrize(
    "environ",
    [
        {"BUILD_NUMBER": "42"},
        {"BUILD_ID": "2024-06-11_12-00-00"},
        {"RUN_ID": "7"},
        {"BUILD_NUMBER": "42", "BUILD_ID": "42", "RUN_ID": "7"},
        {"JENKINS_URL": "https://jenkins.example.com/"},  # a jenkins-cli user's shell
        {"CI_NAME": "my-own-ci"},
        {"CI_BUILD_ID": "7"},
        {"TASK_ID": "abc", "RUN_ID": "0"},
        {"HUDSON_URL": "http://hudson/"},
        {"XCS": "1"},
        {"CI_XCODE_PROJECT": "Widget.xcodeproj"},
        {"GITHUB_REPOSITORY": "octocat/Hello-World", "GITHUB_TOKEN": "ghu_x", "CODESPACES": "true"},
    ],
)
def test_stray_variables_are_not_ci(environ: dict[str, str]) -> None:
    assert run(environ) is None


# -- hosting runtimes are not CI ------------------------------------------------------------
@pytest.mark.parametrize(
    "environ",
    [
        {"VERCEL": "1", "VERCEL_ENV": "production", "VERCEL_REGION": "iad1"},
        {"VERCEL": "1", "VERCEL_ENV": "development"},
        {"RENDER": "true", "RENDER_INSTANCE_ID": "srv-x-1", "RENDER_SERVICE_ID": "srv-x"},
        {"RENDER": "true", "RENDER_INSTANCE_ID": "srv-x-1", "RENDER_BUILD_ID": "bld-x"},
        {"RENDER": "true", "RENDER_SERVICE_ID": "srv-x"},
        {"DYNO": "web.1", "NODE": "/app/.heroku/node/bin/node"},
        {"NETLIFY_DEV": "true", "NETLIFY_LOCAL": "true", "CONTEXT": "dev"},
        {"NETLIFY": "true", "NETLIFY_DEV": "true"},
        {"K_SERVICE": "api", "K_REVISION": "api-1", "K_CONFIGURATION": "api"},
        {"RAILWAY_SERVICE_ID": "x", "RAILWAY_REPLICA_ID": "y"},
        {"ALPIC_HOST": "x.alpic.live"},
        {"FIREBASE_APP_HOSTING": "1", "X_GOOGLE_TARGET_PLATFORM": "fah"},
        {"FIREBASE_APP_HOSTING": "1", "K_SERVICE": "web"},
    ],
)
def test_hosting_runtimes_are_not_ci(environ: dict[str, str]) -> None:
    assert run(environ) is None


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"VERCEL": "1", "CI": "1"}, "vercel"),
        ({"NOW_BUILDER": "1"}, "vercel"),
        ({"RENDER": "true", "RENDER_BUILD_ID": "bld-x"}, "render"),
        ({"RENDER": "true", "CI": "true"}, "render"),
        ({"NETLIFY": "true", "BUILD_ID": "x"}, "netlify"),
        ({"HEROKU_TEST_RUN_ID": "x", "CI": "true", "DYNO": "test.1"}, "heroku"),
        ({"ALPIC_HOST": "x.alpic.live", "CI": "true"}, "alpic"),
        ({"FIREBASE_APP_HOSTING": "1"}, "firebase_app_hosting"),
    ],
)
def test_hosting_platform_builds_are_ci(environ: dict[str, str], expected: str) -> None:
    assert vendor(environ) == expected


# -- precedence ---------------------------------------------------------------------------
GITHUB = {"CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push"}


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        (GITHUB, "github_actions"),
        ({**GITHUB, "ACT": "true"}, "act"),
        ({**GITHUB, "ACT": "false"}, "github_actions"),
        ({"ACT": "true"}, None),  # act without the GitHub variables is something else
        ({**GITHUB, "GITEA_ACTIONS": "true", "ACT": "true"}, "gitea_actions"),
        (
            {**GITHUB, "GITEA_ACTIONS": "true", "FORGEJO_ACTIONS": "true", "ACT": "true"},
            "forgejo_actions",
        ),
        ({**GITHUB, "CODEBUILD_BUILD_ARN": "arn:x", "CODEBUILD_BUILD_ID": "p:x"}, "github_actions"),
        (
            {"CODEBUILD_BUILD_ID": "p:x", "AWS_APP_ID": "d2x", "AWS_JOB_ID": "0000000001"},
            "aws_amplify",
        ),
        ({"CODEBUILD_BUILD_ID": "p:x"}, "codebuild"),
        ({"DRONE": "true", "DRONE_BUILD_EVENT": "push", "HARNESS_BUILD_ID": "5"}, "harness"),
        ({"DRONE": "true", "DRONE_BUILD_EVENT": "push"}, "drone"),
        ({"DSARI": "true", "JENKINS_URL": "file:///x/", "BUILD_ID": "u"}, "dsari"),
        ({"JENKINS_URL": "https://j/", "HUDSON_URL": "https://j/", "BUILD_ID": "3"}, "jenkins"),
        ({"HUDSON_URL": "https://h/", "BUILD_ID": "3"}, "hudson"),
        ({"BUILD_TAG": "jenkins-job-3", "BUILD_ID": "3"}, "jenkins"),
        ({"BUILD_TAG": "hudson-job-3"}, "hudson"),
        (
            {
                "JENKINS_URL": "https://j/",
                "BUILD_ID": "3",
                "GERRIT_PROJECT": "w",
                "GERRIT_EVENT_TYPE": "patchset-created",
            },
            "jenkins",
        ),
        ({"GERRIT_PROJECT": "w", "GERRIT_EVENT_TYPE": "patchset-created"}, "gerrit"),
        ({"TF_BUILD": "True", "APPCENTER_BUILD_ID": "4"}, "appcenter"),
        ({"TF_BUILD": "True"}, "azure_pipelines"),
        ({**GITHUB, "EAS_BUILD": "true"}, "github_actions"),
        ({"CI": "1", "EAS_BUILD": "true"}, "eas"),
        ({**GITHUB, "EARTHLY_CI": "true"}, "github_actions"),
        ({"EARTHLY_CI": "true"}, "earthly"),
        ({"GITLAB_CI": "true", "CI": "true", "BUILDER_OUTPUT": "/builder/outputs"}, "gitlab"),
        ({"CI": "woodpecker"}, "woodpecker"),
        ({"CI_NAME": "codeship", "CI": "true"}, "codeship"),
        ({"CI_NAME": "CodeShip"}, "codeship"),
        ({"CI_NAME": "sourcehut"}, "sourcehut"),
        (
            {
                "CI_XCODE_PROJECT": "W.xcodeproj",
                "CI_BUILD_ID": "b",
                "CI_APP_ID": "a",
                "CI_GIT_REFERENCE": "main",
                "CI_PLATFORM": "ios",
            },
            "xcode_cloud",
        ),
        (
            {
                "CI_APP_ID": "a",
                "CI_BUILD_ID": "b",
                "CI_GIT_REFERENCE": "main",
                "CI_PLATFORM": "ios",
            },
            "capawesome_cloud",
        ),
        ({"CAPAWESOME_CLOUD": "true"}, "capawesome_cloud"),
        ({"TASK_ID": "t", "RUN_ID": "0", "TASKCLUSTER_ROOT_URL": "https://tc"}, "taskcluster"),
    ],
)
def test_precedence(environ: dict[str, str], expected: str | None) -> None:
    assert vendor(environ) == expected


# -- pull requests ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({**GITHUB, "GITHUB_EVENT_NAME": "pull_request"}, True),
        ({**GITHUB, "GITHUB_EVENT_NAME": "pull_request_target"}, True),
        ({**GITHUB, "GITHUB_EVENT_NAME": "pull_request_review"}, True),
        ({**GITHUB, "GITHUB_EVENT_NAME": "pull_request_review_comment"}, True),
        ({**GITHUB, "GITHUB_EVENT_NAME": "merge_group"}, False),
        ({**GITHUB, "GITHUB_EVENT_NAME": "issue_comment"}, False),
        ({"GITLAB_CI": "true", "CI_MERGE_REQUEST_IID": "5"}, True),
        ({"GITLAB_CI": "true", "CI_EXTERNAL_PULL_REQUEST_IID": "5"}, True),
        ({"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "push"}, False),
        ({"CIRCLECI": "true", "CIRCLE_PULL_REQUEST": "https://github.com/a/b/pull/1"}, True),
        ({"CIRCLECI": "true", "CIRCLE_PR_NUMBER": "1"}, True),
        ({"CIRCLECI": "true"}, False),
        ({"TRAVIS": "true", "TRAVIS_PULL_REQUEST": "false"}, False),
        ({"TRAVIS": "true", "TRAVIS_PULL_REQUEST": "77"}, True),
        ({"TF_BUILD": "True", "BUILD_REASON": "PullRequest"}, True),
        ({"TF_BUILD": "True", "BUILD_REASON": "IndividualCI"}, False),
        ({"BITBUCKET_COMMIT": "c", "BITBUCKET_PR_ID": "7"}, True),
        ({"BUILDKITE": "true", "BUILDKITE_PULL_REQUEST": "false"}, False),
        ({"BUILDKITE": "true", "BUILDKITE_PULL_REQUEST": "233"}, True),
        ({"JENKINS_URL": "j", "BUILD_ID": "1", "CHANGE_ID": "42"}, True),
        ({"JENKINS_URL": "j", "BUILD_ID": "1", "ghprbPullId": "42"}, True),
        ({"JENKINS_URL": "j", "BUILD_ID": "1", "gitlabMergeRequestId": "42"}, True),
        (
            {
                "JENKINS_URL": "j",
                "BUILD_ID": "1",
                "GERRIT_CHANGE_NUMBER": "4",
                "GERRIT_EVENT_TYPE": "patchset-created",
            },
            True,
        ),
        (
            {
                "JENKINS_URL": "j",
                "BUILD_ID": "1",
                "GERRIT_CHANGE_NUMBER": "4",
                "GERRIT_EVENT_TYPE": "change-merged",
            },
            False,
        ),
        ({"JENKINS_URL": "j", "BUILD_ID": "1"}, False),
        ({"CODEBUILD_BUILD_ID": "p:x", "CODEBUILD_WEBHOOK_EVENT": "PULL_REQUEST_CREATED"}, True),
        ({"CODEBUILD_BUILD_ID": "p:x", "CODEBUILD_WEBHOOK_EVENT": "PULL_REQUEST_UPDATED"}, True),
        ({"CODEBUILD_BUILD_ID": "p:x", "CODEBUILD_WEBHOOK_EVENT": "PULL_REQUEST_REOPENED"}, True),
        ({"CODEBUILD_BUILD_ID": "p:x", "CODEBUILD_WEBHOOK_EVENT": "PULL_REQUEST_MERGED"}, False),
        ({"CODEBUILD_BUILD_ID": "p:x", "CODEBUILD_WEBHOOK_EVENT": "PULL_REQUEST_CLOSED"}, False),
        ({"CODEBUILD_BUILD_ID": "p:x", "CODEBUILD_WEBHOOK_EVENT": "PUSH"}, False),
        ({"CODEBUILD_BUILD_ID": "p:x", "CODEBUILD_WEBHOOK_EVENT": "RELEASED"}, False),
        ({"CODEBUILD_BUILD_ID": "p:x"}, False),
        ({"CM_BUILD_ID": "u", "CM_PULL_REQUEST": "false"}, False),
        ({"CM_BUILD_ID": "u", "CM_PULL_REQUEST": "true"}, True),
        ({"BITRISE_IO": "true", "PR": "false"}, False),
        ({"BITRISE_IO": "true", "PR": "true"}, True),
        ({"BITRISE_IO": "true", "BITRISE_PULL_REQUEST": "false"}, False),
        ({"BITRISE_IO": "true", "BITRISE_PULL_REQUEST": "61"}, True),
        ({"SEMAPHORE": "true", "SEMAPHORE_GIT_REF_TYPE": "pull-request"}, True),
        ({"SEMAPHORE": "true", "SEMAPHORE_GIT_REF_TYPE": "branch"}, False),
        ({"SEMAPHORE": "true", "PULL_REQUEST_NUMBER": "3"}, True),
        ({"CI": "woodpecker", "CI_PIPELINE_EVENT": "pull_request"}, True),
        ({"CI": "woodpecker", "CI_PIPELINE_EVENT": "pull_request_closed"}, False),
        ({"CI": "woodpecker", "CI_BUILD_EVENT": "pull_request"}, True),
        ({"CI": "woodpecker", "CI_PIPELINE_EVENT": "push"}, False),
        ({"VELA": "true", "VELA_BUILD_EVENT": "pull_request", "VELA_PULL_REQUEST": "17"}, True),
        ({"VELA": "true", "VELA_BUILD_EVENT": "comment", "VELA_PULL_REQUEST": "17"}, False),
        ({"NETLIFY": "true", "PULL_REQUEST": "false"}, False),
        ({"NETLIFY": "true", "PULL_REQUEST": "true"}, True),
        ({"RENDER": "true", "CI": "true", "IS_PULL_REQUEST": "false"}, False),
        ({"RENDER": "true", "CI": "true", "IS_PULL_REQUEST": "true"}, True),
        ({"AC_APPCIRCLE": "true", "AC_GIT_PR": "false"}, False),
        ({"AC_APPCIRCLE": "true", "AC_GIT_PR": "true"}, True),
        ({"SCREWDRIVER": "true", "SD_PULL_REQUEST": "12"}, True),
        ({"SCREWDRIVER": "true", "SD_PULL_REQUEST": "false"}, False),
        ({"PROW_JOB_ID": "x", "JOB_TYPE": "presubmit"}, True),
        ({"PROW_JOB_ID": "x", "JOB_TYPE": "batch"}, True),
        ({"PROW_JOB_ID": "x", "JOB_TYPE": "periodic"}, False),
        ({"HARNESS_BUILD_ID": "5", "DRONE": "true", "DRONE_BUILD_EVENT": "pull_request"}, True),
        ({"HARNESS_BUILD_ID": "5", "DRONE": "true", "DRONE_PULL_REQUEST": ""}, False),
        ({"AGOLA_GIT_REF": "r", "AGOLA_PULL_REQUEST_ID": ""}, False),
        ({"AGOLA_GIT_REF": "r", "AGOLA_GIT_REF_TYPE": "pull_request"}, True),
        ({"VERCEL": "1", "CI": "1", "VERCEL_GIT_PULL_REQUEST_ID": ""}, False),
        ({"VERCEL": "1", "CI": "1", "VERCEL_GIT_PULL_REQUEST_ID": "36"}, True),
        ({"BUDDY_WORKSPACE_ID": "1", "BUDDY_RUN_PULL_REQUEST_NO": "4"}, True),
        ({"BUDDY_WORKSPACE_ID": "1"}, False),
        ({"bamboo_planKey": "W-CI", "bamboo_repository_pr_key": "19"}, True),
        ({"CI_NAME": "sourcehut", "BUILD_REASON": "patchset"}, True),
        ({"CI_NAME": "sourcehut", "BUILD_REASON": "[abc] commit"}, False),
    ],
)
def test_pull_request_flags(environ: dict[str, str], expected: bool) -> None:
    assert is_pr(environ) is expected


@pytest.mark.parametrize(
    "environ",
    [
        {"TEAMCITY_VERSION": "2024.03"},
        {"CI_NAME": "codeship", "CI_PULL_REQUEST": "false"},
        {"HEROKU_TEST_RUN_ID": "x", "HEROKU_PR_NUMBER": "5"},
        {"BUILDER_OUTPUT": "/builder/outputs"},
        {"GO_PIPELINE_LABEL": "1"},
        {"EAS_BUILD": "true"},
        {"CF_PAGES": "1"},
        {"DSARI": "true"},
    ],
)
def test_pull_request_unknown_where_the_vendor_does_not_tell(environ: dict[str, str]) -> None:
    assert is_pr(environ) is None


# -- vendors without variables ------------------------------------------------------------
LINUX = {"system": "Linux", "release": "6.1.0", "machine": "x86_64"}
CONCOURSE_FILES = {"/proc/1/cmdline": "/tmp/gdn-init\0", "/tmp/build/3f2a9c1e/src/go.mod": ""}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (CONCOURSE_FILES, "concourse"),
        ({**CONCOURSE_FILES, "/proc/1/cmdline": "/tmp/garden-init\0"}, "concourse"),
        (
            {
                "/proc/1/cmdline": "/tmp/gdn-init\0",
                "/tmp/build/0b4e5c3a-7f1d-4a2b-9c8e-6d5f4a3b2c1d/src/go.mod": "",
            },
            "concourse",
        ),
        ({"/proc/1/cmdline": "/tmp/gdn-init\0"}, None),  # no step volume
        ({"/tmp/build/3f2a9c1e/src/go.mod": ""}, None),  # no Concourse init
        ({**CONCOURSE_FILES, "/proc/1/cmdline": "/sbin/init\0splash\0"}, None),
        ({**CONCOURSE_FILES, "/proc/1/cmdline": "/usr/bin/dumb-init\0/tmp/gdn-init\0"}, None),
        ({"/proc/1/cmdline": "/tmp/gdn-init\0", "/tmp/build/lib.linux-x86_64/x.so": ""}, None),
    ],
)
def test_concourse_from_its_container(files: dict[str, str], expected: str | None) -> None:
    assert vendor({"HOME": "/root"}, files=files, platform=LINUX) == expected


def test_concourse_on_a_houdini_worker() -> None:
    worker = {"name": "concourse", "cmdline": ["/usr/local/concourse/bin/concourse", "worker"]}
    mac = {"system": "Darwin", "release": "23.6.0", "machine": "arm64"}
    assert vendor({}, processes=[{"name": "bash"}, worker], platform=mac) == "concourse"
    windows = {"system": "Windows", "release": "2022Server", "machine": "AMD64"}
    exe = {"name": "concourse.exe", "cmdline": ["C:\\concourse\\concourse.exe", "worker"]}
    assert vendor({}, processes=[exe], platform=windows) == "concourse"
    web = {"name": "concourse", "cmdline": ["/usr/local/concourse/bin/concourse", "web"]}
    assert vendor({}, processes=[web], platform=mac) is None


def test_concourse_files_are_only_consulted_on_linux() -> None:
    mac = {"system": "Darwin", "release": "23.6.0", "machine": "arm64"}
    assert vendor({}, files=CONCOURSE_FILES, platform=mac) is None


@pytest.mark.parametrize(
    ("process", "expected"),
    [
        (
            {
                "name": "twistd",
                "cmdline": [
                    "/usr/bin/python3",
                    "/usr/local/bin/twistd",
                    "--pidfile=",
                    "-ny",
                    "buildbot.tac",
                ],
            },
            "buildbot",
        ),
        (
            {
                "name": "python3",
                "cmdline": [
                    "python3",
                    "/venv/bin/twistd",
                    "--no_save",
                    "--logfile=twistd.log",
                    "--python=buildbot.tac",
                ],
            },
            "buildbot",
        ),
        ({"name": "twistd", "cmdline": ["twistd", "-y", "/srv/worker/buildbot.tac"]}, "buildbot"),
        (
            {
                "name": "buildbot-worker",
                "cmdline": [
                    "/usr/bin/python3",
                    "/usr/local/bin/buildbot-worker",
                    "start",
                    "/srv/worker",
                ],
            },
            "buildbot",
        ),
        (
            {
                "name": "buildslave",
                "cmdline": ["/usr/bin/python2", "/usr/bin/buildslave", "start", "/srv/slave"],
            },
            "buildbot",
        ),
        (
            {
                "name": "buildbot-worker.exe",
                "cmdline": ["C:\\Python312\\Scripts\\buildbot-worker.exe", "restart", "C:\\bb"],
            },
            "buildbot",
        ),
        (
            {
                "name": "buildbot",
                "cmdline": ["/usr/bin/python3", "/usr/bin/buildbot", "start", "/srv/master"],
            },
            "buildbot",
        ),
        ({"name": "twistd", "cmdline": ["twistd", "-ny", "myservice.tac"]}, None),
        (
            {"name": "python3", "cmdline": ["python3", "-m", "pytest", "tests/test_buildbot.py"]},
            None,
        ),
        ({"name": "vim", "cmdline": ["vim", "buildbot.tac.orig"]}, None),
        (
            {
                "name": "buildbot-worker",
                "cmdline": ["buildbot-worker", "create-worker", "w", "m:9989", "n", "p"],
            },
            None,
        ),
    ],
)
def test_buildbot_from_the_ancestry(process: dict[str, Any], expected: str | None) -> None:
    chain = [{"name": "sh", "cmdline": ["/bin/sh", "-c", "make test"]}, process]
    assert vendor({}, processes=chain, platform=LINUX) == expected


class _NoProbing(FixtureContext):
    """A world where reading the ancestry or a file is a test failure."""

    def _read_processes(self) -> Any:
        raise AssertionError("the ancestry was read although a variable decided")

    def read(self, path: str) -> str | None:
        raise AssertionError(f"{path} was read although a variable decided")

    def listdir(self, path: str) -> list[str] | None:
        raise AssertionError(f"{path} was listed although a variable decided")

    def processes(self) -> Any:
        return self._read_processes()


def test_probes_run_only_when_no_variable_named_a_vendor() -> None:
    ctx = _NoProbing({"environ": GITHUB, "platform": LINUX})
    assert ci.detect(ctx) == {"id": "github_actions", "name": "GitHub Actions", "is_pr": False}


def test_a_vendor_variable_beats_a_probe() -> None:
    twistd = {"name": "twistd", "cmdline": ["twistd", "-ny", "buildbot.tac"]}
    assert vendor({"CI": "true", "BUILDKITE": "true"}, processes=[twistd]) == "buildkite"
    assert vendor({"CI": "true"}, processes=[twistd]) == "buildbot"


def test_the_table_is_not_walked_without_a_single_known_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def forbidden(*args: object) -> bool:
        raise AssertionError("holds() called")

    monkeypatch.setattr(ci, "holds", forbidden)
    assert run({"HOME": "/home/dana", "PATH": "/usr/bin", "LANG": "C.UTF-8"}) is None


# -- privacy and evidence -----------------------------------------------------------------
SECRETS = {
    "GITHUB_ACTIONS": "true",
    "GITHUB_EVENT_NAME": "pull_request",
    "CI": "true",
    "GITHUB_REPOSITORY": "secret-org/secret-repo",
    "GITHUB_REF": "refs/pull/4242/merge",
    "GITHUB_SHA": "deadbeefcafe",
    "CODEBUILD_BUILD_ARN": "arn:aws:codebuild:us-east-1:999988887777:build/p:x",
}


def test_only_id_name_and_is_pr_leave_the_detector() -> None:
    env = envdetect.detect(envdetect.load_fixture({"environ": SECRETS}), plugins=False)
    assert env.to_dict()["ci"] == {"id": "github_actions", "name": "GitHub Actions", "is_pr": True}
    text = env.to_json() + repr(env.explanation)
    for value in ("secret", "4242", "deadbeef", "999988887777"):
        assert value not in text


def test_evidence_names_signals_never_values() -> None:
    env = envdetect.detect(envdetect.load_fixture({"environ": SECRETS}), plugins=False)
    assert env.explanation["ci"]["because"] == ["env GITHUB_ACTIONS", "env GITHUB_EVENT_NAME"]


@pytest.mark.parametrize("path", fixture_paths("ci"), ids=lambda p: p.stem)
def test_fixture_answers_come_from_the_table(path: Any) -> None:
    document = load(path)
    env = envdetect.detect(envdetect.load_fixture(document), plugins=False)
    facet = env.to_dict()["ci"]
    names = {entry[0]: entry[1] for entry in ci.VENDORS}
    if facet is not None:
        assert set(facet) == {"id", "name", "is_pr"}
        assert facet["id"] is None or facet["name"] == names[facet["id"]]
        assert facet["is_pr"] in (True, False, None)
    for signal in env.explanation["ci"]["because"]:
        kind, _, what = signal.partition(" ")
        assert kind in ("env", "file", "process"), signal
        assert what in ci.NAMES or kind != "env", signal
        assert what not in document.get("environ", {}).values() or what in ci.NAMES


def test_ci_kind_precedence() -> None:
    """A CI run is kind "ci" unless a toolkit or an agent drives it."""
    github = envdetect.detect(envdetect.load_fixture({"environ": GITHUB}), plugins=False)
    assert github.runtime.kind == "ci"
    toolkit = envdetect.detect(
        envdetect.load_fixture(
            {"environ": {**GITHUB, "AWS_TOOLING_USER_AGENT": "AWS-Toolkit-For-VSCode/3.30.0"}}
        ),
        plugins=False,
    )
    if toolkit.to_dict()["toolkit"] is not None:
        assert toolkit.runtime.kind == "ide"


def test_no_ancestry_walk_for_a_person_at_a_terminal() -> None:
    twistd = {"name": "twistd", "cmdline": ["twistd", "-ny", "buildbot.tac"]}
    terminal = {"stdin": True, "stdout": True}
    assert vendor({}, processes=[twistd], tty=terminal) is None
    ctx = _NoProbing(
        {
            "environ": {"HOME": "/home/dana"},
            "tty": terminal,
            "platform": {"system": "Darwin", "release": "23.6.0"},
        }
    )
    assert ci.detect(ctx) is None


def test_mixed_case_names_are_listed_for_windows() -> None:
    assert set(ci.MIXED_CASE) == {name for name in ci.NAMES if name != name.upper()}


def test_windows_upper_cases_listed_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ci.sys, "platform", "win32")
    ctx = WindowsContext({"environ": {"bamboo_planKey": "W-CI", "bamboo_repository_pr_key": "4"}})
    assert ci.detect(ctx) == {"id": "bamboo", "name": "Bamboo", "is_pr": True}


# -- Buildkite's Docker plugin: a job that kept only some of its variables ---------------


@pytest.mark.parametrize(
    "environ",
    [
        {
            "BUILDKITE_AGENT_JOB_API_SOCKET": "/var/lib/buildkite-agent/.buildkite-agent/sockets/"
            "job-api/2817-40596.sock",
            "BUILDKITE_AGENT_JOB_API_TOKEN": "9c1f4be0",
        },
        {
            "BUILDKITE_JOB_ID": "01935b2e-9a3f-4c17-8b2e-6f1d4a7c9e03",
            "BUILDKITE_BUILD_ID": "01935b2e-7c4d-4f8a-9e1b-3d6c8a2f5e71",
            "BUILDKITE_AGENT_ACCESS_TOKEN": "4be2d8c9",
        },
    ],
)
def test_buildkite_docker_plugin_job_is_buildkite_with_unknown_pr(environ: dict[str, str]) -> None:
    assert run(environ) == {"id": "buildkite", "name": "Buildkite", "is_pr": None}


def test_buildkite_variables_that_reached_the_container_still_decide_the_pr() -> None:
    assert (
        run(
            {
                "BUILDKITE": "true",
                "BUILDKITE_PULL_REQUEST": "233",
                "BUILDKITE_AGENT_JOB_API_SOCKET": "/tmp/job-api/1-2.sock",
            }
        )["is_pr"]
        is True
    )


@pytest.mark.parametrize(
    "environ",
    [
        {"BUILDKITE_API_TOKEN": "bkua_3f9c", "BUILDKITE_ORGANIZATION_SLUG": "acme"},
        {"BUILDKITE_AGENT_TOKEN": "a1b2c3"},
        {"BUILDKITE_ANALYTICS_TOKEN": "Xk3p"},
        {"BUILDKITE_JOB_ID": "01935b2e-9a3f-4c17-8b2e-6f1d4a7c9e03"},  # one id is not a job
        {"BUILDKITE_BUILD_ID": "01935b2e-7c4d-4f8a-9e1b-3d6c8a2f5e71"},
        {"BUILDKITE_AGENT_JOB_API_SOCKET": ""},
    ],
)
def test_buildkite_tools_outside_a_job_are_not_ci(environ: dict[str, str]) -> None:
    assert run(environ) is None


def test_a_buildkite_docker_plugin_job_at_a_terminal_is_still_ci() -> None:
    document = {
        "environ": {"BUILDKITE_AGENT_JOB_API_SOCKET": "/tmp/job-api/1-2.sock", "TERM": "xterm"},
        "tty": {"stdin": True, "stdout": True},
    }
    env = envdetect.detect(envdetect.load_fixture(document), plugins=False)
    assert env.to_dict()["runtime"]["kind"] == "ci"
    assert env.explanation["ci"]["because"] == ["env BUILDKITE_AGENT_JOB_API_SOCKET"]
