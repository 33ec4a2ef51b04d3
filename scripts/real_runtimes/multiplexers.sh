#!/bin/sh
# Run envdetect inside real nested multiplexers and print what it reports:
#   screen inside tmux, tmux inside screen, and each alone for reference.
# Needs tmux and screen (apt-get install tmux screen).  Not part of the test
# suite: results are recorded in docs/reference/cloud-containers-wsl.md.
# Usage: scripts/real_runtimes/multiplexers.sh  (from the repository root)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# ENVDETECT_TREE picks the envdetect checkout to run (default: this one).
TREE=${ENVDETECT_TREE:-$ROOT}
PY=${PYTHON:-python3}
WORK=$(mktemp -d)
SOCK="envdetect-rr-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null || true; tmux -L "$SOCK-in" kill-server 2>/dev/null || true; screen -ls 2>/dev/null | grep -o "[0-9]*\.envdetect-rr-$$[a-z-]*" | while read -r s; do screen -S "$s" -X quit; done; rm -rf "$WORK"' EXIT
export TERM="${TERM:-xterm-256color}"
[ "$TERM" = dumb ] && export TERM=xterm-256color
REPORT="cd '$ROOT' && PYTHONPATH='$TREE' $PY scripts/real_runtimes/report.py"

wait_for() {  # file
    i=0
    while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    cat "$1" 2>/dev/null || echo "(no report: the session did not start)"
}

echo "tmux $(tmux -V | cut -d' ' -f2), $(screen -v | cut -d' ' -f3), $(uname -sr), $(date -u +%F)"

printf '%-18s ' "tmux alone:"
tmux -L "$SOCK" -f /dev/null new-session -d -x 100 -y 30 "$REPORT '$WORK/tmux'; sleep 1"
wait_for "$WORK/tmux"
tmux -L "$SOCK" kill-server 2>/dev/null || true

printf '%-18s ' "screen alone:"
screen -D -m -S "$SOCK-screen" sh -c "$REPORT '$WORK/screen'; sleep 1" &
wait_for "$WORK/screen"
wait

printf '%-18s ' "screen in tmux:"
tmux -L "$SOCK" -f /dev/null new-session -d -x 100 -y 30 \
    "screen -D -m -S '$SOCK-inner' sh -c \"$REPORT '$WORK/screen-in-tmux'; sleep 1\""
wait_for "$WORK/screen-in-tmux"
tmux -L "$SOCK" kill-server 2>/dev/null || true

printf '%-18s ' "tmux in screen:"
screen -D -m -S "$SOCK-outer" sh -c \
    "tmux -L '$SOCK-in' -f /dev/null new-session -x 100 -y 30 \"$REPORT '$WORK/tmux-in-screen'; sleep 1\"" &
wait_for "$WORK/tmux-in-screen"
tmux -L "$SOCK-in" kill-server 2>/dev/null || true
wait
