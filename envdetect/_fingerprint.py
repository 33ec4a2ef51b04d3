"""The non-identifying fingerprint and its OpenTelemetry resource-attribute form.

Everything here is an allowlist: a value reaches the fingerprint only if it is
an id from a closed table or matches a strict version pattern; anything else
becomes ``None``.  Detectors already emit nothing identifying — this is the
second wall, so that a detector bug or a plugin cannot leak through telemetry.

Computed only when asked (``Environment.fingerprint()``), so ``detect()`` pays
nothing for it; ``packaging`` and ``hashlib`` load here, lazily.
"""

from envdetect.detectors import SCHEMA

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Mapping
    from typing import Any

RUNTIME_KINDS = frozenset({"ide", "agent", "ci", "notebook", "cloud", "terminal", "script"})
OS_TYPES = frozenset(
    {
        "linux",
        "darwin",
        "windows",
        "freebsd",
        "netbsd",
        "openbsd",
        "dragonflybsd",
        "solaris",
        "aix",
        "hpux",
        "z_os",
    }
)
PYTHON_IMPLEMENTATIONS = frozenset(
    {"cpython", "pypy", "graalpy", "ironpython", "jython", "micropython"}
)

#: Linux distribution ids (as the distro package spells them) and the name the
#: fingerprint reports for each.  os-release NAME is free text a vendor or an
#: image builder chooses, so it never reaches the fingerprint itself.
DISTRO_NAMES = {
    "almalinux": "AlmaLinux",
    "alpine": "Alpine Linux",
    "amzn": "Amazon Linux",
    "arch": "Arch Linux",
    "centos": "CentOS",
    "chainguard": "Chainguard OS",
    "clear-linux-os": "Clear Linux",
    "cloudlinux": "CloudLinux",
    "debian": "Debian",
    "elementary": "elementary OS",
    "endeavouros": "EndeavourOS",
    "fedora": "Fedora",
    "gentoo": "Gentoo",
    "kali": "Kali Linux",
    "linuxmint": "Linux Mint",
    "mageia": "Mageia",
    "manjaro": "Manjaro",
    "nixos": "NixOS",
    "opensuse": "openSUSE Leap",
    "opensuse-tumbleweed": "openSUSE Tumbleweed",
    "oracle": "Oracle Linux",
    "photon": "Photon OS",
    "pop": "Pop!_OS",
    "raspbian": "Raspbian",
    "rhel": "RHEL",
    "rocky": "Rocky Linux",
    "scientific": "Scientific Linux",
    "slackware": "Slackware",
    "sles": "SLES",
    "ubuntu": "Ubuntu",
    "void": "Void Linux",
    "wolfi": "Wolfi",
    "azurelinux": "Azure Linux",
    "mariner": "CBL-Mariner",
    "flatcar": "Flatcar",
    "coreos": "CoreOS",
    "rhcos": "RHCOS",
    "bottlerocket": "Bottlerocket",
    "openwrt": "OpenWrt",
    "zorin": "Zorin OS",
    "neon": "KDE neon",
    "ol": "Oracle Linux",
    "garuda": "Garuda Linux",
    "steamos": "SteamOS",
    "chromeos": "ChromeOS",
    "cos": "Container-Optimized OS",
    "talos": "Talos Linux",
}

#: Operating-system names the fingerprint may carry beyond the distributions.
OS_NAMES = frozenset(
    {
        "macOS",
        "Windows 7",
        "Windows 8",
        "Windows 8.1",
        "Windows 10",
        "Windows 11",
        "Windows Server",
        "Windows Server 2016",
        "Windows Server 2019",
        "Windows Server 2022",
        "Windows Server 2025",
        "FreeBSD",
        "NetBSD",
        "OpenBSD",
        "DragonFly",
        "SunOS",
        "AIX",
        "Linux",
        *DISTRO_NAMES.values(),
    }
)

#: Every field of the fingerprint, in order.  Documented in docs/fingerprint.md.
FIELDS = (
    "schema",
    "runtime.kind",
    "ci.detected",
    "ci.id",
    "ci.is_pr",
    "toolkit.id",
    "toolkit.version",
    "ide.id",
    "ide.product",
    "agent.id",
    "notebook.id",
    "cloud.provider",
    "cloud.platform",
    "container.id",
    "os.type",
    "os.name",
    "os.version",
    "os.wsl",
    "os.distro.id",
    "os.distro.version",
    "host.arch",
    "python.implementation",
    "python.version",
    "python.bits",
    "python.free_threaded",
    "terminal.interactive",
    "terminal.program",
)


# <generated: closed tables>
# fmt: off
#: field -> every id a detector may report there, from the registry's
#: :data:`~envdetect.detectors.CLOSED_TABLES` index.
DETECTOR_IDS: "dict[str, frozenset[str]]" = {
    "ci.id": frozenset({
        "act", "agola", "alpic", "appcenter", "appcircle", "appveyor", "aws_amplify",
        "azure_pipelines", "bamboo", "bitbucket", "bitrise", "buddy", "buildbot", "buildkite",
        "capawesome_cloud", "circle", "cirrus", "cloudflare_pages", "cloudflare_workers",
        "codebuild", "codefresh", "codemagic", "codeship", "concourse", "drone", "dsari", "earthly",
        "eas", "edgeone_pages", "firebase_app_hosting", "forgejo_actions", "gerrit",
        "gitea_actions", "github_actions", "gitlab", "gocd", "google_cloud_build", "harness",
        "heroku", "hudson", "jenkins", "jetbrains_space", "layerci", "magnum", "netlify",
        "nevercode", "prow", "puppet", "releasehub", "render", "rwx", "sail", "screwdriver",
        "scrutinizer", "semaphore", "shippable", "solano", "sourcehut", "strider", "taskcluster",
        "teamcity", "travis", "vela", "vercel", "wercker", "woodpecker", "xcode_cloud",
        "xcode_server",
    }),
    "toolkit.id": frozenset({
        "amazon_q_jetbrains", "amazon_q_vscode", "aws_toolkit_jetbrains", "aws_toolkit_vscode",
    }),
    "ide.id": frozenset({
        "antigravity", "cloud9", "cursor", "emacs", "idle", "jetbrains", "kiro", "neovim",
        "positron", "spyder", "sublime_text", "trae", "vim", "vscode", "vscodium", "windsurf",
        "xcode", "zed",
    }),
    "ide.product": frozenset({
        "android_studio", "appcode", "aqua", "clion", "datagrip", "dataspell", "fleet", "goland",
        "idea", "phpstorm", "pycharm", "rider", "rubymine", "rustrover", "webstorm", "writerside",
    }),
    "agent.id": frozenset({
        "aider", "amazon_q_cli", "amp", "antigravity", "augment", "claude_code", "codex", "crush",
        "cursor", "devin", "factory_droid", "gemini_cli", "github_copilot", "goose", "jules",
        "kiro", "octofriend", "opencode", "other", "qwen_code", "replit_agent", "warp",
    }),
    "notebook.id": frozenset({"colab", "databricks", "jupyter", "kaggle", "marimo", "sagemaker"}),
    "cloud.provider": frozenset({
        "aws", "azure", "cloudflare", "fly_io", "gcp", "github", "gitpod", "heroku", "netlify",
        "railway", "render", "replit", "vercel",
    }),
    "cloud.platform": frozenset({
        "aws_cloud9", "aws_cloudshell", "aws_ec2", "aws_ecs", "aws_eks", "aws_elastic_beanstalk",
        "aws_lambda", "aws_sagemaker", "azure.aks", "azure.app_service", "azure.cloud_shell",
        "azure.container_apps", "azure.functions", "azure.vm", "cloudflare", "fly_io",
        "gcp_app_engine", "gcp_cloud_functions", "gcp_cloud_run", "gcp_cloud_shell",
        "gcp_cloud_workstations", "gcp_compute_engine", "gcp_kubernetes_engine",
        "github_codespaces", "gitpod", "heroku", "netlify", "railway", "render", "replit", "vercel",
    }),
    "container.id": frozenset({
        "docker", "ecs", "kubernetes", "lxc", "openvz", "other", "podman", "proot",
        "systemd_nspawn",
    }),
    "terminal.program": frozenset({
        "alacritty", "apple_terminal", "conemu", "emacs", "foot", "ghostty", "hyper", "iterm2",
        "jetbrains", "kitty", "konsole", "mintty", "neovim", "rio", "screen", "tabby", "terminus",
        "tmux", "vim", "vscode", "vte", "warp", "wave", "wezterm", "windows_terminal", "xterm",
        "zed", "zellij",
    }),
    "host.arch": frozenset({
        "amd64", "arm32", "arm64", "ia64", "loongarch64", "mips64", "ppc32", "ppc64", "riscv64",
        "s390x", "sparc64", "x86",
    }),
}
# fmt: on
# </generated>


def closed_tables() -> "dict[str, frozenset[str]]":
    """Every id a facet may report: the detectors' tables (generated above
    from the registry's index) and this module's own."""
    return {
        **DETECTOR_IDS,
        "runtime.kind": RUNTIME_KINDS,
        "os.type": OS_TYPES,
        "os.name": OS_NAMES,
        "os.distro.id": frozenset(DISTRO_NAMES),
        "python.implementation": PYTHON_IMPLEMENTATIONS,
    }


def fingerprint(document: "Mapping[str, Any]") -> "dict[str, Any]":
    """The non-identifying summary of a detection document, with its digest."""
    tables = closed_tables()

    def get(path: str) -> "Any":
        value: Any = document
        for part in path.split("."):
            if not isinstance(value, dict):
                return None
            value = value.get(part)
        return value

    def closed(path: str) -> "str | None":
        value = get(path)
        return value if isinstance(value, str) and value in tables[path] else None

    def flag(path: str) -> "bool | None":
        value = get(path)
        return value if isinstance(value, bool) else None

    os_type = closed("os.type")
    distro_id = closed("os.distro.id")
    distro_version = linux_version(get("os.distro.version")) if distro_id else None
    if os_type == "linux":
        # The version of an unknown distribution says nothing without its
        # name, and could be an image builder's own number: it stays home.
        os_name: str | None = DISTRO_NAMES.get(distro_id or "", "Linux")
        os_version = distro_version
    else:
        os_name = closed("os.name")
        os_version = OS_VERSION_SHAPES.get(os_type or "", release_version)(get("os.version"))
    bits = get("python.bits")
    result: dict[str, Any] = {
        "schema": SCHEMA,
        "runtime.kind": closed("runtime.kind"),
        "ci.detected": isinstance(get("ci"), dict),
        "ci.id": closed("ci.id"),
        "ci.is_pr": flag("ci.is_pr"),
        "toolkit.id": closed("toolkit.id"),
        "toolkit.version": toolkit_version(get("toolkit.version")),
        "ide.id": closed("ide.id"),
        "ide.product": closed("ide.product"),
        "agent.id": closed("agent.id"),
        "notebook.id": closed("notebook.id"),
        "cloud.provider": closed("cloud.provider"),
        "cloud.platform": closed("cloud.platform"),
        "container.id": closed("container.id"),
        "os.type": os_type,
        "os.name": os_name,
        "os.version": os_version,
        "os.wsl": flag("os.wsl"),
        "os.distro.id": distro_id,
        "os.distro.version": distro_version,
        "host.arch": closed("host.arch"),
        "python.implementation": closed("python.implementation"),
        "python.version": python_version(get("python.version")),
        "python.bits": bits if bits in (32, 64) and not isinstance(bits, bool) else None,
        "python.free_threaded": flag("python.free_threaded"),
        "terminal.interactive": flag("terminal.interactive"),
        "terminal.program": closed("terminal.program"),
    }
    result["digest"] = digest(result)
    return result


def digest(fields: "Mapping[str, Any]") -> str:
    """A short, stable hash of the fingerprint's values: a class label, not an id.

    Two machines in the same environment class share it.  It hashes only
    values that are themselves public categories, so it reveals nothing the
    fields do not already say.
    """
    import hashlib

    canonical = "\n".join(f"{key}={_canonical(fields.get(key))}" for key in FIELDS)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()[:16]


def _canonical(value: "Any") -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


# -- version shapes ------------------------------------------------------------
#
# A version leaves the machine only in a shape that real releases of its
# system use, coarsened to what names a release: a few short numeric
# components.  Anything else (a long number, a suffix of letters, an extra
# digit) is null, so a version field cannot carry an image builder's or a
# person's own number.  Each rule is one small function below; docs/fingerprint.md
# lists them.


def _is_number(text: str, longest: int = 6) -> bool:
    """ASCII digits only (``str.isdigit`` also accepts Arabic-Indic and
    superscript digits), 1 to ``longest`` of them."""
    return 0 < len(text) <= longest and text.isascii() and text.isdigit()


def numeric_components(value: "Any") -> "list[str] | None":
    """The dot-separated components before any ``-``/``+``/``_`` suffix
    ("14.1-RELEASE-p5" -> ["14", "1"]), or None for a non-string."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    head = value.strip().split("-", 1)[0].split("+", 1)[0].split("_", 1)[0]
    return head.split(".")


def major_minor(value: "Any") -> "str | None":
    """ "22.04" -> "22.04", "2023.5.20240805" -> "2023.5", "12" -> "12": the
    first two components when both are numbers of at most six digits."""
    return _shaped(value, (1, 6), 6)


def _shaped(value: "Any", major: "tuple[int, int]", minor: int) -> "str | None":
    """major[.minor] when the major has ``major[0]``-``major[1]`` digits and
    the minor (if any) 1-``minor`` digits; further components are dropped."""
    parts = numeric_components(value)
    if not parts or not major[0] <= len(parts[0]) <= major[1] or not _is_number(parts[0]):
        return None
    if len(parts) == 1:
        return parts[0]
    return f"{parts[0]}.{parts[1]}" if _is_number(parts[1], minor) else None


def linux_version(value: "Any") -> "str | None":
    """A Linux distribution's version: major of 1-4 digits and minor of 1-2
    (Debian "12", Ubuntu "24.04", RHEL "9.4", Amazon Linux "2023.5" of
    "2023.5.20240805", Alpine "3.20" of "3.20.3"), or a rolling release's date
    (openSUSE Tumbleweed's and Wolfi's ``YYYYMMDD``), sent as year.month:
    "20241208" -> "2024.12".  Anything else is null ("918273.645501", "24.918",
    "trixie/sid"; also Clear Linux's five-digit build numbers)."""
    date = _rolling_date(value)
    return date if date is not None else _shaped(value, (1, 4), 2)


def _rolling_date(value: "Any") -> "str | None":
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) != 8 or not _is_number(text, 8):
        return None
    year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
    if 2000 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31:
        return f"{year}.{month:02d}"
    return None


def macos_version(value: "Any") -> "str | None":
    """macOS: major 10-49, minor of 1-2 digits: "14.6.1" -> "14.6", "26.1"."""
    shaped = _shaped(value, (2, 2), 2)
    return shaped if shaped is not None and 10 <= int(shaped.split(".")[0]) <= 49 else None


#: Windows major.minor pairs with a release: 7 (6.1), 8 (6.2), 8.1 (6.3), 10 and 11 (10.0).
WINDOWS_KERNELS = frozenset({("6", "1"), ("6", "2"), ("6", "3"), ("10", "0")})


def windows_version(value: "Any") -> "str | None":
    """ "10.0.22631": the build names the release (23H2), so it stays when it
    has 4-5 digits (Windows 7 is 7601, Windows 11 24H2 26100); nothing more."""
    parts = numeric_components(value)
    if not parts or len(parts) < 3 or (parts[0], parts[1]) not in WINDOWS_KERNELS:
        return None
    build = parts[2]
    if not _is_number(build, 5) or len(build) < 4 or build[0] == "0":
        return None
    return ".".join(parts[:3])


def release_version(value: "Any") -> "str | None":
    """The BSDs and other systems: major and minor of 1-2 digits each
    (FreeBSD "14.1" of "14.1-RELEASE-p5", OpenBSD "7.5", Solaris "5.11")."""
    return _shaped(value, (1, 2), 2)


#: os.type -> the shape its os.version must have (Linux goes by the distribution).
OS_VERSION_SHAPES = {"darwin": macos_version, "windows": windows_version}


def toolkit_version(value: "Any") -> "str | None":
    """A toolkit version coarsened with ``packaging`` to major.minor, kept when
    the major has 1-2 digits and the minor 1-3 ("3.30.0" -> "3.30", "1.60-223"
    -> "1.60", "4.7-SNAPSHOT" -> "4.7")."""
    return _shaped(coarse_version(value), (1, 2), 3)


def python_version(value: "Any") -> "str | None":
    from envdetect.detectors.os import python_version as strict

    return strict(value) if isinstance(value, str) else None


def coarse_version(value: "Any") -> "str | None":
    """A toolkit version coarsened to major.minor with ``packaging``'s parser.

    The document keeps the spelling the toolkit used ("1.60-223"); only the
    fingerprint compares and coarsens, so only it pays for the import.
    """
    if not isinstance(value, str) or len(value) > 32:
        return None
    from packaging.version import InvalidVersion, Version

    try:
        release = Version(value).release
    except InvalidVersion:
        # "4.7-SNAPSHOT" is no PEP 440 version, but its numeric head is.
        return major_minor(value)
    if len(release) == 1:
        return str(release[0])
    return f"{release[0]}.{release[1]}"


# -- OpenTelemetry names ---------------------------------------------------------
#
# Checked against opentelemetry-semantic-conventions 0.66b2 (tests/test_otel.py
# keeps them checked).  The OTLP wire and the resource detector (envdetect.otel)
# both use these, so a collector sees one vocabulary.

#: The semantic-conventions version the names below follow, and its schema URL
#: (a Resource's ``schema_url``; ``schemaUrl`` of OTLP ResourceLogs).
SEMCONV_VERSION = "1.44.0"
SCHEMA_URL = f"https://opentelemetry.io/schemas/{SEMCONV_VERSION}"

#: The semantic-convention attribute for each fingerprint field that has one.
#: Every other field is sent as ``envdetect.<field>``.
OTEL_NAMES = {
    "os.type": "os.type",
    "os.name": "os.name",
    "os.version": "os.version",
    "host.arch": "host.arch",
    "python.implementation": "process.runtime.name",
    "python.version": "process.runtime.version",
    # Both mean "stdin and stdout are a terminal" (the conventions inherit
    # ECS's definition: the controlling tty is stdin's).
    "terminal.interactive": "process.interactive",
    "cloud.provider": "cloud.provider",
    "cloud.platform": "cloud.platform",
    # envdetect's container id names the runtime (docker, podman...); the
    # conventions' container.id is the container's own id, which never leaves.
    "container.id": "container.runtime.name",
}

#: Where the conventions give a value a fixed meaning, only those values take
#: the standard name; the rest keep ``envdetect.<field>``, so ``cloud.*`` and
#: ``container.runtime.name`` never carry a value other detectors would not
#: recognise.  Cloud values are envdetect's tables intersected with the
#: conventions' well-known values.
OTEL_VALUES = {
    "cloud.provider": frozenset({"aws", "azure", "gcp", "heroku"}),
    "cloud.platform": frozenset(
        {
            "aws_ec2",
            "aws_ecs",
            "aws_eks",
            "aws_elastic_beanstalk",
            "aws_lambda",
            "azure.aks",
            "azure.app_service",
            "azure.container_apps",
            "azure.functions",
            "azure.vm",
            "gcp_app_engine",
            "gcp_cloud_functions",
            "gcp_cloud_run",
            "gcp_compute_engine",
            "gcp_kubernetes_engine",
        }
    ),
    # Runtimes; kubernetes and ecs orchestrate containers, "other" names nothing.
    "container.id": frozenset({"docker", "podman", "lxc", "openvz", "systemd_nspawn", "proot"}),
}

#: Values the conventions spell differently from envdetect's tables.
OTEL_SPELLINGS = {("os.type", "z_os"): "zos"}


def otel_name(field: str, value: "Any") -> str:
    """The attribute name ``field`` has in OpenTelemetry when its value is ``value``."""
    name = OTEL_NAMES.get(field)
    allowed = OTEL_VALUES.get(field)
    if name is None or (allowed is not None and value not in allowed):
        return f"envdetect.{field}"
    return name


def resource_attributes(fields: "Mapping[str, Any]") -> "dict[str, Any]":
    """The fingerprint as OpenTelemetry resource attributes (nulls omitted).

    ``cloud.provider`` and ``cloud.platform`` take their standard names only as
    a pair of well-known values: a resource then never mixes envdetect's
    provider with another detector's platform, whichever wins the merge.
    """
    cloud_is_standard = all(
        fields.get(key) in OTEL_VALUES[key] for key in ("cloud.provider", "cloud.platform")
    )
    attributes: dict[str, Any] = {}
    for key in (*FIELDS, "digest"):
        value = fields.get(key)
        if value is None:
            continue
        if key.startswith("cloud.") and not cloud_is_standard:
            name = f"envdetect.{key}"
        else:
            name = otel_name(key, value)
        attributes[name] = OTEL_SPELLINGS.get((key, value), value)
    return attributes
