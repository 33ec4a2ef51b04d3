"""One line of what envdetect reports where this runs, for scripts/real_runtimes/*.sh.

Detection reads the real stdin and stdout (a terminal in a multiplexer pane);
the line goes to the file named as the first argument, or to stderr, so that
redirecting it never changes ``interactive``.  Only ids and signal names are
printed, never a value.
"""

import sys

import envdetect


def main() -> None:
    env = envdetect.detect(plugins=False)
    doc = env.to_dict()
    container = (doc["container"] or {}).get("id")
    cloud = (doc["cloud"] or {}).get("platform") or (doc["cloud"] or {}).get("provider")
    terminal = doc["terminal"] or {}
    because = {
        facet: ", ".join(env.explanation[facet]["because"]) or "-"
        for facet in ("container", "terminal")
    }
    line = (
        f"container={container} cloud={cloud} wsl={doc['os']['wsl']} "
        f"terminal={terminal.get('program')} interactive={terminal.get('interactive')} "
        f"kind={env.runtime.kind} | container because: {because['container']}"
        f" | terminal because: {because['terminal']}\n"
    )
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w", encoding="utf-8") as out:
            out.write(line)
    else:
        sys.stderr.write(line)


if __name__ == "__main__":
    main()
