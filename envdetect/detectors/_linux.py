"""Linux distribution facts with the ``distro`` package's semantics, cheaply.

``distro`` costs ~17 ms to import and ~28 ms for ``distro.info()`` (it spawns
``lsb_release`` and ``uname``).  This module gives the same ``id``,
``version``, ``name`` and ``like`` as
``distro.LinuxDistribution(include_lsb=False, include_uname=False)`` for the
files present, reading only through the context; the differential test over
every Linux fixture holds it to that.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from envdetect._context import Context

# Mirrors of distro's tables (distro 1.9): ids normalised after lowercasing.
NORMALIZED_OS_ID = {"ol": "oracle", "opensuse-leap": "opensuse"}
NORMALIZED_DISTRO_ID = {"redhat": "rhel"}

# Legacy release files distro never treats as "the" release file.
IGNORED_RELEASE_FILES = frozenset({
    "debian_version", "lsb-release", "oem-release", "os-release", "system-release",
    "plesk-release", "iredmail-release", "board-release", "ec2_version",
})

OS_RELEASE_PATHS = ("/etc/os-release", "/usr/lib/os-release")

_SAFE_UNQUOTED = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+:/,@%"
)


def os_release(ctx: Context) -> tuple[str | None, dict[str, str]]:
    """(path read, parsed fields with lowercase keys) — /etc first, as distro does."""
    for path in OS_RELEASE_PATHS:
        text = ctx.read(path)
        if text is not None:
            return path, parse_os_release(text)
    return None, {}


def parse_os_release(text: str) -> dict[str, str]:
    """os-release fields, parsed the way distro parses them (a POSIX shlex).

    Nearly every real file is one ``KEY=value`` per line with simple quoting;
    those are parsed here without importing :mod:`shlex` (which pulls in
    :mod:`re`).  Anything unusual goes to the exact shlex replica.
    """
    props: dict[str, str] = {}
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key or not _simple_key(key):
            return _parse_with_shlex(text)
        parsed = _simple_value(value)
        if parsed is None:
            return _parse_with_shlex(text)
        props[key.lower()] = parsed
    return _add_codename(props)


def _simple_key(key: str) -> bool:
    return all(ch in _SAFE_UNQUOTED for ch in key) and "=" not in key


def _simple_value(value: str) -> str | None:
    """The unquoted value, or None when shlex rules beyond the trivial apply."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        if any(ch in inner for ch in "\"'\\`$#"):
            return None
        return inner
    if all(ch in _SAFE_UNQUOTED for ch in value):
        return value
    return None


def _parse_with_shlex(text: str) -> dict[str, str]:
    import shlex

    props: dict[str, str] = {}
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:
        # An unterminated quote: distro raises here; to us the file is garbage.
        return {}
    for token in tokens:
        if "=" in token:
            key, value = token.split("=", 1)
            props[key.lower()] = value
    return _add_codename(props)


def _add_codename(props: dict[str, str]) -> dict[str, str]:
    if "version_codename" in props:
        props["codename"] = props["version_codename"]
    elif "ubuntu_codename" in props:
        props["codename"] = props["ubuntu_codename"]
    return props


def release_file_info(ctx: Context) -> dict[str, str]:
    """The first legacy ``/etc/*-release`` / ``*_version`` file distro would pick."""
    names = ctx.listdir("/etc")
    if not names:
        return {}
    import re

    pattern = re.compile(r"(\w+)[-_](release|version)$")
    for name in names:
        if name in IGNORED_RELEASE_FILES:
            continue
        match = pattern.match(name)
        if match is None:
            continue
        text = ctx.read(f"/etc/{name}")
        if text is None:
            continue
        info = parse_release_line(text.split("\n", 1)[0])
        if "name" not in info:
            continue
        info["id"] = match.group(1)
        if "cloudlinux" in info["name"].lower():
            info["id"] = "cloudlinux"
        return info
    return {}


def parse_release_line(line: str) -> dict[str, str]:
    """distro's parse of one release-file line ("CentOS release 6.10 (Final)")."""
    import re

    reversed_pattern = re.compile(
        r"(?:[^)]*\)(.*)\()? *(?:STL )?([\d.+\-a-z]*\d) *(?:esaeler *)?(.+)"
    )
    matches = reversed_pattern.match(line.strip()[::-1])
    info: dict[str, str] = {}
    if matches:
        info["name"] = matches.group(3)[::-1]
        if matches.group(2):
            info["version_id"] = matches.group(2)[::-1]
        if matches.group(1):
            info["codename"] = matches.group(1)[::-1]
    elif line:
        info["name"] = line.strip()
    return info


def distro_facts(ctx: Context) -> dict[str, str | None]:
    """``id``, ``version``, ``like`` and ``name`` as distro computes them."""
    path, osr = os_release(ctx)
    if path:
        ctx.because(f"file {path}")
    # distro always consults the release files too, but only to fill what
    # os-release leaves empty; skip the directory scan when nothing is left.
    needs_legacy = not (osr.get("id") and osr.get("version_id") and osr.get("name"))
    legacy = release_file_info(ctx) if needs_legacy else {}
    if legacy:
        ctx.because("file /etc/*-release")

    distro_id = ""
    if osr.get("id"):
        distro_id = _normalize(osr["id"], NORMALIZED_OS_ID)
    elif legacy.get("id"):
        distro_id = _normalize(legacy["id"], NORMALIZED_DISTRO_ID)

    like = osr.get("id_like", "")
    version = osr.get("version_id") or legacy.get("version_id") or ""
    if not version and osr.get("pretty_name"):
        version = parse_release_line(osr["pretty_name"]).get("version_id", "")
    if not version and (distro_id == "debian" or "debian" in like.split()):
        text = ctx.read("/etc/debian_version")
        if text is not None:
            ctx.because("file /etc/debian_version")
            version = text.split("\n", 1)[0].rstrip()
    name = osr.get("name") or legacy.get("name") or ""
    return {
        "id": distro_id or None,
        "version": version or None,
        "like": like or None,
        "name": name or None,
    }


def _normalize(distro_id: str, table: dict[str, str]) -> str:
    distro_id = distro_id.lower().replace(" ", "_")
    return table.get(distro_id, distro_id)
