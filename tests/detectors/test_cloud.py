"""The cloud facet: its rules, their traps, DMI, and what it never reads or reveals."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

import envdetect
from envdetect.detectors import GATES, MANAGED_PLATFORMS, cloud, container
from envdetect.detectors._rules import holds
from tests.conftest import Recording, fixture_id, fixture_paths, load

#: The ids the issue allows, provider -> platforms.
ALLOWED = {
    "aws": {
        "aws_lambda",
        "aws_ecs",
        "aws_eks",
        "aws_ec2",
        "aws_elastic_beanstalk",
        "aws_app_runner",
        "aws_cloudshell",
        "aws_cloud9",
        "aws_sagemaker",
        None,
    },
    "gcp": {
        "gcp_cloud_run",
        "gcp_cloud_functions",
        "gcp_app_engine",
        "gcp_kubernetes_engine",
        "gcp_compute_engine",
        "gcp_cloud_shell",
        "gcp_cloud_workstations",
        None,
    },
    "azure": {
        "azure.functions",
        "azure.app_service",
        "azure.container_apps",
        "azure.container_instances",
        "azure.aks",
        "azure.vm",
        "azure.cloud_shell",
        None,
    },
    "heroku": {"heroku"},
    "vercel": {"vercel"},
    "netlify": {"netlify"},
    "fly_io": {"fly_io"},
    "render": {"render"},
    "railway": {"railway"},
    "cloudflare": {"cloudflare"},
    "github": {"github_codespaces"},
    "gitpod": {"gitpod"},
    "replit": {"replit"},
}
HOSTED = {
    "github_codespaces",
    "gitpod",
    "aws_cloudshell",
    "aws_cloud9",
    "aws_sagemaker",
    "gcp_cloud_shell",
    "gcp_cloud_workstations",
    "azure.cloud_shell",
    "replit",
}
VMS = {"aws_ec2", "gcp_compute_engine", "azure.vm"}

#: Never to be read: identifiers and secrets.  (/proc/1/environ is read, by the
#: container facet only, for its ``container=`` entry alone: see
#: tests/detectors/test_container.py's PID 1 tests.)
FORBIDDEN = re.compile(
    r"product_uuid|product_serial|board_serial|chassis_serial|board_asset_tag|machine-id"
    r"|/sys/hypervisor/uuid|serviceaccount/token|eks-pod-identity-token"
    r"|container-uuid"
)

LINUX = {"system": "Linux", "release": "6.1.115-126.197.amzn2023.x86_64"}
LAMBDA = {
    "AWS_LAMBDA_FUNCTION_NAME": "orders-api",
    "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
    "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
    "LAMBDA_TASK_ROOT": "/var/task",
}


def detect(
    environ: dict[str, str] | None = None,
    files: dict[str, str] | None = None,
    platform: dict[str, str] | None = None,
    tty: bool = False,
    container_id: str | None = None,
) -> tuple[Any, Recording]:
    ctx = Recording(
        {
            "environ": environ or {},
            "files": files or {},
            "platform": LINUX if platform is None else platform,
            "tty": {"stdin": tty, "stdout": tty},
        }
    )
    ctx.found["container"] = {"id": container_id} if container_id else None
    result = cloud.detect(ctx)
    return result, ctx


def platform_of(result: dict[str, Any] | None) -> str | None:
    return None if result is None else result["platform"]


# -- the table ---------------------------------------------------------------------


def test_rules_use_only_allowed_ids_and_known_operators() -> None:
    # The one rule language (_rules), minus what the cloud has no use for.
    ops = {"any", "all", "not", "is", "prefix", "lword"}

    def check(condition: Any) -> None:
        if isinstance(condition, str):
            assert condition
            assert condition == condition.strip()
            return
        assert condition[0] in ops, condition
        if condition[0] in ("any", "all", "not"):
            for item in condition[1:]:
                check(item)
        else:
            assert len(condition) == 3
            assert isinstance(condition[2], str)

    for provider, platform, conditions, flags in cloud.RULES:
        assert provider in ALLOWED
        assert (platform or None) in ALLOWED[provider]
        assert conditions, provider
        assert isinstance(flags, int)
        for condition in conditions:
            check(condition)
    for provider, platform in {**cloud.VM_PLATFORMS, **cloud.MANAGED_KUBERNETES}.items():
        assert platform in ALLOWED[provider]


def test_managed_platforms_are_exactly_the_workload_ones() -> None:
    produced = {platform for _p, platform, _c, _f in cloud.RULES if platform}
    produced |= set(cloud.VM_PLATFORMS.values()) | set(cloud.MANAGED_KUBERNETES.values())
    produced |= {"aws_sagemaker", "aws_elastic_beanstalk", "aws_ecs"}
    assert not (produced & (HOSTED | VMS)) & MANAGED_PLATFORMS
    assert (produced - HOSTED - VMS) <= MANAGED_PLATFORMS


@pytest.mark.parametrize("path", fixture_paths("cloud"), ids=fixture_id)
def test_cloud_fixture_kind_follows_the_platform(path: Any) -> None:
    document = load(path)
    env = envdetect.detect(envdetect.load_fixture(document), plugins=False)
    found = env.to_dict()["cloud"]
    if found is not None:
        assert found["platform"] in ALLOWED[found["provider"]]
    kind = env.to_dict()["runtime"]["kind"]
    if found and found["platform"] in MANAGED_PLATFORMS:
        assert kind in ("cloud", "ci", "agent", "ide", "notebook")
    else:
        assert kind != "cloud"


# -- Lambda -------------------------------------------------------------------------


def test_lambda_needs_the_runtime_api_or_a_lambda_execution_env() -> None:
    assert platform_of(detect(LAMBDA)[0]) == "aws_lambda"
    os_only = {k: v for k, v in LAMBDA.items() if k != "AWS_EXECUTION_ENV"}
    assert platform_of(detect(os_only)[0]) == "aws_lambda"
    env_only = {k: v for k, v in LAMBDA.items() if k != "AWS_LAMBDA_RUNTIME_API"}
    assert platform_of(detect(env_only)[0]) == "aws_lambda"
    name_only = {"AWS_LAMBDA_FUNCTION_NAME": "orders-api", "AWS_REGION": "eu-west-1"}
    assert detect(name_only)[0] is None
    other_env = {"AWS_LAMBDA_FUNCTION_NAME": "orders-api", "AWS_EXECUTION_ENV": "AWS_ECS_EC2"}
    assert platform_of(detect(other_env)[0]) == "aws_ecs"


def test_lambda_emulators_and_laptops_are_not_lambda() -> None:
    assert detect({**LAMBDA, "AWS_SAM_LOCAL": "true"})[0] is None
    assert detect(LAMBDA, container_id="docker")[0] is None  # RIE / sam local in Docker
    assert detect(LAMBDA, container_id="podman")[0] is None
    assert detect(LAMBDA, tty=True)[0] is None  # exported by hand in a terminal
    mac = {"system": "Darwin", "release": "24.1.0"}
    assert detect(LAMBDA, platform=mac)[0] is None


def test_platforms_on_lambda_win_over_it() -> None:
    vercel = {**LAMBDA, "VERCEL": "1", "VERCEL_ENV": "production", "VERCEL_REGION": "iad1"}
    assert detect(vercel)[0] == {"provider": "vercel", "platform": "vercel"}
    netlify = {**LAMBDA, "SITE_ID": "1d01c0c0", "SITE_NAME": "petsof", "URL": "https://x"}
    assert detect(netlify)[0] == {"provider": "netlify", "platform": "netlify"}


def test_vercel_dev_and_builds_are_not_vercel() -> None:
    assert detect({"VERCEL": "1", "VERCEL_ENV": "development", "VERCEL_REGION": "dev1"})[0] is None
    assert detect({**LAMBDA, "VERCEL": "1", "VERCEL_ENV": "development"})[0] == {
        "provider": "aws",
        "platform": "aws_lambda",
    }
    assert detect({"VERCEL": "1", "CI": "1", "VERCEL_ENV": "preview"})[0] is None


def test_netlify_dev_is_not_netlify() -> None:
    netlify = {**LAMBDA, "SITE_ID": "1d01c0c0", "SITE_NAME": "petsof", "NETLIFY_DEV": "true"}
    assert platform_of(detect(netlify)[0]) != "netlify"


# -- Azure --------------------------------------------------------------------------


def test_func_start_is_not_azure_functions() -> None:
    local = {"FUNCTIONS_WORKER_RUNTIME": "python", "AZURE_FUNCTIONS_ENVIRONMENT": "Development"}
    assert detect(local)[0] is None
    core_tools = {**local, "FUNCTIONS_CORETOOLS_ENVIRONMENT": "True", "CONTAINER_NAME": "x"}
    assert detect(core_tools)[0] is None
    azure = {
        "FUNCTIONS_EXTENSION_VERSION": "~4",
        "FUNCTIONS_WORKER_RUNTIME": "python",
        "WEBSITE_SITE_NAME": "fn",
        "WEBSITE_INSTANCE_ID": "ab" * 32,
    }
    assert platform_of(detect(azure)[0]) == "azure.functions"  # not app_service


def test_app_service_and_container_apps() -> None:
    site = {"WEBSITE_SITE_NAME": "web", "WEBSITE_INSTANCE_ID": "ab" * 32}
    assert platform_of(detect(site)[0]) == "azure.app_service"
    assert detect({"WEBSITE_SITE_NAME": "web"})[0] is None
    aca = {
        "CONTAINER_APP_NAME": "ca",
        "CONTAINER_APP_REVISION": "ca--1",
        "KUBERNETES_SERVICE_HOST": "10.0.0.1",
    }
    assert platform_of(detect(aca, container_id="kubernetes")[0]) == "azure.container_apps"


def test_azure_cloud_shell_needs_a_session_variable() -> None:
    image = {
        "AZUREPS_HOST_ENVIRONMENT": "cloud-shell/1.0",
        "POWERSHELL_DISTRIBUTION_CHANNEL": "CloudShell",
    }
    assert detect(image)[0] is None
    assert platform_of(detect({**image, "ACC_CLOUD": "AzureCloud"})[0]) == "azure.cloud_shell"


# -- AWS hosted shells ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("CloudShell", "aws_cloudshell"),
        ("cloudshell", "aws_cloudshell"),
        ("  CloudShell\n", "aws_cloudshell"),
        ("CloudShell AmazonQ-For-CLI Version/1.16.2", "aws_cloudshell"),
        ("AmazonQ-For-CLI CloudShell", "aws_cloudshell"),
        ("NotCloudShell", None),
        ("CloudShell-ish", None),
        ("AWS_Lambda_python3.12", None),
    ],
)
def test_cloudshell_is_a_token_of_aws_execution_env(value: str, expected: str | None) -> None:
    assert platform_of(detect({"AWS_EXECUTION_ENV": value})[0]) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("AWS-CloudShell/2025.01.14", "aws_cloudshell"),
        ("AWS-Toolkit-For-VSCode/3.30.0", None),
        ("AWS Toolkit For JetBrains", None),
        ("xAWS-CloudShell/1", None),
    ],
)
def test_cloudshell_tooling_user_agent(value: str, expected: str | None) -> None:
    assert platform_of(detect({"AWS_TOOLING_USER_AGENT": value})[0]) == expected


def test_cloudshell_wins_over_its_container_credentials() -> None:
    env = {
        "AWS_EXECUTION_ENV": "CloudShell",
        "ECS_CONTAINER_METADATA_URI_V4": "http://169.254.170.2/v4/x",
    }
    assert platform_of(detect(env)[0]) == "aws_cloudshell"


# -- Google ---------------------------------------------------------------------------


def test_knative_off_google_is_not_cloud_run() -> None:
    knative = {"K_SERVICE": "api", "K_REVISION": "api-1", "K_CONFIGURATION": "api"}
    assert platform_of(detect(knative)[0]) == "gcp_cloud_run"
    on_k8s = {**knative, "KUBERNETES_SERVICE_HOST": "10.96.0.1"}
    assert detect(on_k8s, container_id="kubernetes")[0] is None
    gke = {"/sys/class/dmi/id/sys_vendor": "Google\n"}
    assert platform_of(detect(on_k8s, gke, container_id="kubernetes")[0]) == "gcp_kubernetes_engine"


def test_functions_framework_and_dev_appserver_are_local() -> None:
    assert detect({"FUNCTION_TARGET": "main", "PORT": "8080"})[0] is None
    gae = {"GAE_SERVICE": "default", "GAE_VERSION": "1", "GAE_INSTANCE": "x"}
    assert platform_of(detect(gae)[0]) == "gcp_app_engine"
    assert detect({**gae, "GAE_ENV": "localdev"})[0] is None


def test_firebase_studio_is_google_without_a_platform() -> None:
    env = {"GOOGLE_CLOUD_WORKSTATIONS": "true", "IDX_CHANNEL": "stable"}
    assert detect(env)[0] == {"provider": "gcp", "platform": None}
    assert platform_of(detect({"GOOGLE_CLOUD_WORKSTATIONS": "true"})[0]) == "gcp_cloud_workstations"


# -- hosted dev environments and PaaS -------------------------------------------------


def test_codespaces_need_their_own_variables() -> None:
    github = {
        "GITHUB_REPOSITORY": "octocat/Hello-World",
        "GITHUB_TOKEN": "ghu_x",
        "GITHUB_USER": "octocat",
    }
    assert detect(github)[0] is None
    codespace = {**github, "CODESPACES": "true", "CODESPACE_NAME": "octocat-x"}
    assert detect(codespace, container_id="docker")[0] == {
        "provider": "github",
        "platform": "github_codespaces",
    }
    assert detect({**codespace, "CODESPACES": "false"})[0] is None


def test_railway_run_on_a_laptop_is_not_railway() -> None:
    shared = {
        "RAILWAY_PROJECT_ID": "p",
        "RAILWAY_SERVICE_ID": "s",
        "RAILWAY_ENVIRONMENT": "production",
    }
    assert detect(shared)[0] is None
    deployed = {**shared, "RAILWAY_DEPLOYMENT_ID": "d", "RAILWAY_REPLICA_ID": "r"}
    assert platform_of(detect(deployed)[0]) == "railway"


def test_heroku_dynos_and_ci_runs() -> None:
    assert platform_of(detect({"DYNO": "web.1", "PORT": "5000"})[0]) == "heroku"
    assert platform_of(detect({"CI": "true", "HEROKU_TEST_RUN_ID": "x"})[0]) == "heroku"
    assert detect({"HEROKU_TEST_RUN_ID": "x"})[0] is None


def test_empty_variables_count_as_unset() -> None:
    assert detect(dict.fromkeys(LAMBDA, ""))[0] is None
    assert detect({"DYNO": "", "CODESPACES": "true", "CODESPACE_NAME": ""})[0] is None


# -- DMI --------------------------------------------------------------------------------


DMI = "/sys/class/dmi/id/"
AZURE_TAG = "7783-7084-3265-9085-8269-3286-77"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"sys_vendor": "Amazon EC2\n"}, "aws"),
        ({"sys_vendor": "Xen\n", "bios_version": "4.11.amazon\n"}, "aws"),
        ({"sys_vendor": "Xen\n", "bios_version": "4.2.amazon\n"}, "aws"),
        ({"sys_vendor": "Xen\n", "bios_version": "4.4.1\n"}, None),
        ({"sys_vendor": "Google\n"}, "gcp"),
        ({"sys_vendor": "Microsoft Corporation\n", "chassis_asset_tag": AZURE_TAG + "\n"}, "azure"),
        (
            {
                "sys_vendor": "Microsoft Corporation\n",
                "chassis_asset_tag": "0000-0010-5836-9862-3064-4371-28\n",
            },
            None,
        ),
        ({"sys_vendor": "Microsoft Corporation\n"}, None),
        ({"sys_vendor": "QEMU\n"}, None),
        ({}, None),
    ],
)
def test_dmi_provider(files: dict[str, str], expected: str | None) -> None:
    ctx = Recording({"files": {DMI + name: text for name, text in files.items()}})
    assert cloud.dmi_provider(ctx) == expected


def test_dmi_reads_one_file_for_an_ordinary_machine() -> None:
    ctx = Recording({"files": {DMI + "sys_vendor": "LENOVO\n", DMI + "product_name": "21HM\n"}})
    assert cloud.dmi_provider(ctx) is None
    assert ctx.reads == [DMI + "sys_vendor"]


def test_vm_platform_only_outside_containers() -> None:
    ec2 = {DMI + "sys_vendor": "Amazon EC2\n"}
    assert platform_of(detect({}, ec2)[0]) == "aws_ec2"
    assert detect({}, ec2, container_id="docker")[0] == {"provider": "aws", "platform": None}
    assert platform_of(detect({}, ec2, container_id="kubernetes")[0]) == "aws_eks"
    assert platform_of(detect({}, {}, container_id="ecs")[0]) == "aws_ecs"
    azure = {DMI + "sys_vendor": "Microsoft Corporation\n", DMI + "chassis_asset_tag": AZURE_TAG}
    assert platform_of(detect({}, azure)[0]) == "azure.vm"
    assert platform_of(detect({}, azure, container_id="kubernetes")[0]) == "azure.aks"
    gce = {DMI + "sys_vendor": "Google\n"}
    assert platform_of(detect({}, gce)[0]) == "gcp_compute_engine"


def test_beanstalk_and_sagemaker_files_only_on_ec2() -> None:
    eb = {"/opt/elasticbeanstalk/bin/get-config": ""}
    assert (
        platform_of(detect({}, {DMI + "sys_vendor": "Amazon EC2\n", **eb})[0])
        == "aws_elastic_beanstalk"
    )
    assert detect({}, {DMI + "sys_vendor": "Dell Inc.\n", **eb})[0] is None
    nbi = {"/etc/opt/ml/sagemaker-notebook-instance-version.txt": "120.0-0\n"}
    assert (
        platform_of(detect({}, {DMI + "sys_vendor": "Amazon EC2\n", **nbi})[0]) == "aws_sagemaker"
    )
    studio = {"/opt/ml/metadata/resource-metadata.json": "{}"}
    assert detect({}, studio)[0] is None  # the file alone (a baked image) is not Studio
    assert (
        platform_of(detect({"SAGEMAKER_APP_TYPE_LOWERCASE": "jupyterlab"}, studio)[0])
        == "aws_sagemaker"
    )
    assert detect({"SAGEMAKER_APP_TYPE_LOWERCASE": "jupyterlab"})[0] is None


def test_variables_decide_before_any_file_is_read() -> None:
    result, ctx = detect({"DYNO": "web.1"}, {DMI + "sys_vendor": "Amazon EC2\n"})
    assert platform_of(result) == "heroku"
    assert ctx.reads == ctx.checks == []


def test_no_file_is_read_off_linux_but_beanstalks_on_windows() -> None:
    files = {DMI + "sys_vendor": "Amazon EC2\n", "/opt/elasticbeanstalk/x": ""}
    for system in ("Darwin", "Windows"):
        result, ctx = detect({}, files, platform={"system": system, "release": "10"})
        assert result is None
        assert ctx.checks == []
        assert ctx.reads == ([cloud.BEANSTALK_XRAY_CONF_WINDOWS] if system == "Windows" else [])


#: The X-Ray daemon's environment.conf as Elastic Beanstalk writes it (AWS X-Ray
#: developer guide, "Using X-Ray with Elastic Beanstalk"): made-up values.
XRAY_CONF = (
    '{"deployment_id":23,"version_label":"app-v1.4.2-241118_101522",'
    '"environment_name":"Orders-api-prod"}\n'
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (XRAY_CONF, "aws_elastic_beanstalk"),
        (
            '{\n  "deployment_id": 7,\n  "environment_name": "x",\n  "version_label": "v"\n}\n',
            "aws_elastic_beanstalk",
        ),
        ("", "aws_ec2"),  # empty: not the daemon's file
        ('{"environment_name": "x"}', "aws_ec2"),  # no deployment id
        ("deployment_id=7\nenvironment_name=x\n", "aws_ec2"),  # not a JSON object
    ],
)
def test_beanstalk_xray_conf_on_linux(text: str, expected: str) -> None:
    files = {DMI + "sys_vendor": "Amazon EC2\n", cloud.BEANSTALK_XRAY_CONF: text}
    result, ctx = detect({}, files)
    assert platform_of(result) == expected
    evidence = ctx._take_evidence()
    assert ("file " + cloud.BEANSTALK_XRAY_CONF in evidence) is (expected != "aws_ec2")
    assert not any("Orders" in signal or "app-v1" in signal for signal in evidence)


def test_beanstalk_xray_conf_on_windows() -> None:
    windows = {"system": "Windows", "release": "2022Server"}
    result, ctx = detect({}, {cloud.BEANSTALK_XRAY_CONF_WINDOWS: XRAY_CONF}, platform=windows)
    assert result == {"provider": "aws", "platform": "aws_elastic_beanstalk"}
    assert ctx._take_evidence() == ["file " + cloud.BEANSTALK_XRAY_CONF_WINDOWS]
    # The Linux path means nothing on Windows, and the reverse.
    assert detect({}, {cloud.BEANSTALK_XRAY_CONF: XRAY_CONF}, platform=windows)[0] is None
    files = {cloud.BEANSTALK_XRAY_CONF_WINDOWS: XRAY_CONF, DMI + "sys_vendor": "Dell Inc.\n"}
    assert detect({}, files)[0] is None


def test_beanstalk_conf_in_a_container_is_not_the_instance() -> None:
    files = {DMI + "sys_vendor": "Amazon EC2\n", cloud.BEANSTALK_XRAY_CONF: XRAY_CONF}
    assert platform_of(detect({}, files, container_id="docker")[0]) is None


def test_windows_beanstalk_path_is_in_the_cloud_gate() -> None:
    assert cloud.BEANSTALK_XRAY_CONF_WINDOWS in GATES["cloud"]["paths"]


FLEX = {
    "WEBSITE_SKU": "FlexConsumption",
    "WEBSITE_SITE_NAME": "acme-orders-fn",
    "WEBSITE_HOSTNAME": "acme-orders-fn.azurewebsites.net",
    "AzureWebJobsScriptRoot": "/home/site/wwwroot",
}


def test_flex_consumption_without_functions_variables() -> None:
    result, ctx = detect(FLEX)
    assert result == {"provider": "azure", "platform": "azure.functions"}
    assert ctx._take_evidence() == ["env WEBSITE_SKU", "env WEBSITE_SITE_NAME"]


@pytest.mark.parametrize(
    "environ",
    [
        {**FLEX, "FUNCTIONS_CORETOOLS_ENVIRONMENT": "true"},  # func start, SKU copied locally
        {"WEBSITE_SKU": "FlexConsumption"},  # the SKU alone, no site
        {**FLEX, "WEBSITE_SKU": "flexconsumption"},  # not the platform's spelling
    ],
)
def test_flex_consumption_traps(environ: dict[str, str]) -> None:
    assert platform_of(detect(environ)[0]) != "azure.functions"


def test_app_service_sku_is_not_functions() -> None:
    environ = {
        "WEBSITE_SKU": "PremiumV3",
        "WEBSITE_SITE_NAME": "shop-web",
        "WEBSITE_INSTANCE_ID": "3f2a" * 16,
    }
    assert platform_of(detect(environ)[0]) == "azure.app_service"


# -- privacy ----------------------------------------------------------------------------


CANARY = "c4n4ry"


@pytest.mark.parametrize(
    "environ",
    [
        {"AWS_LAMBDA_FUNCTION_NAME": f"fn-{CANARY}", "AWS_LAMBDA_RUNTIME_API": f"{CANARY}:9001"},
        {
            "KUBERNETES_SERVICE_HOST": f"10.0.0.1-{CANARY}",
            "AWS_WEB_IDENTITY_TOKEN_FILE": f"/var/run/secrets/eks.amazonaws.com/{CANARY}",
        },
        {
            "CODESPACES": "true",
            "CODESPACE_NAME": f"octocat-{CANARY}",
            "GITHUB_TOKEN": f"ghu_{CANARY}",
        },
        {"AWS_EXECUTION_ENV": f"CloudShell {CANARY}/1.0"},
        {"ECS_CONTAINER_METADATA_URI_V4": f"http://169.254.170.2/v4/{CANARY}"},
        {"K_SERVICE": CANARY, "K_REVISION": CANARY, "K_CONFIGURATION": CANARY},
        {
            "FUNCTIONS_EXTENSION_VERSION": "~4",
            "WEBSITE_INSTANCE_ID": CANARY,
            "WEBSITE_SITE_NAME": CANARY,
        },
        {"GITPOD_WORKSPACE_ID": CANARY},
        {"REPL_ID": CANARY, "REPL_SLUG": CANARY},
        {"FLY_APP_NAME": CANARY, "FLY_MACHINE_ID": CANARY, "FLY_REGION": CANARY},
    ],
)
def test_values_never_leave_the_detector(environ: dict[str, str]) -> None:
    ctx = Recording(
        {
            "environ": environ,
            "platform": LINUX,
            "files": {"/.dockerenv": "", DMI + "sys_vendor": "Amazon EC2\n"},
        }
    )
    env = envdetect.detect(ctx, plugins=False)
    document = env.to_json() + json.dumps(env.explanation)
    assert env.to_dict()["cloud"] is not None or env.to_dict()["container"] is not None
    assert CANARY not in document


def all_fixtures() -> list[Any]:
    return fixture_paths()


@pytest.mark.parametrize("path", all_fixtures(), ids=fixture_id)
def test_never_reads_identifiers_or_tokens(path: Any) -> None:
    ctx = Recording(load(path))
    ctx.found["container"] = container.detect(ctx)
    cloud.detect(ctx)
    looked_at = ctx.reads + ctx.checks
    assert not [p for p in looked_at if FORBIDDEN.search(p)], looked_at


@pytest.mark.parametrize(
    "path",
    fixture_paths("cloud") + fixture_paths("container") + fixture_paths("wsl"),
    ids=fixture_id,
)
def test_no_container_id_or_value_in_the_output(path: Any) -> None:
    document = load(path)
    text = json.dumps(document.get("files", {})) + json.dumps(document.get("environ", {}))
    secrets = set(re.findall(r"[0-9a-f]{64}", text))
    secrets |= {v for v in document.get("environ", {}).values() if len(v) >= 12}
    env = envdetect.detect(envdetect.load_fixture(document), plugins=False)
    produced = json.dumps(env.to_dict()["cloud"]) + json.dumps(env.to_dict()["container"])
    produced += json.dumps({k: env.explanation[k] for k in ("cloud", "container", "os")})
    assert not [s for s in secrets if s in produced]


@pytest.mark.parametrize(
    "path",
    fixture_paths("cloud") + fixture_paths("container") + fixture_paths("wsl"),
    ids=fixture_id,
)
def test_evidence_is_names_only(path: Any) -> None:
    env = envdetect.detect(envdetect.load_fixture(load(path)), plugins=False)
    for facet in ("cloud", "container"):
        for signal in env.explanation[facet]["because"]:
            # The one Windows path is a fixed name of the table, never a user's.
            assert re.fullmatch(
                r"env [A-Za-z_][A-Za-z0-9_]*|file /[\w./-]+|facet container"
                + "|file "
                + re.escape(cloud.BEANSTALK_XRAY_CONF_WINDOWS),
                signal,
            ), signal


class CountingEnviron(dict):  # type: ignore[type-arg]
    gets = 0

    def get(self, key: Any, default: Any = None) -> Any:
        CountingEnviron.gets += 1
        return super().get(key, default)


def test_an_ordinary_environment_costs_no_rule_lookup() -> None:
    laptop = CountingEnviron(
        {
            "HOME": "/home/dana",
            "PATH": "/usr/bin:/bin",
            "TERM": "xterm",
            "AWS_PROFILE": "dev",
            "GITHUB_TOKEN": "ghu_x",
            "CI": "true",
        }
    )
    ctx = Recording({"platform": LINUX})
    ctx._environ = laptop
    CountingEnviron.gets = 0
    assert cloud.match_rules(ctx) is None
    assert CountingEnviron.gets == 0


def _gates(condition: Any) -> frozenset[str]:
    """Variables of which at least one must be set for ``condition`` to hold."""
    if isinstance(condition, str):
        return frozenset((condition,))
    op = condition[0]
    if op == "any":
        return frozenset().union(*(_gates(item) for item in condition[1:]))
    if op == "all":
        return _gates(condition[1])
    assert op != "not", "a rule cannot start with a negation: nothing would gate it"
    return frozenset((condition[1],))


def test_every_rule_is_gated_by_a_variable_it_needs() -> None:
    gate_names: set[str] = set()
    for rule in cloud.RULES:
        gates = _gates(rule[2][0])
        assert gates, rule
        gate_names |= gates
        # Without any of its gate variables, a rule cannot hold.
        environ = dict.fromkeys(cloud._GATE_NAMES - gates, "x")
        assert not all(holds(environ.get, condition, []) for condition in rule[2][:1])
    # The literal is exactly the rules' gates: none missing (a rule that could
    # never be reached), none extra (a variable that would walk the rules for nothing).
    assert gate_names == cloud._GATE_NAMES


def test_providers_and_platforms_are_what_the_detector_can_report() -> None:
    providers = {rule[0] for rule in cloud.RULES} | set(cloud.DMI_VENDORS.values())
    providers |= set(cloud.VM_PLATFORMS) | set(cloud.MANAGED_KUBERNETES)
    platforms = {rule[1] for rule in cloud.RULES if rule[1]}
    platforms |= set(cloud.VM_PLATFORMS.values()) | set(cloud.MANAGED_KUBERNETES.values())
    platforms |= {"aws_sagemaker", "aws_ecs", "aws_elastic_beanstalk"}  # from_files()
    assert tuple(sorted(providers)) == cloud.PROVIDERS
    assert tuple(sorted(platforms)) == cloud.PLATFORMS
    for provider in cloud.PROVIDERS:
        assert provider in ALLOWED
    assert set(cloud.PLATFORMS) <= set().union(*ALLOWED.values())
