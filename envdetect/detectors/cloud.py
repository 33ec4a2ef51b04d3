"""The ``cloud`` facet: ``{provider, platform}`` in OpenTelemetry's vocabulary.

OpenTelemetry's resource detectors answer this by calling metadata endpoints
(EC2 IMDS, ECS task metadata, the GCP metadata server, Azure IMDS) and the EKS
detector reads the service-account token.  A command-line tool cannot afford
a network round trip or a secret read at start-up, so this detector answers
from environment variables and a few small local files only:

1. :data:`RULES`, a table walked in order, most specific first: a platform
   built on another one comes before it (Vercel and Netlify functions run on
   Lambda, Container Apps on Kubernetes), hosted shells before the services
   they may sit in (CloudShell before ECS).
   Variables are used by presence or by a fixed prefix or token; names of
   functions, services, apps, accounts, projects and IPs are never read out.
2. Only when no variable decided: on Windows, Elastic Beanstalk's X-Ray
   ``environment.conf``; on Linux, SageMaker's metadata files, then the
   firmware's DMI strings (``/sys/class/dmi/id/sys_vendor``,
   and ``chassis_asset_tag`` or ``bios_version`` when the vendor needs it) to
   tell an EC2, Compute Engine or Azure machine.  Never ``product_uuid``,
   ``product_serial``, ``board_asset_tag`` (the EC2 instance id) or
   ``/etc/machine-id``.  DMI describes the *host*: inside a container it
   gives the provider only - except a Kubernetes pod on a cloud's machines,
   which is that cloud's managed Kubernetes (the rule OpenTelemetry's GCP
   detector uses; no offline signal tells EKS from kops on EC2).

Local emulators set the platform's variables too; each rule names the marker
that gives them away (``AWS_SAM_LOCAL``, ``FUNCTIONS_CORETOOLS_ENVIRONMENT``,
``GAE_ENV=localdev``, ``NETLIFY_DEV``, Vercel's ``dev1`` region ...), and
flags rule out what cannot be the platform (a terminal in a Lambda sandbox,
a Lambda runtime inside a Docker container, Codespaces on macOS).

Builds are not runtimes: a Vercel or Netlify build (``CI=1``, no runtime
variable) gives ``null`` here and is the CI facet's business.  A Heroku CI run
does execute on a Heroku dyno: it is reported as ``heroku`` (the CI facet
still makes the kind ``ci``), like a GitHub-hosted runner is an Azure VM.

No id exists without a signal: ``aws_app_runner`` (only ``PORT`` is set,
aws/apprunner-roadmap#202) and ``azure.container_instances`` (nothing
documented is injected) are OpenTelemetry values this detector never claims.
"""

from envdetect.detectors import CLOUD_VARIABLES

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from envdetect._context import Context

facet = "cloud"

# -- rule flags ---------------------------------------------------------------
#: Linux-only platform: never claimed when the OS is known to be another one.
LINUX = 1
#: Nobody types into this platform: a terminal on stdin means a laptop.
NO_TTY = 2
#: Never runs under Docker or Podman; its runtime inside one is an emulator
#: (the Lambda RIE, ``sam local``).
NO_LOCAL_ENGINE = 4

# -- rules ----------------------------------------------------------------------
# Each row's conditions are rules of the detectors' one rule language
# (:mod:`envdetect.detectors._rules`), and all of them must hold; the
# evidence is the variables that made each one hold.

_LAMBDA_RUNTIME = ("any", "AWS_LAMBDA_RUNTIME_API", ("prefix", "AWS_EXECUTION_ENV", "AWS_Lambda_"))
_ON_LAMBDA = ("AWS_LAMBDA_FUNCTION_NAME", _LAMBDA_RUNTIME, ("not", ("is", "AWS_SAM_LOCAL", "true")))

#: ``(provider, platform, conditions, flags)``, first match wins.
RULES: "tuple[tuple[str, str, tuple[Any, ...], int], ...]" = (
    # Hosted developer environments.  Codespaces carry GITHUB_REPOSITORY and a
    # GITHUB_TOKEN but no GITHUB_ACTIONS: they are not CI.
    ("github", "github_codespaces", (("is", "CODESPACES", "true"), "CODESPACE_NAME"), LINUX),
    # Gitpod Classic (GITPOD_WORKSPACE_ID) and its successor Ona (GITPOD_ENVIRONMENT_ID).
    ("gitpod", "gitpod", (("any", "GITPOD_WORKSPACE_ID", "GITPOD_ENVIRONMENT_ID"),), LINUX),
    # Workspaces and Deployments alike (REPLIT_DEPLOYMENT=1 in the latter).
    (
        "replit",
        "replit",
        (
            "REPL_ID",
            ("any", "REPL_SLUG", "REPLIT_DEV_DOMAIN", "REPLIT_DOMAINS", "REPLIT_DEPLOYMENT"),
        ),
        LINUX,
    ),
    # CloudShell's ~/.bashrc exports AWS_EXECUTION_ENV=CloudShell (tools append
    # tokens to it; users may delete the line), its shell AWS_TOOLING_USER_AGENT
    # AWS-CloudShell/<date>.  The AWS Toolkit sets the latter to its own name.
    (
        "aws",
        "aws_cloudshell",
        (
            (
                "any",
                ("lword", "AWS_EXECUTION_ENV", "cloudshell"),
                ("prefix", "AWS_TOOLING_USER_AGENT", "AWS-CloudShell/"),
            ),
        ),
        LINUX,
    ),
    ("aws", "aws_cloud9", ("C9_PID", ("any", "C9_USER", "C9_PROJECT")), LINUX),
    # Cloud Shell: DEVSHELL_* are injected per session (google-auth's signal).
    (
        "gcp",
        "gcp_cloud_shell",
        (
            ("is", "CLOUD_SHELL", "true"),
            ("any", "DEVSHELL_CLIENT_PORT", "DEVSHELL_GCLOUD_CONFIG", "DEVSHELL_PROJECT_ID"),
        ),
        LINUX,
    ),
    # Firebase Studio (ex Project IDX) sets GOOGLE_CLOUD_WORKSTATIONS too; it is
    # not a Cloud Workstation and has no id of its own: Google, platform unknown.
    (
        "gcp",
        "",
        (("is", "GOOGLE_CLOUD_WORKSTATIONS", "true"), ("any", "IDX_CHANNEL", "MONOSPACE_ENV")),
        LINUX,
    ),
    ("gcp", "gcp_cloud_workstations", (("is", "GOOGLE_CLOUD_WORKSTATIONS", "true"),), LINUX),
    # Azure Cloud Shell: ACC_* are set per session (azure-cli's in_cloud_console);
    # AZUREPS_HOST_ENVIRONMENT=cloud-shell/1.0 is baked into the public image.
    ("azure", "azure.cloud_shell", (("any", "ACC_CLOUD", "ACC_TERM_ID"),), LINUX),
    # Platforms running on another provider's functions: the specific one wins.
    # `vercel dev` exposes VERCEL_REGION=dev1 and VERCEL_ENV=development.
    (
        "vercel",
        "vercel",
        (
            ("is", "VERCEL", "1"),
            ("any", "VERCEL_REGION", "AWS_LAMBDA_FUNCTION_NAME"),
            ("not", ("is", "VERCEL_REGION", "dev1")),
            ("not", ("is", "VERCEL_ENV", "development")),
        ),
        LINUX,
    ),
    # Netlify functions see only URL, SITE_NAME and SITE_ID of Netlify's own
    # variables (not NETLIFY), plus Lambda's; `netlify dev` marks itself.
    (
        "netlify",
        "netlify",
        ("SITE_ID", "SITE_NAME", *_ON_LAMBDA, ("not", "NETLIFY_DEV"), ("not", "NETLIFY_LOCAL")),
        LINUX | NO_LOCAL_ENGINE,
    ),
    # Lambda: OS-only runtimes (provided.al2023) set no AWS_EXECUTION_ENV, so
    # the function name plus the runtime API or an AWS_Lambda_ execution env.
    ("aws", "aws_lambda", _ON_LAMBDA, LINUX | NO_TTY | NO_LOCAL_ENGINE),
    # Heroku: DYNO in every dyno (Cedar web.1, run.9157; Fir web-<hash>).  A
    # Heroku CI run (CI + HEROKU_TEST_RUN_ID) runs on a dyno too: reported as
    # heroku, and the CI facet makes the kind "ci".
    ("heroku", "heroku", (("any", "DYNO", ("all", "HEROKU_TEST_RUN_ID", "CI")),), LINUX),
    ("fly_io", "fly_io", ("FLY_APP_NAME", "FLY_MACHINE_ID", "FLY_REGION"), LINUX),
    # RENDER and RENDER_SERVICE_ID exist at build time too; RENDER_INSTANCE_ID
    # names a running instance.
    (
        "render",
        "render",
        (("is", "RENDER", "true"), "RENDER_SERVICE_ID", "RENDER_INSTANCE_ID"),
        LINUX,
    ),
    # `railway run` / `railway shell` inject the service's variables into a
    # laptop shell; only a deployed replica has a replica id.
    (
        "railway",
        "railway",
        ("RAILWAY_REPLICA_ID", "RAILWAY_DEPLOYMENT_ID", "RAILWAY_SERVICE_ID"),
        LINUX,
    ),
    # Cloudflare Containers (Workers have no process environment to look at).
    (
        "cloudflare",
        "cloudflare",
        ("CLOUDFLARE_APPLICATION_ID", "CLOUDFLARE_DURABLE_OBJECT_ID", "CLOUDFLARE_LOCATION"),
        LINUX,
    ),
    # Azure.  `func start` sets FUNCTIONS_WORKER_RUNTIME from local.settings.json
    # and FUNCTIONS_CORETOOLS_ENVIRONMENT; Azure adds a sandbox variable.
    (
        "azure",
        "azure.functions",
        (
            ("any", "FUNCTIONS_EXTENSION_VERSION", "FUNCTIONS_WORKER_RUNTIME"),
            (
                "any",
                "WEBSITE_INSTANCE_ID",
                "CONTAINER_NAME",
                "WEBSITE_POD_NAME",
                "CONTAINER_APP_NAME",
            ),
            ("not", "FUNCTIONS_CORETOOLS_ENVIRONMENT"),
        ),
        0,
    ),
    # The Flex Consumption plan forbids the FUNCTIONS_EXTENSION_VERSION and
    # FUNCTIONS_WORKER_RUNTIME app settings; its SKU names it (OpenTelemetry
    # JS's Azure detector: WEBSITE_SKU === "FlexConsumption").  Before App
    # Service, whose variables it shares.
    (
        "azure",
        "azure.functions",
        (
            ("is", "WEBSITE_SKU", "FlexConsumption"),
            (
                "any",
                "WEBSITE_SITE_NAME",
                "WEBSITE_INSTANCE_ID",
                "WEBSITE_POD_NAME",
                "CONTAINER_NAME",
            ),
            ("not", "FUNCTIONS_CORETOOLS_ENVIRONMENT"),
        ),
        0,
    ),
    ("azure", "azure.app_service", ("WEBSITE_SITE_NAME", "WEBSITE_INSTANCE_ID"), 0),
    # Container Apps run on Kubernetes: before any Kubernetes rule.
    ("azure", "azure.container_apps", ("CONTAINER_APP_NAME", "CONTAINER_APP_REVISION"), LINUX),
    (
        "azure",
        "azure.container_apps",
        ("CONTAINER_APP_JOB_NAME", "CONTAINER_APP_JOB_EXECUTION_NAME"),
        LINUX,
    ),
    # Google.  Functions (gen 2 are Cloud Run services with FUNCTION_TARGET);
    # the Firebase emulator and functions-framework run them locally.
    (
        "gcp",
        "gcp_cloud_functions",
        (
            (
                "any",
                ("all", "FUNCTION_TARGET", "K_SERVICE", "K_REVISION"),
                (
                    "all",
                    "FUNCTION_NAME",
                    "FUNCTION_REGION",
                    ("any", "GCP_PROJECT", "X_GOOGLE_GCP_PROJECT"),
                ),
                "X_GOOGLE_FUNCTION_NAME",
            ),
            ("not", "FUNCTIONS_EMULATOR"),
        ),
        LINUX,
    ),
    # Knative sets K_SERVICE/K_REVISION/K_CONFIGURATION on any Kubernetes;
    # Cloud Run (services, jobs, worker pools) has no Kubernetes variables.
    (
        "gcp",
        "gcp_cloud_run",
        (
            (
                "any",
                ("all", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"),
                ("all", "CLOUD_RUN_JOB", "CLOUD_RUN_EXECUTION"),
                "CLOUD_RUN_WORKER_POOL",
            ),
            ("not", "KUBERNETES_SERVICE_HOST"),
        ),
        LINUX,
    ),
    (
        "gcp",
        "gcp_app_engine",
        ("GAE_SERVICE", "GAE_VERSION", "GAE_INSTANCE", ("not", ("is", "GAE_ENV", "localdev"))),
        LINUX,
    ),
    # AWS containers: EKS pods with IAM roles for service accounts or Pod
    # Identity (the webhook's token paths; the tokens are never read), then ECS.
    (
        "aws",
        "aws_eks",
        (
            "KUBERNETES_SERVICE_HOST",
            (
                "any",
                ("prefix", "AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/eks.amazonaws.com/"),
                (
                    "prefix",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                    "/var/run/secrets/pods.eks.amazonaws.com/",
                ),
            ),
        ),
        0,
    ),
    (
        "aws",
        "aws_ecs",
        (
            (
                "any",
                "ECS_CONTAINER_METADATA_URI_V4",
                "ECS_CONTAINER_METADATA_URI",
                ("prefix", "AWS_EXECUTION_ENV", "AWS_ECS_"),
            ),
        ),
        0,
    ),
)

#: Every variable one of which some rule's first condition needs: no rule can
#: hold while none is set (scripts/generate.py writes it from the rules).  It lives in
#: the detector registry, which skips this module on most machines.
_GATE_NAMES = CLOUD_VARIABLES

#: Platforms that only the local files name (:func:`from_files`), beyond the
#: virtual machines and managed Kubernetes of the firmware tables.
FILE_PLATFORMS = ("aws_sagemaker", "aws_ecs", "aws_elastic_beanstalk")

# <generated: ids>
# fmt: off
#: Every provider and platform this facet can report: from :data:`RULES`,
#: the firmware tables and :data:`FILE_PLATFORMS`.  The fingerprint's closed
#: tables come from here.
PROVIDERS = (
    "aws", "azure", "cloudflare", "fly_io", "gcp", "github", "gitpod", "heroku", "netlify",
    "railway", "render", "replit", "vercel",
)
PLATFORMS = (
    "aws_cloud9", "aws_cloudshell", "aws_ec2", "aws_ecs", "aws_eks", "aws_elastic_beanstalk",
    "aws_lambda", "aws_sagemaker", "azure.aks", "azure.app_service", "azure.cloud_shell",
    "azure.container_apps", "azure.functions", "azure.vm", "cloudflare", "fly_io", "gcp_app_engine",
    "gcp_cloud_functions", "gcp_cloud_run", "gcp_cloud_shell", "gcp_cloud_workstations",
    "gcp_compute_engine", "gcp_kubernetes_engine", "github_codespaces", "gitpod", "heroku",
    "netlify", "railway", "render", "replit", "vercel",
)
# fmt: on
# </generated>

# -- local files ----------------------------------------------------------------
DMI = "/sys/class/dmi/id/"
#: Azure stamps every VM's chassis asset tag with "MSFT AZURE VM" in ASCII
#: decimals (cloud-init's DataSourceAzure); plain Hyper-V shares the vendor
#: and product strings but not the tag.
AZURE_ASSET_TAG = "7783-7084-3265-9085-8269-3286-77"
#: sys_vendor -> provider, where the vendor alone decides.
DMI_VENDORS = {"Amazon EC2": "aws", "Google": "gcp"}
VM_PLATFORMS = {"aws": "aws_ec2", "gcp": "gcp_compute_engine", "azure": "azure.vm"}
MANAGED_KUBERNETES = {"aws": "aws_eks", "gcp": "gcp_kubernetes_engine", "azure": "azure.aks"}

SAGEMAKER_STUDIO_FILE = "/opt/ml/metadata/resource-metadata.json"
SAGEMAKER_NOTEBOOK_FILE = "/etc/opt/ml/sagemaker-notebook-instance-version.txt"
#: Elastic Beanstalk's platform scripts live here on every EB Linux instance.
BEANSTALK_DIR = "/opt/elasticbeanstalk"
#: The X-Ray daemon's description of the environment, written by Elastic
#: Beanstalk on Linux and Windows instances alike (OpenTelemetry's Beanstalk
#: detector, opentelemetry-sdk-extension-aws).  It holds the deployment id,
#: version label and environment name: only its shape is looked at.
BEANSTALK_XRAY_CONF = "/var/elasticbeanstalk/xray/environment.conf"
BEANSTALK_XRAY_CONF_WINDOWS = "C:\\Program Files\\Amazon\\XRay\\environment.conf"

_LOCAL_ENGINES = ("docker", "podman")


def detect(ctx: "Context") -> "dict[str, Any] | None":
    container = _container_id(ctx)
    hit = match_rules(ctx, container)
    if hit is not None:
        provider, platform = hit
        return {"provider": provider, "platform": platform or None}
    if not _linux(ctx):
        if ctx.platform.system == "Windows" and beanstalk_conf(ctx, BEANSTALK_XRAY_CONF_WINDOWS):
            return {"provider": "aws", "platform": "aws_elastic_beanstalk"}
        return None
    return from_files(ctx, container)


def _container_id(ctx: "Context") -> "str | None":
    found = ctx.found.get("container")
    if isinstance(found, dict):
        value = found.get("id")
        return value if isinstance(value, str) else None
    return None


def _linux(ctx: "Context") -> bool:
    system = ctx.platform.system
    return not system or system == "Linux"


def match_rules(ctx: "Context", container: "str | None" = None) -> "tuple[str, str] | None":
    """The first rule of :data:`RULES` that holds, as ``(provider, platform)``."""
    environ = ctx.environ
    if _GATE_NAMES.isdisjoint(environ):
        return None  # the common case, decided by one pass over the names
    # Here, not at the top: a VM whose firmware opened this detector's gate
    # and that has no cloud variable never loads the evaluator.
    from envdetect.detectors._rules import holds

    env = environ.get
    for provider, platform, conditions, flags in RULES:
        signals: list[str] = []
        if not all(holds(env, condition, signals) for condition in conditions):
            continue
        if flags and not _flags_allow(ctx, flags, container):
            continue
        ctx.because(*signals)
        return provider, platform
    return None


def _flags_allow(ctx: "Context", flags: int, container: "str | None") -> bool:
    if flags & LINUX and not _linux(ctx):
        return False
    if flags & NO_TTY and ctx.isatty("stdin"):
        return False
    return not (flags & NO_LOCAL_ENGINE and container in _LOCAL_ENGINES)


def from_files(ctx: "Context", container: "str | None") -> "dict[str, Any] | None":
    """SageMaker's metadata files and the DMI strings (Linux only)."""
    if ctx.has("SAGEMAKER_APP_TYPE_LOWERCASE") and ctx.exists(SAGEMAKER_STUDIO_FILE):
        # The variable can be baked into a bring-your-own image; the metadata
        # file is mounted by Studio at run time.
        ctx.because("env SAGEMAKER_APP_TYPE_LOWERCASE", f"file {SAGEMAKER_STUDIO_FILE}")
        return {"provider": "aws", "platform": "aws_sagemaker"}
    if container == "ecs":
        # An ECS task whose variables were scrubbed (sudo, env -i) and which
        # the container facet still recognised (a cgroup path under /ecs/).
        ctx.because("facet container")
        return {"provider": "aws", "platform": "aws_ecs"}
    provider = dmi_provider(ctx)
    if provider is None:
        return None
    if container == "kubernetes":
        ctx.because("facet container")
        return {"provider": provider, "platform": MANAGED_KUBERNETES[provider]}
    if container is not None:
        # The DMI strings are the host's; what runs in this container is unknown.
        ctx.because("facet container")
        return {"provider": provider, "platform": None}
    if provider == "aws":
        for path in (SAGEMAKER_NOTEBOOK_FILE, SAGEMAKER_STUDIO_FILE):
            if ctx.exists(path):
                ctx.because(f"file {path}")
                return {"provider": "aws", "platform": "aws_sagemaker"}
        if beanstalk_conf(ctx, BEANSTALK_XRAY_CONF):
            return {"provider": "aws", "platform": "aws_elastic_beanstalk"}
        if ctx.exists(BEANSTALK_DIR):
            ctx.because(f"file {BEANSTALK_DIR}")
            return {"provider": "aws", "platform": "aws_elastic_beanstalk"}
    return {"provider": provider, "platform": VM_PLATFORMS[provider]}


def beanstalk_conf(ctx: "Context", path: str) -> bool:
    """Whether ``path`` is Elastic Beanstalk's X-Ray ``environment.conf``.

    A JSON object naming ``deployment_id`` and ``environment_name``, as the
    OpenTelemetry detector reads it; no value is parsed out, and no JSON
    parser is loaded for a file that has the shape.
    """
    text = ctx.read(path)
    if text is None:
        return False
    text = text.strip()
    if not (
        text.startswith("{")
        and text.endswith("}")
        and '"deployment_id"' in text
        and '"environment_name"' in text
    ):
        return False
    ctx.because(f"file {path}")
    return True


def dmi_provider(ctx: "Context") -> "str | None":
    """``aws``, ``gcp`` or ``azure`` from the firmware's DMI strings, or ``None``.

    One small read on most machines (``sys_vendor``); a second only for the
    two vendors that need one: Microsoft (Azure or any Hyper-V? the chassis
    asset tag says) and Xen (the older EC2 generation: its BIOS version ends
    in ".amazon").
    """
    vendor = _dmi(ctx, "sys_vendor")
    if vendor is None:
        return None
    provider = DMI_VENDORS.get(vendor)
    if provider is not None:
        ctx.because(f"file {DMI}sys_vendor")
        return provider
    if vendor == "Microsoft Corporation":
        if _dmi(ctx, "chassis_asset_tag") == AZURE_ASSET_TAG:
            ctx.because(f"file {DMI}sys_vendor", f"file {DMI}chassis_asset_tag")
            return "azure"
        return None
    if vendor == "Xen":
        version = _dmi(ctx, "bios_version") or ""
        if version.endswith(".amazon"):
            ctx.because(f"file {DMI}sys_vendor", f"file {DMI}bios_version")
            return "aws"
    return None


def _dmi(ctx: "Context", name: str) -> "str | None":
    text = ctx.read(DMI + name)
    if text is None:
        return None
    return text.strip()
