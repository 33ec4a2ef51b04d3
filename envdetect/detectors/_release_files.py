"""distro's second source: the legacy ``/etc/*-release`` and ``*_version``
files, and ``/etc/debian_version``.

distro reads them only to fill what os-release leaves empty (an id, a
version or a name): Arch and Debian testing have no ``VERSION_ID``, very old
systems no os-release at all.  :mod:`envdetect.detectors.os` loads this
module only then.  Same semantics as ``distro.LinuxDistribution(
include_lsb=False, include_uname=False)``; the differential test over every
Linux fixture holds it to that.
"""

from envdetect._context import UNDECODABLE, normalize_id
from envdetect.detectors import NORMALIZED_OS_ID

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from envdetect._context import Context

#: Mirror of distro's table (distro 1.9) for ids read from a release file.
NORMALIZED_DISTRO_ID = {"redhat": "rhel"}

# Legacy release files distro never treats as "the" release file.
IGNORED_RELEASE_FILES = frozenset(
    {
        "debian_version",
        "lsb-release",
        "oem-release",
        "os-release",
        "system-release",
        "plesk-release",
        "iredmail-release",
        "board-release",
        "ec2_version",
    }
)

# The names distro tries, in this order, when /etc cannot be listed.
FALLBACK_RELEASE_FILES = (
    "SuSE-release",
    "altlinux-release",
    "arch-release",
    "base-release",
    "centos-release",
    "fedora-release",
    "gentoo-release",
    "mageia-release",
    "mandrake-release",
    "mandriva-release",
    "mandrivalinux-release",
    "manjaro-release",
    "oracle-release",
    "redhat-release",
    "rocky-release",
    "sl-release",
    "slackware-version",
)

#: Longest release line (a legacy file's first line, a PRETTY_NAME) read for
#: a name and version; real ones are under 100 characters.
MAX_RELEASE_LINE = 256

# distro's content pattern, applied to the reversed first line:
# "NAME [release] VERSION [LTS] [(CODENAME)]".
_RELEASE_LINE_REVERSED = r"(?:[^)]*\)(.*)\()? *(?:STL )?([\d.+\-a-z]*\d) *(?:esaeler *)?(.+)"


def distro_facts(ctx: "Context", osr: "dict[str, str]") -> "dict[str, str | None]":
    """distro's answer where os-release (``osr``, maybe empty) lacks an id, a
    version or a name: the first legacy release file fills the gaps."""
    legacy = release_file_info(ctx)
    if legacy:
        ctx.because("file /etc/*-release")

    distro_id = ""
    if osr.get("id"):
        distro_id = normalize_id(osr["id"], NORMALIZED_OS_ID)
    elif legacy.get("id"):
        distro_id = normalize_id(legacy["id"], NORMALIZED_DISTRO_ID)

    like = osr.get("id_like", "")
    version = osr.get("version_id") or legacy.get("version_id") or ""
    if not version and osr.get("pretty_name"):
        version = parse_release_line(osr["pretty_name"]).get("version_id", "")
    if not version and (distro_id == "debian" or "debian" in like.split()):
        version = debian_version(ctx) or ""
        if version:
            ctx.because("file /etc/debian_version")
    name = osr.get("name") or legacy.get("name") or ""
    return {
        "id": distro_id or None,
        "version": version or None,
        "like": like or None,
        "name": name or None,
    }


def release_file_info(ctx: "Context") -> "dict[str, str]":
    """The first legacy ``/etc/*-release`` / ``*_version`` file distro would pick.

    ``{"id", "name"}`` plus ``version_id`` and ``codename`` when the line has
    them, or ``{}``.
    """
    names = ctx.listdir("/etc")
    candidates = FALLBACK_RELEASE_FILES if names is None else names
    for name in candidates:
        # Most of /etc is neither: two C-speed scans skip it before the full test.
        if ("release" not in name and "version" not in name) or name in IGNORED_RELEASE_FILES:
            continue
        prefix = release_file_prefix(name)
        if prefix is None:
            continue
        text = ctx.read(f"/etc/{name}")
        if text is None or UNDECODABLE in text:
            continue
        info = parse_release_line(first_line(text))
        if "name" not in info:
            continue
        info["id"] = prefix
        if "cloudlinux" in info["name"].lower():
            # CloudLinux < 7 ships only redhat-release: distro's special case.
            info["id"] = "cloudlinux"
        return info
    return {}


def release_file_prefix(name: str) -> "str | None":
    r"""The ``(\w+)`` of distro's ``(\w+)[-_](release|version)$`` file-name match, or None."""
    base = name[:-1] if name.endswith("\n") else name  # "$" also matches before a final "\n"
    if len(base) < 9 or base[-7:] not in ("release", "version") or base[-8] not in "-_":
        return None
    prefix = base[:-8]
    if all(ch == "_" or ch.isalnum() for ch in prefix):
        return prefix
    return None


def first_line(text: str) -> str:
    """The first line as distro's ``readline()`` returns it: universal newlines, "\\n" kept."""
    end = len(text)
    for newline in ("\n", "\r"):
        found = text.find(newline, 0, end)
        if found >= 0:
            end = found
    return text if end == len(text) else text[:end] + "\n"


def parse_release_line(line: str) -> "dict[str, str]":
    """distro's parse of one release-file line ("CentOS release 6.10 (Final)").

    ``name`` always (when the line is not empty), ``version_id`` and
    ``codename`` when present.  A line longer than :data:`MAX_RELEASE_LINE`
    is junk and gives ``{}`` (distro would run its pattern over it): the
    work stays bounded, and 250 KB of digits is no version.
    """
    stripped = line.strip()
    if len(stripped) > MAX_RELEASE_LINE:
        return {}
    if not any(ch.isdecimal() for ch in stripped):
        # The pattern needs a digit (\d is any Unicode decimal): no match, no re.
        return {"name": stripped} if line else {}
    import re

    matches = re.match(_RELEASE_LINE_REVERSED, stripped[::-1])
    info: dict[str, str] = {}
    if matches:
        info["name"] = matches.group(3)[::-1]
        if matches.group(2):
            info["version_id"] = matches.group(2)[::-1]
        if matches.group(1):
            info["codename"] = matches.group(1)[::-1]
    elif line:
        info["name"] = stripped
    return info


def debian_version(ctx: "Context") -> "str | None":
    """The first line of /etc/debian_version; None when absent or not ASCII (distro raises)."""
    text = ctx.read("/etc/debian_version")
    if text is None or not text.isascii():
        return None
    return first_line(text).rstrip()
