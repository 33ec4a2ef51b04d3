# Sourced by .ci/run (bash): put every supported Python on PATH, then require
# 3.9-3.13.  tox.ini skips a missing interpreter so that `tox` works on any
# machine; CI must not, so the check is here.

# Supported and required in CI.
required_pythons="3.9 3.10 3.11 3.12 3.13"
# The current release: tested where installed, reported where not.
optional_pythons="3.14"

# On machines that manage Pythons with pyenv, expose the newest installed patch
# release of each version to the shims (the default interpreter stays first).
expose_pyenv_pythons() {
    command -v pyenv >/dev/null 2>&1 || return 0
    local versions found version
    versions="$(pyenv version-name 2>/dev/null || true)"
    for version in $required_pythons $optional_pythons; do
        found="$(pyenv versions --bare 2>/dev/null | grep -E "^${version//./\\.}\.[0-9]+$" | sort -V | tail -n 1 || true)"
        [ -n "$found" ] && versions="${versions}:${found}"
    done
    export PYENV_VERSION="${versions#:}"
}

# True when `pythonX.Y` on PATH runs and is that version (what tox looks for).
python_runs() {
    "python$1" -c "import sys; sys.exit(sys.version_info[:2] != (${1%%.*}, ${1#*.}))" >/dev/null 2>&1
}

# Fail, naming each one, unless every required Python runs; say which optional
# ones tox will skip.  With all of them present nothing may be skipped.
require_pythons() {
    local version missing="" absent=""
    for version in $required_pythons; do
        python_runs "$version" || missing="${missing} ${version}"
    done
    if [ -n "$missing" ]; then
        echo ".ci/run: CI needs Python ${required_pythons// /, } on PATH; not found:${missing}." \
             "Install them (e.g. pyenv install${missing}) and run .ci/run again." >&2
        return 1
    fi
    for version in $optional_pythons; do
        if python_runs "$version"; then
            echo ".ci/run: Python ${version} found: tox runs py${version//./} too."
        else
            absent="${absent} ${version}"
            echo ".ci/run: Python ${version} is not installed: tox skips py${version//./}."
        fi
    done
    if [ -z "$absent" ]; then
        export TOX_SKIP_MISSING_INTERPRETERS=false
    fi
}
