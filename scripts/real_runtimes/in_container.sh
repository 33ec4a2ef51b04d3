#!/bin/sh
# Run inside each container by containers.sh: report what
# envdetect sees, once as started and once with the environment reset
# (`env -i`, as sudo -i or a cron job would leave it).  The repository is
# bind-mounted read-only at /envdetect, these scripts at /rr; reports go to
# files in the directory $1 (default: stdout).
OUT=${1:-}
cd /envdetect || exit 1
SELF=$(dirname "$0")
run() {  # label, then the command
    label=$1; shift
    if [ -n "$OUT" ]; then "$@" "$SELF/report.py" "$OUT/$label"
    else printf '%s: ' "$label"; "$@" "$SELF/report.py" 2>&1; fi
}
run as-started env PYTHONPATH=/envdetect python3
run env-i env -i PYTHONPATH=/envdetect /usr/bin/python3
