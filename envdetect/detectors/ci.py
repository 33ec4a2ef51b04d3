"""The ``ci`` facet: which CI system runs us, and whether it builds a pull request.

``{"id", "name", "is_pr"}``, or ``None`` outside CI.  In order:

1. The vendor table (:data:`VENDORS`, at the end of this module), walked
   once over the environment; first match wins, so the table order is the
   precedence (look-alikes before what they imitate, tools that run inside
   another CI after every real CI).
2. Only when no variable named a vendor: the vendors that set no variable at
   all, from the process ancestry (Buildbot) and two small files (Concourse).
3. Generic CI: ``CI`` or ``CONTINUOUS_INTEGRATION`` set to a true-ish value
   gives ``{"id": null, "name": null, "is_pr": null}``.  ``CI`` set to
   false/0/no/off (any case) turns generic detection off; a vendor's own
   variables still win over it (people set ``CI=false`` inside real CI jobs to
   stop tools from treating warnings as errors).  ``BUILD_ID``,
   ``BUILD_NUMBER`` and ``RUN_ID`` alone are never CI.

A variable set to the empty string counts as unset.  Only the vendor id, its
display name and ``is_pr`` leave this module: no value is ever copied out.

The vendor table
----------------

At the end of this module, plain data: one entry per vendor, in precedence
order.  Every entry is ``(id, display name, detection rule, pull-request
rule)`` and the first entry whose detection rule holds wins, so the order
*is* the precedence: a system that imitates another (Forgejo and Gitea set
``GITHUB_ACTIONS``, Harness sets ``DRONE``, Jenkins sets ``HUDSON_URL``, dsari
can set ``JENKINS_URL``, App Center runs on Azure Pipelines agents) comes
before the one it imitates, and tools that run *inside* another CI (EAS local
builds, ``earthly --ci``, Gerrit-triggered jobs) come after every real CI so
the outer system wins.

A rule is a rule of the detectors' one rule language
(:mod:`envdetect.detectors._rules`: ``"VAR"``, ``flag``, ``eq``, ``in``,
``prefix``, ``all``, ``any``, ``not``), or ``("probe", "name")``: not a
variable, the vendor is recognised by :data:`PROBES` (the process ancestry, a
file), consulted only when no variable decided.  The evidence is every set
variable the rule looks at (:func:`~envdetect.detectors._rules.mentioned`).

The pull-request rule is ``None`` when the vendor does not tell (``is_pr`` is
then ``null``); otherwise it is a rule of the same language and ``is_pr`` is
whether it holds.  Only the id, the name and ``is_pr`` ever leave the
detector: no rule reads a value out.

Sources are the vendors' own documentation (URLs inline); ``[src]`` marks the
vendor's source code, ``[3p]`` third-party code or captured environments, and
``[peer]`` a rule taken from ci-info / env-ci / std-env for a product whose
documentation is gone.
"""

import sys

from envdetect._context import is_off
from envdetect.detectors import _ancestry
from envdetect.detectors._rules import holds, mentioned

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable
    from typing import Any

    from envdetect._context import Context

    Env = Callable[[str], "str | None"]

facet = "ci"


def detect(ctx: "Context") -> "dict[str, Any] | None":
    values = _snapshot(ctx)
    env = values.get
    if values:
        for vendor in VENDORS:
            rule = vendor[2]
            # Fast rejection on the rule's first variable: most entries are a
            # bare name, a flag, or an "all" that starts with one.
            first = rule[1] if rule.__class__ is tuple and rule[0] == "all" else rule
            if first.__class__ is str:
                if first not in values:
                    continue
            elif first[0] == "flag" and first[1] not in values:
                continue
            if holds(env, rule):
                ctx.because(*mentioned(env, rule))
                return _answer(ctx, env, vendor)
    for vendor in VENDORS:
        rule = vendor[2]
        if rule.__class__ is tuple and rule[0] == "probe":
            signal = PROBES[rule[1]](ctx)
            if signal is not None:
                ctx.because(signal)
                return _answer(ctx, env, vendor)
    flag = env("CI")
    if flag is not None and is_off(flag):
        ctx.because("env CI")
        return None
    for name in GENERIC:
        value = env(name)
        if value is not None and not is_off(value):
            ctx.because(f"env {name}")
            return {"id": None, "name": None, "is_pr": None}
    return None


def _snapshot(ctx: "Context") -> "dict[str, str]":
    """``ctx.env`` restricted to the variables the table consults, as a dict lookup.

    One pass over the environment's names finds which of :data:`NAMES` are
    set; only those are read.  ``os.environ.get`` of a missing name costs a
    caught ``KeyError``, and the table consults about 150 names.
    """
    values: dict[str, str] = {}
    for name in NAMES.intersection(ctx.environ):
        value = ctx.env(name)
        if value is not None:
            values[name] = value
    if sys.platform == "win32":
        for name in MIXED_CASE:
            value = ctx.env(name)
            if value is not None:
                values[name] = value
    return values


def _answer(ctx: "Context", env: "Env", vendor: "tuple[str, str, Any, Any]") -> "dict[str, Any]":
    pr_rule = vendor[3]
    is_pr: bool | None = None
    if pr_rule is not None:
        is_pr = holds(env, pr_rule)
        ctx.because(*mentioned(env, pr_rule))
    return {"id": vendor[0], "name": vendor[1], "is_pr": is_pr}


# -- vendors without variables -------------------------------------------------

#: The init process Concourse puts at PID 1 of its Linux containers: the
#: containerd runtime bind-mounts its init as /tmp/gdn-init
#: (concourse/concourse worker/runtime/spec), Guardian as /tmp/garden-init.
CONCOURSE_INITS = ("/tmp/gdn-init", "/tmp/garden-init")

#: Where Concourse mounts a step's inputs and outputs: /tmp/build/<handle>,
#: the handle being 8 hex digits (a hash of the step) or, in old versions, a UUID.
CONCOURSE_BUILD_ROOT = "/tmp/build"


def _concourse(ctx: "Context") -> "str | None":
    """A Concourse step: /tmp/build/<handle> plus Concourse's init as PID 1.

    Task steps get no build metadata at all, by design; the container itself
    is the only witness.  On macOS and Windows workers (Houdini: no
    container) a step is a plain child process of ``concourse worker``
    (without a terminal, like every step not hijacked with ``fly``).
    """
    if ctx.platform.system == "Linux":
        names = ctx.listdir(CONCOURSE_BUILD_ROOT)
        if names and any(_is_handle(name) for name in names):
            init = ctx.read("/proc/1/cmdline")
            if init is not None and init.split("\0", 1)[0].strip() in CONCOURSE_INITS:
                return "file /proc/1/cmdline"
        return None
    return "process concourse" if _ancestor(ctx, "concourse") else None


def _is_handle(name: str) -> bool:
    digits = name.replace("-", "")
    return len(digits) in (8, 32) and all(c in "0123456789abcdef" for c in digits)


def _buildbot(ctx: "Context") -> "str | None":
    """A Buildbot step: a child of the worker's (or master's) twistd process.

    The worker runs ``twistd ... buildbot.tac`` (the Docker image) or
    ``buildbot-worker start``, which runs twistd in-process; neither exports a
    variable of its own to the steps.  Steps run without a terminal unless
    the step asks for one (``usePTY``); a person at a terminal is not a step,
    and skipping the ancestry then saves a walk no other facet needs.
    """
    return "process twistd (buildbot)" if _ancestor(ctx, "buildbot") else None


def _ancestor(ctx: "Context", vendor: str) -> bool:
    """Whether an ancestor runs ``vendor``'s steps; never for a person at a
    terminal, where the walk would only cost."""
    return not ctx.interactive() and any(
        _ancestry.ci_process(process) == vendor for process in ctx.processes()
    )


#: ``("probe", name)`` rules of the vendor table -> the function deciding them;
#: each returns the signal (a name, never a value) or ``None``.
PROBES: "dict[str, Callable[[Context], str | None]]" = {
    "concourse": _concourse,
    "buildbot": _buildbot,
}


# =============================================================================
# The vendor table: plain data from here to the end of the module.
# =============================================================================

#: Generic "this is CI" variables: count when set to a true-ish value and no
#: vendor matched.  ``BUILD_ID``, ``BUILD_NUMBER`` and ``RUN_ID`` are *not*
#: here: they are set on developer machines by unrelated tools (ci-info #39).
GENERIC = ("CI", "CONTINUOUS_INTEGRATION")

#: GitHub Actions events that run a workflow for an open pull request
#: (https://docs.github.com/en/actions/reference/events-that-trigger-workflows).
_GITHUB_PR_EVENTS = (
    "pull_request",
    "pull_request_target",
    "pull_request_review",
    "pull_request_review_comment",
)
_GITHUB_PR = ("in", "GITHUB_EVENT_NAME", _GITHUB_PR_EVENTS)

#: Drone's (and Harness's Drone-compatible) event variable.
_DRONE_PR = ("eq", "DRONE_BUILD_EVENT", "pull_request")

VENDORS: "tuple[tuple[str, str, Any, Any], ...]" = (
    # -- look-alikes of GitHub Actions first -----------------------------------
    # Forgejo runner sets FORGEJO_ACTIONS *and* GITEA_ACTIONS *and* GITHUB_ACTIONS
    # [src forgejo runner, runner.go]; https://forgejo.org/docs/latest/user/actions/reference/
    (
        "forgejo_actions",
        "Forgejo Actions",
        ("flag", "FORGEJO_ACTIONS"),
        ("any", ("in", "FORGEJO_EVENT_NAME", _GITHUB_PR_EVENTS), _GITHUB_PR),
    ),
    # "GITEA_ACTIONS: Always set to true. Useful to distinguish Gitea Actions
    # from other CI systems" - https://docs.gitea.com/usage/actions/variables
    ("gitea_actions", "Gitea Actions", ("flag", "GITEA_ACTIONS"), _GITHUB_PR),
    # nektos/act sets ACT=true unconditionally next to the GitHub variables
    # [src nektos/act pkg/runner/run_context.go].  After Gitea/Forgejo: their
    # act_runner is built on the gitea/act fork, which keeps ACT=true.
    ("act", "act", ("all", ("flag", "ACT"), ("flag", "GITHUB_ACTIONS")), _GITHUB_PR),
    # "GITHUB_ACTIONS: Always set to true when GitHub Actions is running the
    # workflow" - https://docs.github.com/en/actions/reference/variables-reference
    # Before CodeBuild: a GitHub Actions runner hosted on CodeBuild also has
    # CODEBUILD_* (https://docs.aws.amazon.com/codebuild/latest/userguide/action-runner-overview.html)
    # and its job is a GitHub Actions job.
    ("github_actions", "GitHub Actions", ("flag", "GITHUB_ACTIONS"), _GITHUB_PR),
    # -- look-alikes of other systems ------------------------------------------
    # Amplify builds run on CodeBuild-based images; AWS_APP_ID + AWS_JOB_ID are
    # build variables - https://docs.aws.amazon.com/amplify/latest/userguide/environment-variables.html
    (
        "aws_amplify",
        "AWS Amplify",
        ("all", "AWS_APP_ID", "AWS_JOB_ID", ("not", "AWS_LAMBDA_FUNCTION_NAME")),
        "AWS_PULL_REQUEST_ID",
    ),
    # https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-env-vars.html
    # PR events: https://docs.aws.amazon.com/codebuild/latest/userguide/github-webhook.html
    # (PULL_REQUEST_MERGED / _CLOSED are not builds of an open pull request).
    (
        "codebuild",
        "AWS CodeBuild",
        ("any", "CODEBUILD_BUILD_ARN", "CODEBUILD_BUILD_ID"),
        (
            "in",
            "CODEBUILD_WEBHOOK_EVENT",
            ("pull_request_created", "pull_request_updated", "pull_request_reopened"),
        ),
    ),
    # Harness CI: "DRONE: Always true for all builds" and the DRONE_* family -
    # https://developer.harness.io/docs/continuous-integration/troubleshoot-ci/ci-env-var
    (
        "harness",
        "Harness CI",
        "HARNESS_BUILD_ID",
        ("any", _DRONE_PR, ("flag", "DRONE_PULL_REQUEST")),
    ),
    # https://docs.drone.io/pipeline/environment/reference/
    ("drone", "Drone", ("flag", "DRONE"), _DRONE_PR),
    # dsari can export JENKINS_URL=file:///... (jenkins_environment) -
    # https://github.com/rfinnie/dsari/blob/main/doc/environment.md
    ("dsari", "dsari", ("flag", "DSARI"), None),
    # JENKINS_URL only exists when the root URL is configured; BUILD_TAG is
    # always "jenkins-${JOB_NAME}-${BUILD_NUMBER}" -
    # https://www.jenkins.io/doc/book/pipeline/jenkinsfile/#using-environment-variables
    # PRs: multibranch CHANGE_ID, GitHub PR Builder ghprbPullId, GitLab plugin
    # gitlabMergeRequestId, Gerrit Trigger (a change under review).
    (
        "jenkins",
        "Jenkins",
        ("any", ("all", "JENKINS_URL", "BUILD_ID"), ("prefix", "BUILD_TAG", "jenkins-")),
        (
            "any",
            "CHANGE_ID",
            "ghprbPullId",
            "gitlabMergeRequestId",
            (
                "all",
                "GERRIT_CHANGE_NUMBER",
                (
                    "not",
                    (
                        "in",
                        "GERRIT_EVENT_TYPE",
                        ("change-merged", "change-abandoned", "ref-updated"),
                    ),
                ),
            ),
        ),
    ),
    # Jenkins also sets the legacy HUDSON_URL, so Hudson comes after Jenkins.
    (
        "hudson",
        "Hudson",
        ("any", ("all", "HUDSON_URL", "BUILD_ID"), ("prefix", "BUILD_TAG", "hudson-")),
        None,
    ),
    # App Center builds ran on Azure Pipelines agents (TF_BUILD too) [peer].
    ("appcenter", "Visual Studio App Center", "APPCENTER_BUILD_ID", None),
    # https://learn.microsoft.com/azure/devops/pipelines/build/variables
    (
        "azure_pipelines",
        "Azure Pipelines",
        ("flag", "TF_BUILD"),
        ("eq", "BUILD_REASON", "PullRequest"),
    ),
    # -- the rest: each keyed by its own variable ------------------------------
    # https://docs.gitlab.com/ci/variables/predefined_variables/ - the merge
    # request and external pull request variables exist only in those pipelines.
    (
        "gitlab",
        "GitLab CI",
        ("flag", "GITLAB_CI"),
        ("any", "CI_MERGE_REQUEST_IID", "CI_MERGE_REQUEST_ID", "CI_EXTERNAL_PULL_REQUEST_IID"),
    ),
    # https://circleci.com/docs/reference/variables/ (CIRCLE_PR_NUMBER: forks only)
    (
        "circle",
        "CircleCI",
        ("flag", "CIRCLECI"),
        ("any", "CIRCLE_PULL_REQUEST", "CIRCLE_PR_NUMBER"),
    ),
    # TRAVIS_PULL_REQUEST is the PR number or "false" -
    # https://docs.travis-ci.com/user/environment-variables/#default-environment-variables
    ("travis", "Travis CI", ("flag", "TRAVIS"), ("flag", "TRAVIS_PULL_REQUEST")),
    # https://support.atlassian.com/bitbucket-cloud/docs/variables-and-secrets/
    (
        "bitbucket",
        "Bitbucket Pipelines",
        ("any", "BITBUCKET_BUILD_NUMBER", "BITBUCKET_COMMIT"),
        "BITBUCKET_PR_ID",
    ),
    # BUILDKITE_PULL_REQUEST is the PR number or "false" -
    # https://buildkite.com/docs/pipelines/environment-variables
    ("buildkite", "Buildkite", ("flag", "BUILDKITE"), ("flag", "BUILDKITE_PULL_REQUEST")),
    # https://www.appveyor.com/docs/environment-variables/
    ("appveyor", "AppVeyor", ("flag", "APPVEYOR"), "APPVEYOR_PULL_REQUEST_NUMBER"),
    # Every Bamboo variable is exported as bamboo_<name> -
    # https://confluence.atlassian.com/bamboo/bamboo-variables-289277087.html
    ("bamboo", "Bamboo", ("any", "bamboo_planKey", "bamboo_buildKey"), "bamboo_repository_pr_key"),
    # https://docs.bitrise.io/en/bitrise-ci/references/available-environment-variables.html
    # The Bitrise CLI's own PR test is PULL_REQUEST_ID != "" || PR == "true" [src].
    (
        "bitrise",
        "Bitrise",
        ("flag", "BITRISE_IO"),
        (
            "any",
            ("flag", "BITRISE_PULL_REQUEST"),
            ("eq", "PR", "true"),
            ("flag", "PULL_REQUEST_ID"),
        ),
    ),
    # https://buddy.works/docs/pipelines/buddy-parameters (BUDDY_RUN_*) and the
    # older https://buddy.works/docs/pipelines/variables/default-variables (BUDDY_EXECUTION_*)
    (
        "buddy",
        "Buddy",
        ("any", "BUDDY_WORKSPACE_ID", "BUDDY_PIPELINE_ID"),
        (
            "any",
            "BUDDY_RUN_PULL_REQUEST_ID",
            "BUDDY_RUN_PULL_REQUEST_NO",
            "BUDDY_EXECUTION_PULL_REQUEST_ID",
            "BUDDY_EXECUTION_PULL_REQUEST_NO",
        ),
    ),
    # PR details are configuration parameters, not environment variables -
    # https://www.jetbrains.com/help/teamcity/pull-requests.html
    ("teamcity", "TeamCity", "TEAMCITY_VERSION", None),
    # CM_PULL_REQUEST is "true" or "false" -
    # https://docs.codemagic.io/yaml-basic-configuration/environment-variables/
    (
        "codemagic",
        "Codemagic",
        "CM_BUILD_ID",
        ("any", ("flag", "CM_PULL_REQUEST"), "CM_PULL_REQUEST_NUMBER"),
    ),
    # Nevercode became Codemagic; no live documentation [peer].
    ("nevercode", "Nevercode", ("flag", "NEVERCODE"), ("flag", "NEVERCODE_PULL_REQUEST")),
    # Semaphore 2.0: SEMAPHORE_GIT_REF_TYPE=pull-request, SEMAPHORE_GIT_PR_* only
    # then - https://docs.semaphoreci.com/reference/env-vars ; PULL_REQUEST_NUMBER
    # is Semaphore Classic.
    (
        "semaphore",
        "Semaphore",
        ("flag", "SEMAPHORE"),
        (
            "any",
            ("eq", "SEMAPHORE_GIT_REF_TYPE", "pull-request"),
            "SEMAPHORE_GIT_PR_NUMBER",
            "PULL_REQUEST_NUMBER",
        ),
    ),
    # Woodpecker >= 2: CI_PIPELINE_EVENT; <= 1.x: CI_BUILD_EVENT -
    # https://woodpecker-ci.org/docs/usage/environment
    (
        "woodpecker",
        "Woodpecker",
        ("eq", "CI", "woodpecker"),
        (
            "any",
            ("eq", "CI_PIPELINE_EVENT", "pull_request"),
            ("eq", "CI_BUILD_EVENT", "pull_request"),
        ),
    ),
    # https://cirrus-ci.org/guide/writing-tasks/#environment-variables
    ("cirrus", "Cirrus CI", ("flag", "CIRRUS_CI"), "CIRRUS_PR"),
    # https://codefresh.io/docs/docs/pipelines/variables/#system-variables
    (
        "codefresh",
        "Codefresh",
        "CF_BUILD_ID",
        ("any", "CF_PULL_REQUEST_NUMBER", "CF_PULL_REQUEST_ID"),
    ),
    # "CI_NAME: Always CodeShip" -
    # https://docs.cloudbees.com/docs/cloudbees-codeship/latest/basic-builds-and-configuration/set-environment-variables
    ("codeship", "CodeShip", ("eq", "CI_NAME", "codeship"), None),
    # builds.sr.ht: CI_NAME=sourcehut, JOB_ID, JOB_URL; patch-set builds from
    # lists.sr.ht carry BUILD_REASON=patchset and PATCHSET_ID [3p captured
    # environments, OndraM/ci-detector]; https://man.sr.ht/builds.sr.ht/
    (
        "sourcehut",
        "SourceHut",
        ("eq", "CI_NAME", "sourcehut"),
        ("any", "PATCHSET_ID", ("in", "BUILD_REASON", ("patchset", "github-pr"))),
    ),
    # "SD_PULL_REQUEST: Pull Request number (blank if non-PR)" -
    # https://docs.screwdriver.cd/user-guide/environment-variables
    ("screwdriver", "Screwdriver", ("flag", "SCREWDRIVER"), ("flag", "SD_PULL_REQUEST")),
    # VELA_PULL_REQUEST is the PR *number* and is also set on comment events -
    # https://go-vela.github.io/docs/reference/environment/variables/
    ("vela", "Vela", ("flag", "VELA"), ("eq", "VELA_BUILD_EVENT", "pull_request")),
    # https://agola.io/doc/config/reference.html#agola-provided-environment-variables
    (
        "agola",
        "Agola CI",
        "AGOLA_GIT_REF",
        ("any", "AGOLA_PULL_REQUEST_ID", ("eq", "AGOLA_GIT_REF_TYPE", "pull_request")),
    ),
    # "AC_GIT_PR: Set to true if the workflow started for a Pull or Merge Request" -
    # https://docs.appcircle.io/environment-variables
    ("appcircle", "Appcircle", ("flag", "AC_APPCIRCLE"), ("flag", "AC_GIT_PR")),
    # https://developer.apple.com/documentation/xcode/environment-variable-reference
    # CI_XCODE_PROJECT alone is a generic-looking name: require a build id too.
    (
        "xcode_cloud",
        "Xcode Cloud",
        (
            "all",
            ("any", "CI_XCODE_PROJECT", "CI_XCODEBUILD_ACTION"),
            ("any", "CI_BUILD_ID", "CI_WORKFLOW"),
        ),
        "CI_PULL_REQUEST_NUMBER",
    ),
    # The documented default environment is CI, CI_APP_ID, CI_BUILD_ID,
    # CI_BUILD_NUMBER, CI_GIT_*, CI_PLATFORM -
    # https://capawesome.io/cloud/native-builds/environments ; CAPAWESOME_CLOUD
    # is ci-info's marker, not in that page.
    (
        "capawesome_cloud",
        "Capawesome Cloud",
        (
            "any",
            ("flag", "CAPAWESOME_CLOUD"),
            (
                "all",
                "CI_APP_ID",
                "CI_BUILD_ID",
                "CI_GIT_REFERENCE",
                ("in", "CI_PLATFORM", ("ios", "android")),
            ),
        ),
        None,
    ),
    # "XCS: The value of this variable is always 1" -
    # https://developer.apple.com/library/archive/documentation/IDEs/Conceptual/xcode_guide-continuous_integration/EnvironmentVariableReference.html
    (
        "xcode_server",
        "Xcode Server",
        ("all", ("eq", "XCS", "1"), ("any", "XCS_BOT_ID", "XCS_BOT_NAME", "XCS_INTEGRATION_ID")),
        None,
    ),
    # https://docs.gocd.org/current/faq/dev_use_current_revision_in_build.html
    (
        "gocd",
        "GoCD",
        ("any", "GO_PIPELINE_LABEL", ("all", "GO_SERVER_URL", "GO_PIPELINE_NAME")),
        None,
    ),
    # Firebase App Hosting builds run buildpacks with FIREBASE_APP_HOSTING=1 [3p];
    # its local emulator injects X_GOOGLE_TARGET_PLATFORM too, its runtime is
    # Cloud Run (K_SERVICE).  Before Cloud Build, on which it builds.
    (
        "firebase_app_hosting",
        "Firebase App Hosting",
        (
            "all",
            ("flag", "FIREBASE_APP_HOSTING"),
            ("not", "X_GOOGLE_TARGET_PLATFORM"),
            ("not", "K_SERVICE"),
        ),
        None,
    ),
    # "$BUILDER_OUTPUT variable is read-only"; everything else ($BUILD_ID,
    # $_PR_NUMBER ...) is a substitution, not an environment variable -
    # https://cloud.google.com/build/docs/configuring-builds/substitute-variable-values
    ("google_cloud_build", "Google Cloud Build", "BUILDER_OUTPUT", None),
    # JOB_TYPE presubmit (one PR) or batch (several PRs merged together) -
    # https://docs.prow.k8s.io/docs/jobs/#job-environment-variables
    ("prow", "Prow", "PROW_JOB_ID", ("in", "JOB_TYPE", ("presubmit", "batch"))),
    # generic-worker / docker-worker set TASK_ID, RUN_ID and TASKCLUSTER_* [src
    # taskcluster/taskcluster]; TASK_ID + RUN_ID alone are generic names.
    (
        "taskcluster",
        "Taskcluster",
        (
            "all",
            "TASK_ID",
            "RUN_ID",
            (
                "any",
                "TASKCLUSTER_ROOT_URL",
                "TASK_GROUP_ID",
                "TASKCLUSTER_PROXY_URL",
                "TASKCLUSTER_WORKER_LOCATION",
            ),
        ),
        None,
    ),
    # https://layerci.com/docs/layerfile-reference/build-env (now webapp.io)
    ("layerci", "LayerCI", ("flag", "LAYERCI"), "LAYERCI_PULL_REQUEST"),
    # RWX (formerly Mint): RWX=true, RWX_RUN_ID, RWX_TASK_ID [3p].
    ("rwx", "RWX", ("flag", "RWX"), None),
    # -- defunct products, rules from the peers that knew them -----------------
    ("magnum", "Magnum CI", ("flag", "MAGNUM"), None),
    ("sail", "Sail CI", "SAILCI", "SAIL_PULL_REQUEST_NUMBER"),
    ("strider", "Strider CD", ("flag", "STRIDER"), None),
    ("shippable", "Shippable", ("flag", "SHIPPABLE"), ("eq", "IS_PULL_REQUEST", "true")),
    ("solano", "Solano CI", "TDDIUM", None),
    ("wercker", "Wercker", "WERCKER_MAIN_PIPELINE_STARTED", None),
    ("puppet", "Puppet Pipelines", "DISTELLI_APPNAME", None),
    # https://scrutinizer-ci.com/docs/build/environment-variables
    ("scrutinizer", "Scrutinizer", ("flag", "SCRUTINIZER"), "SCRUTINIZER_PR_NUMBER"),
    # https://www.jetbrains.com/help/space/automation-environment-variables.html
    ("jetbrains_space", "JetBrains Space", "JB_SPACE_EXECUTION_NUMBER", None),
    # -- hosting platforms: their builds are CI, their runtimes are not --------
    # Build-only variables - https://developers.cloudflare.com/pages/configuration/build-configuration/#environment-variables
    ("cloudflare_pages", "Cloudflare Pages", "CF_PAGES", None),
    # https://developers.cloudflare.com/changelog/2025-06-10-default-env-vars
    ("cloudflare_workers", "Cloudflare Workers", "WORKERS_CI", None),
    # NETLIFY=true is a build variable; functions see only SITE_* and URL, and
    # `netlify dev` marks itself - https://docs.netlify.com/configure-builds/environment-variables/
    (
        "netlify",
        "Netlify",
        ("all", ("eq", "NETLIFY", "true"), ("not", "NETLIFY_DEV"), ("not", "NETLIFY_LOCAL")),
        ("flag", "PULL_REQUEST"),
    ),
    # VERCEL=1 is set at build *and* runtime, CI=1 at build time only -
    # https://vercel.com/docs/environment-variables/system-environment-variables
    (
        "vercel",
        "Vercel",
        (
            "any",
            ("flag", "NOW_BUILDER"),
            ("all", ("flag", "VERCEL"), ("flag", "CI"), ("not", "VERCEL_REGION")),
        ),
        "VERCEL_GIT_PULL_REQUEST_ID",
    ),
    # Heroku CI, not a dyno - https://devcenter.heroku.com/articles/heroku-ci
    ("heroku", "Heroku CI", "HEROKU_TEST_RUN_ID", None),
    # Render documents RENDER=true "at both build time and runtime"
    # (https://render.com/docs/environment-variables): only a build hint
    # (RENDER_BUILD_ID [3p], or a CI variable) without a running instance counts.
    (
        "render",
        "Render",
        (
            "all",
            ("eq", "RENDER", "true"),
            ("not", "RENDER_INSTANCE_ID"),
            ("any", "RENDER_BUILD_ID", ("flag", "CI")),
        ),
        ("eq", "IS_PULL_REQUEST", "true"),
    ),
    # Alpic hosts MCP servers; ALPIC_HOST names the host (undocumented [peer]):
    # a runtime marker, so a CI variable must say build.
    ("alpic", "Alpic", ("all", "ALPIC_HOST", ("flag", "CI")), None),
    ("releasehub", "ReleaseHub", "RELEASE_BUILD_ID", None),
    ("edgeone_pages", "EdgeOne Pages", ("flag", "EO_PAGES_CI"), None),
    # -- a vendor's job inside a container that was given only some variables --
    # Buildkite's Docker plugin passes no BUILDKITE (nor CI) into the container
    # unless told to propagate the environment; it passes the Job API's socket
    # and token whenever the agent runs one, and BUILDKITE_JOB_ID and
    # BUILDKITE_BUILD_ID (with the agent's session token) under
    # mount-buildkite-agent [src buildkite-plugins/docker-buildkite-plugin
    # commands/run.sh].  The agent sets the socket for every job it runs [src
    # buildkite/agent job/api.go].  Without BUILDKITE_PULL_REQUEST there is no
    # telling a pull request: is_pr is null.  A row of its own, after the real
    # vendors, so that any vendor variable that did reach the container wins.
    (
        "buildkite",
        "Buildkite",
        (
            "any",
            "BUILDKITE_AGENT_JOB_API_SOCKET",
            ("all", "BUILDKITE_JOB_ID", "BUILDKITE_BUILD_ID"),
        ),
        None,
    ),
    # -- tools that run inside another CI: the outer system wins ---------------
    # https://docs.expo.dev/eas/environment-variables/usage/ (EAS_BUILD=true;
    # `eas build --local` runs inside other CIs).
    ("eas", "Expo Application Services", ("flag", "EAS_BUILD"), None),
    # EARTHLY_CI is the environment form of `earthly --ci` -
    # https://docs.earthly.dev/earthfile/builtin-args
    ("earthly", "Earthly", ("flag", "EARTHLY_CI"), None),
    # The Gerrit Trigger plugin's variables, normally inside Jenkins -
    # https://plugins.jenkins.io/gerrit-trigger/
    (
        "gerrit",
        "Gerrit",
        ("all", "GERRIT_PROJECT", ("any", "GERRIT_EVENT_TYPE", "GERRIT_CHANGE_NUMBER")),
        (
            "all",
            "GERRIT_CHANGE_NUMBER",
            (
                "not",
                ("in", "GERRIT_EVENT_TYPE", ("change-merged", "change-abandoned", "ref-updated")),
            ),
        ),
    ),
    # -- no variable at all: recognised by probes, after every variable ---------
    # Concourse gives task steps no build metadata (by design:
    # https://concourse-ci.org/implementing-resource-types.html#resource-metadata).
    ("concourse", "Concourse", ("probe", "concourse"), None),
    # A Buildbot worker exports no variable of its own to steps [src
    # buildbot-worker runprocess.py]; steps are children of its twistd process.
    ("buildbot", "Buildbot", ("probe", "buildbot"), None),
)

#: Every id, in table order (Buildkite has two rows, one id).
IDS = tuple(dict.fromkeys(entry[0] for entry in VENDORS))

# <generated: names>
# fmt: off
#: Every variable a rule above consults.  ``detect()`` intersects it with
#: the environment's names first: on a machine that has none of them, the
#: table is not walked at all.
NAMES = frozenset({
    "ACT", "AC_APPCIRCLE", "AC_GIT_PR", "AGOLA_GIT_REF", "AGOLA_GIT_REF_TYPE",
    "AGOLA_PULL_REQUEST_ID", "ALPIC_HOST", "APPCENTER_BUILD_ID", "APPVEYOR",
    "APPVEYOR_PULL_REQUEST_NUMBER", "AWS_APP_ID", "AWS_JOB_ID", "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_PULL_REQUEST_ID", "bamboo_buildKey", "bamboo_planKey", "bamboo_repository_pr_key",
    "BITBUCKET_BUILD_NUMBER", "BITBUCKET_COMMIT", "BITBUCKET_PR_ID", "BITRISE_IO",
    "BITRISE_PULL_REQUEST", "BUDDY_EXECUTION_PULL_REQUEST_ID", "BUDDY_EXECUTION_PULL_REQUEST_NO",
    "BUDDY_PIPELINE_ID", "BUDDY_RUN_PULL_REQUEST_ID", "BUDDY_RUN_PULL_REQUEST_NO",
    "BUDDY_WORKSPACE_ID", "BUILDER_OUTPUT", "BUILDKITE", "BUILDKITE_AGENT_JOB_API_SOCKET",
    "BUILDKITE_BUILD_ID", "BUILDKITE_JOB_ID", "BUILDKITE_PULL_REQUEST", "BUILD_ID", "BUILD_REASON",
    "BUILD_TAG", "CAPAWESOME_CLOUD", "CF_BUILD_ID", "CF_PAGES", "CF_PULL_REQUEST_ID",
    "CF_PULL_REQUEST_NUMBER", "CHANGE_ID", "CI", "CIRCLECI", "CIRCLE_PR_NUMBER",
    "CIRCLE_PULL_REQUEST", "CIRRUS_CI", "CIRRUS_PR", "CI_APP_ID", "CI_BUILD_EVENT", "CI_BUILD_ID",
    "CI_EXTERNAL_PULL_REQUEST_IID", "CI_GIT_REFERENCE", "CI_MERGE_REQUEST_ID",
    "CI_MERGE_REQUEST_IID", "CI_NAME", "CI_PIPELINE_EVENT", "CI_PLATFORM", "CI_PULL_REQUEST_NUMBER",
    "CI_WORKFLOW", "CI_XCODEBUILD_ACTION", "CI_XCODE_PROJECT", "CM_BUILD_ID", "CM_PULL_REQUEST",
    "CM_PULL_REQUEST_NUMBER", "CODEBUILD_BUILD_ARN", "CODEBUILD_BUILD_ID",
    "CODEBUILD_WEBHOOK_EVENT", "CONTINUOUS_INTEGRATION", "DISTELLI_APPNAME", "DRONE",
    "DRONE_BUILD_EVENT", "DRONE_PULL_REQUEST", "DSARI", "EARTHLY_CI", "EAS_BUILD", "EO_PAGES_CI",
    "FIREBASE_APP_HOSTING", "FORGEJO_ACTIONS", "FORGEJO_EVENT_NAME", "GERRIT_CHANGE_NUMBER",
    "GERRIT_EVENT_TYPE", "GERRIT_PROJECT", "ghprbPullId", "GITEA_ACTIONS", "GITHUB_ACTIONS",
    "GITHUB_EVENT_NAME", "gitlabMergeRequestId", "GITLAB_CI", "GO_PIPELINE_LABEL",
    "GO_PIPELINE_NAME", "GO_SERVER_URL", "HARNESS_BUILD_ID", "HEROKU_TEST_RUN_ID", "HUDSON_URL",
    "IS_PULL_REQUEST", "JB_SPACE_EXECUTION_NUMBER", "JENKINS_URL", "JOB_TYPE", "K_SERVICE",
    "LAYERCI", "LAYERCI_PULL_REQUEST", "MAGNUM", "NETLIFY", "NETLIFY_DEV", "NETLIFY_LOCAL",
    "NEVERCODE", "NEVERCODE_PULL_REQUEST", "NOW_BUILDER", "PATCHSET_ID", "PR", "PROW_JOB_ID",
    "PULL_REQUEST", "PULL_REQUEST_ID", "PULL_REQUEST_NUMBER", "RELEASE_BUILD_ID", "RENDER",
    "RENDER_BUILD_ID", "RENDER_INSTANCE_ID", "RUN_ID", "RWX", "SAILCI", "SAIL_PULL_REQUEST_NUMBER",
    "SCREWDRIVER", "SCRUTINIZER", "SCRUTINIZER_PR_NUMBER", "SD_PULL_REQUEST", "SEMAPHORE",
    "SEMAPHORE_GIT_PR_NUMBER", "SEMAPHORE_GIT_REF_TYPE", "SHIPPABLE", "STRIDER",
    "TASKCLUSTER_PROXY_URL", "TASKCLUSTER_ROOT_URL", "TASKCLUSTER_WORKER_LOCATION", "TASK_GROUP_ID",
    "TASK_ID", "TDDIUM", "TEAMCITY_VERSION", "TF_BUILD", "TRAVIS", "TRAVIS_PULL_REQUEST", "VELA",
    "VELA_BUILD_EVENT", "VERCEL", "VERCEL_GIT_PULL_REQUEST_ID", "VERCEL_REGION",
    "WERCKER_MAIN_PIPELINE_STARTED", "WORKERS_CI", "XCS", "XCS_BOT_ID", "XCS_BOT_NAME",
    "XCS_INTEGRATION_ID", "X_GOOGLE_TARGET_PLATFORM",
})

#: The names in :data:`NAMES` that are not all upper case.  Windows
#: upper-cases the names it lists (``os.environ`` iterates ``BAMBOO_PLANKEY``),
#: so these are looked up one by one there, where lookups ignore case.
MIXED_CASE = (
    "bamboo_buildKey", "bamboo_planKey", "bamboo_repository_pr_key", "ghprbPullId",
    "gitlabMergeRequestId",
)
# fmt: on
# </generated>
