"""Built-in detectors, one module per concern, and when each one has to run.

A detector is a ``detect(ctx)`` function returning its facet's fields as a
dict, or ``None`` when the facet does not apply.  Modules whose names start
with an underscore are helpers shared by detectors.

This package module is the registry the engine reads: the order the
detectors run in (:data:`BUILTIN`) and, for the facets that only exist where
something names them, what has to be there for them to have any chance
(:data:`GATES`).  Every run imports it, so it holds data only.  A module
whose gate is shut is not even imported: on most machines nothing is a CI
job, a toolkit, an agent, an IDE, a notebook kernel or a cloud, and loading those
tables would cost more than the whole detection (the figures:
docs/development/index.md, "The import budget").

It is also the bottom of the package's imports: it imports nothing, and
what several layers share lives here (docs/development/architecture.md).
The variable sets between ``# <generated: ...>`` markers are written from
the detectors' tables by scripts/generate.py: edit the tables, not them.
"""

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Mapping
    from typing import Any

# -- what every layer shares ----------------------------------------------------
#
# The registry is the bottom of the package's dependencies (see
# docs/development/architecture.md): the engine, the fingerprint and every
# detector read these from here, so that no module below the engine ever
# imports the engine.

#: The document's schema version (the contract in docs/usage/schema.md).
SCHEMA = 1

#: Top-level keys of the document, in output order.
FACETS = (
    "ci",
    "toolkit",
    "ide",
    "agent",
    "notebook",
    "cloud",
    "container",
    "terminal",
    "os",
    "host",
    "python",
)

#: Cloud platforms that run managed workloads (functions, apps, containers).
#: Virtual machines and hosted developer shells fill the cloud facet but a
#: person typing in one is still at a terminal, so they do not set the kind.
MANAGED_PLATFORMS = frozenset(
    {
        "aws_lambda",
        "aws_ecs",
        "aws_eks",
        "aws_elastic_beanstalk",
        "aws_app_runner",
        "gcp_cloud_run",
        "gcp_cloud_functions",
        "gcp_app_engine",
        "gcp_kubernetes_engine",
        "azure.functions",
        "azure.app_service",
        "azure.container_apps",
        "azure.container_instances",
        "azure.aks",
        "heroku",
        "vercel",
        "netlify",
        "fly_io",
        "render",
        "railway",
        "cloudflare",
    }
)


def on_managed_platform(found: "Mapping[str, Any]") -> bool:
    """Whether the cloud facet found so far is a managed workload platform
    (:data:`MANAGED_PLATFORMS`): the platform itself runs the program.

    The one function in this module: the engine's runtime kind, the agent
    detector and the ancestry classifier all ask it, and it belongs with
    its table."""
    cloud = found.get("cloud")
    return isinstance(cloud, dict) and cloud.get("platform") in MANAGED_PLATFORMS


#: The fingerprint's closed tables that detectors own: field -> the table
#: listing every value a detector may report there (``module:NAME``, or
#: ``module:NAME.values()`` for a dict's values).  scripts/generate.py copies
#: each table into :mod:`envdetect._fingerprint` (which then loads no
#: detector); a table renamed or emptied stops it with an error.
CLOSED_TABLES = {
    "ci.id": "ci:IDS",
    "toolkit.id": "toolkit:IDS",
    "ide.id": "ide:IDS",
    "ide.product": "ide:PRODUCTS",
    "agent.id": "agent:IDS",
    "notebook.id": "notebook:IDS",
    "cloud.provider": "cloud:PROVIDERS",
    "cloud.platform": "cloud:PLATFORMS",
    "container.id": "container:IDS",
    "terminal.program": "terminal:PROGRAMS",
    "host.arch": "os:ARCHES.values()",
}

#: Distribution ids normalised after lowercasing, a mirror of distro 1.9's
#: table: the os detector and its legacy release files both apply it.
NORMALIZED_OS_ID = {"ol": "oracle", "opensuse-leap": "opensuse"}

#: Built-in detectors, in the order they run: facet -> the module whose
#: ``detect(ctx)`` fills it, or ``module:function`` where one module serves
#: several facets (the ``os`` module also answers ``host`` and ``python``:
#: all three read the same platform facts, and a module of their own would
#: cost the import machinery more than their code).  Later detectors may
#: read the facets of earlier ones through ``ctx.found``: the OS detector
#: needs to know about containers (a WSL2 kernel inside Docker Desktop is not
#: WSL), the cloud detector too (a VM platform is not reported from inside a
#: container).
BUILTIN = {
    "container": "container",
    "os": "os",
    "host": "os:detect_host",
    "python": "os:detect_python",
    "cloud": "cloud",
    "ci": "ci",
    "toolkit": "toolkit",
    "agent": "agent",
    "ide": "ide",
    "notebook": "notebook",
    "terminal": "terminal",
}

# <generated: gates>
# fmt: off
#: For each row of the CI vendor table (:mod:`.ci`), a variable it cannot hold
#: without, plus the generic ``CI`` flags: while none is set, no row can match.
CI_VARIABLES = frozenset({
    "ACT", "AC_APPCIRCLE", "AGOLA_GIT_REF", "ALPIC_HOST", "APPCENTER_BUILD_ID", "APPVEYOR",
    "AWS_APP_ID", "bamboo_buildKey", "bamboo_planKey", "BITBUCKET_BUILD_NUMBER", "BITBUCKET_COMMIT",
    "BITRISE_IO", "BUDDY_PIPELINE_ID", "BUDDY_WORKSPACE_ID", "BUILDER_OUTPUT", "BUILDKITE",
    "BUILDKITE_AGENT_JOB_API_SOCKET", "BUILDKITE_JOB_ID", "BUILD_TAG", "CAPAWESOME_CLOUD",
    "CF_BUILD_ID", "CF_PAGES", "CI", "CIRCLECI", "CIRRUS_CI", "CI_APP_ID", "CI_NAME",
    "CI_XCODEBUILD_ACTION", "CI_XCODE_PROJECT", "CM_BUILD_ID", "CODEBUILD_BUILD_ARN",
    "CODEBUILD_BUILD_ID", "CONTINUOUS_INTEGRATION", "DISTELLI_APPNAME", "DRONE", "DSARI",
    "EARTHLY_CI", "EAS_BUILD", "EO_PAGES_CI", "FIREBASE_APP_HOSTING", "FORGEJO_ACTIONS",
    "GERRIT_PROJECT", "GITEA_ACTIONS", "GITHUB_ACTIONS", "GITLAB_CI", "GO_PIPELINE_LABEL",
    "GO_SERVER_URL", "HARNESS_BUILD_ID", "HEROKU_TEST_RUN_ID", "HUDSON_URL",
    "JB_SPACE_EXECUTION_NUMBER", "JENKINS_URL", "LAYERCI", "MAGNUM", "NETLIFY", "NEVERCODE",
    "NOW_BUILDER", "PROW_JOB_ID", "RELEASE_BUILD_ID", "RENDER", "RWX", "SAILCI", "SCREWDRIVER",
    "SCRUTINIZER", "SEMAPHORE", "SHIPPABLE", "STRIDER", "TASK_ID", "TDDIUM", "TEAMCITY_VERSION",
    "TF_BUILD", "TRAVIS", "VELA", "VERCEL", "WERCKER_MAIN_PIPELINE_STARTED", "WORKERS_CI", "XCS",
})

#: What an agent sets on the processes it starts (:mod:`.agent`).
AGENT_VARIABLES = frozenset({
    "AGENT", "AGENT_CONTEXT_OUT", "AI_AGENT", "AMP_CURRENT_THREAD_ID", "ANTIGRAVITY_AGENT",
    "AUGMENT_AGENT", "AWS_EXECUTION_ENV", "CLAUDECODE", "CLAUDE_CODE_CHILD_SESSION", "CLINE_ACTIVE",
    "CODEX_CI", "CODEX_MANAGED_BY_BUN", "CODEX_MANAGED_BY_NPM", "CODEX_SANDBOX",
    "CODEX_SANDBOX_NETWORK_DISABLED", "CODEX_THREAD_ID", "COPILOT_AGENT",
    "COPILOT_AGENT_SESSION_ID", "COPILOT_CLI", "CRUSH", "CURSOR_AGENT",
    "CURSOR_EXTENSION_HOST_ROLE", "GEMINI_CLI", "GOOSE_TERMINAL", "GROK_SESSION_ID", "KILO_PID",
    "KIRO_SESSION_ID", "OPENCLAW_SHELL", "OPENCODE", "OZ_RUN_ID", "PI_CODING_AGENT", "QWEN_CODE",
    "QWEN_CODE_SESSION_ID", "REPLIT_MODE", "WINDSURF_CASCADE_TERMINAL", "__COG_BASHRC_SOURCED",
})

#: What an editor or IDE sets on the processes it starts (:mod:`.ide`).
IDE_VARIABLES = frozenset({
    "ANTIGRAVITY_CLI_ALIAS", "BROWSER", "C9_PID", "C9_PROJECT", "C9_SH_EXECUTED",
    "CODEIUM_EDITOR_APP_ROOT", "CURSOR_TRACE_ID", "EMACS_VTERM_PATH", "IDEA_INITIAL_DIRECTORY",
    "INSIDE_EMACS", "JETBRAINS_REMOTE_RUN", "MYVIMRC", "NVIM", "POSITRON", "POSITRON_VERSION",
    "PYCHARM_HOSTED", "REMOTE_CONTAINERS_IPC", "SPY_AUTOCALL_O", "SPY_EXTERNAL_INTERPRETER",
    "SPY_GREEDY_O", "SPY_JEDI_O", "SPY_PARENT_PID", "SPY_UMR_ENABLED", "SPY_UMR_NAMELIST",
    "TERMINAL_EMULATOR", "TERMINUS_SUBLIME", "TERM_PRODUCT", "TERM_PROGRAM", "VIM", "VIMRUNTIME",
    "VIM_TERMINAL", "VSCODE_AMD_ENTRYPOINT", "VSCODE_CODE_CACHE_PATH",
    "VSCODE_CRASH_REPORTER_PROCESS_TYPE", "VSCODE_CWD", "VSCODE_ESM_ENTRYPOINT",
    "VSCODE_GIT_ASKPASS_MAIN", "VSCODE_GIT_ASKPASS_NODE", "VSCODE_GIT_IPC_HANDLE",
    "VSCODE_HANDLES_UNCAUGHT_ERRORS", "VSCODE_INJECTION", "VSCODE_IPC_HOOK", "VSCODE_IPC_HOOK_CLI",
    "VSCODE_NLS_CONFIG", "VSCODE_PID", "WINDSURF_CASCADE_TERMINAL",
    "WINDSURF_CASCADE_TERMINAL_KIND", "ZED_TERM", "__CFBundleIdentifier",
    "__INTELLIJ_COMMAND_HISTFILE__", "__XCODE_BUILT_PRODUCTS_DIR_PATHS",
})

#: What a notebook kernel or hosted notebook platform sets (:mod:`.notebook`).
NOTEBOOK_VARIABLES = frozenset({
    "COLAB_BACKEND_VERSION", "COLAB_JUPYTER_IP", "COLAB_KERNEL_MANAGER_PROXY_HOST",
    "COLAB_RELEASE_TAG", "DATABRICKS_RUNTIME_VERSION", "JPY_PARENT_PID", "JPY_SESSION_NAME",
    "KAGGLE_DATA_PROXY_URL", "KAGGLE_KERNEL_RUN_TYPE", "KAGGLE_URL_BASE", "MPLBACKEND",
    "SAGEMAKER_APP_TYPE", "SAGEMAKER_INTERNAL_IMAGE_URI", "SAGEMAKER_SPACE_NAME", "SM_APP_TYPE",
    "SM_INTERNAL_IMAGE_URI",
})

#: For each cloud rule (:mod:`.cloud`), the variables its first condition
#: cannot hold without: while none is set, no rule can match.
CLOUD_VARIABLES = frozenset({
    "ACC_CLOUD", "ACC_TERM_ID", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_TOOLING_USER_AGENT", "C9_PID", "CLOUDFLARE_APPLICATION_ID", "CLOUD_RUN_JOB",
    "CLOUD_RUN_WORKER_POOL", "CLOUD_SHELL", "CODESPACES", "CONTAINER_APP_JOB_NAME",
    "CONTAINER_APP_NAME", "DYNO", "ECS_CONTAINER_METADATA_URI", "ECS_CONTAINER_METADATA_URI_V4",
    "FLY_APP_NAME", "FUNCTIONS_EXTENSION_VERSION", "FUNCTIONS_WORKER_RUNTIME", "FUNCTION_NAME",
    "FUNCTION_TARGET", "GAE_SERVICE", "GITPOD_ENVIRONMENT_ID", "GITPOD_WORKSPACE_ID",
    "GOOGLE_CLOUD_WORKSTATIONS", "HEROKU_TEST_RUN_ID", "KUBERNETES_SERVICE_HOST", "K_SERVICE",
    "RAILWAY_REPLICA_ID", "RENDER", "REPL_ID", "SITE_ID", "VERCEL", "WEBSITE_SITE_NAME",
    "WEBSITE_SKU", "X_GOOGLE_FUNCTION_NAME",
})
# fmt: on
# </generated>


# -- the process ancestry -------------------------------------------------------
#
# The ancestry classifier (:mod:`._ancestry`) is the biggest module a piped run
# could need.  The engine first screens every ancestor against the names and
# substrings below, without which the classifier can only call it a terminal
# or nothing; only an ancestor that passes loads the classifier.  The two
# tables the classifier keys by name live here so that screen and classifier
# read one copy; the tests hold the screen to every rule of the classifier.

#: Normalised process, executable or application names (lowercase, no
#: ``.exe``/``.app``, no `` Helper (Plugin)`` suffix) -> (ide id, product).
PROCESS_IDES = {
    # VS Code and forks: Linux/Windows binaries, macOS bundles and helpers.
    "code": ("vscode", None),
    "code-insiders": ("vscode", None),
    "code - insiders": ("vscode", None),
    "code-oss": ("vscode", None),
    "code - oss": ("vscode", None),
    "visual studio code": ("vscode", None),
    "visual studio code - insiders": ("vscode", None),
    "microsoft vs code": ("vscode", None),
    "microsoft vs code insiders": ("vscode", None),
    "code-server": ("vscode", None),
    "openvscode-server": ("vscode", None),
    "codium": ("vscodium", None),
    "vscodium": ("vscodium", None),
    "codium-insiders": ("vscodium", None),
    "vscodium - insiders": ("vscodium", None),
    "cursor": ("cursor", None),
    "windsurf": ("windsurf", None),
    "positron": ("positron", None),
    "trae": ("trae", None),
    "trae cn": ("trae", None),
    "kiro": ("kiro", None),
    "antigravity": ("antigravity", None),
    # JetBrains: native launchers (Linux/macOS), Windows 64-bit launchers,
    # macOS application bundles.
    "pycharm": ("jetbrains", "pycharm"),
    "pycharm64": ("jetbrains", "pycharm"),
    "pycharm ce": ("jetbrains", "pycharm"),
    "pycharm community edition": ("jetbrains", "pycharm"),
    "pycharm professional edition": ("jetbrains", "pycharm"),
    "pycharm professional": ("jetbrains", "pycharm"),
    "idea": ("jetbrains", "idea"),
    "idea64": ("jetbrains", "idea"),
    "intellij idea": ("jetbrains", "idea"),
    "intellij idea ce": ("jetbrains", "idea"),
    "intellij idea ultimate": ("jetbrains", "idea"),
    "intellij idea community edition": ("jetbrains", "idea"),
    "goland": ("jetbrains", "goland"),
    "goland64": ("jetbrains", "goland"),
    "webstorm": ("jetbrains", "webstorm"),
    "webstorm64": ("jetbrains", "webstorm"),
    "clion": ("jetbrains", "clion"),
    "clion64": ("jetbrains", "clion"),
    "rider": ("jetbrains", "rider"),
    "rider64": ("jetbrains", "rider"),
    "jetbrains rider": ("jetbrains", "rider"),
    "phpstorm": ("jetbrains", "phpstorm"),
    "phpstorm64": ("jetbrains", "phpstorm"),
    "rubymine": ("jetbrains", "rubymine"),
    "rubymine64": ("jetbrains", "rubymine"),
    "datagrip": ("jetbrains", "datagrip"),
    "datagrip64": ("jetbrains", "datagrip"),
    "dataspell": ("jetbrains", "dataspell"),
    "dataspell64": ("jetbrains", "dataspell"),
    "rustrover": ("jetbrains", "rustrover"),
    "rustrover64": ("jetbrains", "rustrover"),
    "aqua64": ("jetbrains", "aqua"),
    "writerside64": ("jetbrains", "writerside"),
    "studio64": ("jetbrains", "android_studio"),
    "android studio": ("jetbrains", "android_studio"),
    # Other editors.
    "zed": ("zed", None),
    "zed-editor": ("zed", None),
    "zeditor": ("zed", None),
    "nvim": ("neovim", None),
    "nvim-qt": ("neovim", None),
    "neovide": ("neovim", None),
    "vim": ("vim", None),
    "gvim": ("vim", None),
    "vimx": ("vim", None),
    "mvim": ("vim", None),
    "macvim": ("vim", None),
    "vim.basic": ("vim", None),
    "vim.gtk3": ("vim", None),
    "vim.nox": ("vim", None),
    "vim.tiny": ("vim", None),
    "emacs": ("emacs", None),
    "runemacs": ("emacs", None),
    "sublime_text": ("sublime_text", None),
    "sublime text": ("sublime_text", None),
    "plugin_host": ("sublime_text", None),
    "plugin_host-3.3": ("sublime_text", None),
    "plugin_host-3.8": ("sublime_text", None),
    "xcode": ("xcode", None),
    "idle": ("idle", None),
    "idle3": ("idle", None),
    "spyder": ("spyder", None),
    "spyder3": ("spyder", None),
}

#: Ancestor process names (the executable's name) -> id.  Only for agents
#: whose tool children may carry no variable: Aider never sets one, older
#: Codex builds set none on Linux, older Kiro/Q CLIs and cursor-agent builds
#: predate their markers; Devin, Factory's droid and Octofriend set none at
#: all; Claude Code (the native ``claude`` binary), OpenCode, Copilot CLI and
#: Crush lose theirs when a hook, a sandbox or an MCP server scrubs the
#: environment.  Agents run by node are recognised by their script
#: (:data:`~envdetect.detectors._ancestry.NODE_AGENT_SCRIPTS`).
AGENT_PROCESSES = {
    "aider": "aider",
    "codex": "codex",
    "cursor-agent": "cursor",
    "qchat": "amazon_q_cli",
    "kiro-cli": "kiro",
    "kiro-cli-chat": "kiro",
    "claude": "claude_code",
    "opencode": "opencode",
    "copilot": "github_copilot",
    "crush": "crush",
    "droid": "factory_droid",
    "devin": "devin",
    "octofriend": "octofriend",
}

#: The rest of the screen (see ``may_be_recognised`` in :mod:`envdetect._context`):
#:
#: ``names``
#:     normalised names classified by their command line or executable
#:     (a JVM running a JetBrains IDE, Android Studio's ``studio``);
#: ``prefixes``
#:     normalised name prefixes the classifier matches (versioned Emacs and
#:     IDLE launchers, Codex's per-target binaries);
#: ``path_markers``
#:     substrings of an executable, ``argv[0]`` or ``argv[1]`` path without
#:     which no directory in it names an editor (macOS bundles, install and
#:     data directories, remote servers, Cloud9);
#: ``python``
#:     interpreter names, how many arguments of a Python ancestor are read,
#:     and words one of them holds when it is a Jupyter kernel, IDLE, Spyder
#:     or Aider;
#: ``node``
#:     JavaScript runtime names, how many arguments are read, and words one
#:     of them holds when it runs an agent's npm script;
#: ``ci_words``
#:     what a Buildbot or Concourse worker's name or command line holds.
ANCESTRY_SCREEN: "dict[str, Any]" = {
    "names": ("java", "javaw", "studio"),
    "prefixes": ("emacs-", "idle3.", "idle-python", "codex-"),
    "path_markers": (
        "/contents/",
        "/resources/app",
        "/cacheddata",
        "/application support/",
        "-server",
        "/.c9",
    ),
    "python": {
        "names": ("py", "pyw"),
        "prefix": "python",
        "args": 8,
        "words": ("kernel", "idle", "spyder", "aider", "marimo"),
    },
    "node": {
        "names": ("node", "nodejs", "bun"),
        "args": 4,
        "words": ("gemini", "copilot", "claude", "qwen", "octo"),
    },
    "ci_words": ("buildbot", "buildslave", "concourse"),
}


#: facet -> what has to be there for its detector to have any chance; the
#: detector runs when any one is:
#:
#: ``variables``
#:     one of these environment variables is set;
#: ``paths``
#:     one of these paths exists;
#: ``contents``
#:     one of these files, stripped, reads as one of the listed values;
#: ``facets``
#:     a facet decided earlier has one of the listed ids;
#: ``command_line``
#:     one of the first five arguments of this process's own command line
#:     (:meth:`~envdetect._context.Context.command_line`, no I/O) holds one
#:     of these words;
#: ``ancestry``
#:     the process ancestry may be read (stdin and stdout are not both
#:     terminals), an ancestor passes :data:`ANCESTRY_SCREEN`, and the
#:     classifier finds something one of these facets looks for
#:     (:func:`envdetect.detectors._ancestry.ancestry_matters`).
#:
#: A shut gate means the detector could only have answered ``None``; tests
#: hold each gate to every signal its detector reads, over every fixture.
GATES: "dict[str, dict[str, Any]]" = {
    "cloud": {
        "variables": CLOUD_VARIABLES | {"SAGEMAKER_APP_TYPE_LOWERCASE"},
        # A VM's firmware names its cloud; inside a container too.
        "contents": (
            (
                "/sys/class/dmi/id/sys_vendor",
                ("Amazon EC2", "Google", "Microsoft Corporation", "Xen"),
            ),
        ),
        # ECS tasks are recognised from their cgroup paths alone.
        "facets": (("container", ("ecs",)),),
        # Elastic Beanstalk on Windows: no firmware file to read there.
        "paths": ("C:\\Program Files\\Amazon\\XRay\\environment.conf",),
    },
    "ci": {"variables": CI_VARIABLES, "paths": ("/tmp/build",), "ancestry": True},
    "toolkit": {"variables": frozenset(("AWS_TOOLING_USER_AGENT", "SAM_CLI_TELEMETRY_FROM_IDE"))},
    # Jules' VM is told by HOME and USER, set everywhere: its home directory
    # opens the gate instead (agent.ENV_RULES' Jules row).
    "agent": {
        "variables": AGENT_VARIABLES,
        "paths": ("/opt/.devin", "/home/jules"),
        "ancestry": True,
    },
    "ide": {"variables": IDE_VARIABLES, "ancestry": True},
    # A kernel that runs in this very process (marimo's app runner, an
    # ipykernel launched with no JPY_* variable) says so on its command line.
    "notebook": {
        "variables": NOTEBOOK_VARIABLES,
        "command_line": ("ipykernel", "marimo"),
        "ancestry": True,
    },
}
