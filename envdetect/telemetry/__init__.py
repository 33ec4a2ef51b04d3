"""Anonymous usage telemetry for a command-line tool: opt-out first, never in the way.

>>> from envdetect.telemetry import Telemetry
>>> telemetry = Telemetry("mytool", "1.4.2", "https://telemetry.example.com/v1/events",
...                       opt_out_env="MYTOOL_TELEMETRY")
>>> with telemetry.track("deploy", "stack"):  # doctest: +SKIP
...     run_deploy()
>>> sys.exit(telemetry.command(["status"]))   # doctest: +SKIP

What leaves the machine is the environment fingerprint
(:meth:`envdetect.Environment.fingerprint`), the events recorded here and a
random run id — ``mytool telemetry show`` (:meth:`Telemetry.command`) prints
it.  The opt-out is decided in the constructor before anything else happens;
when it says no, this object does nothing at all: no detection, no thread, no
socket, no file write, no process.  On, the host never waits on the network:
what it has not sent by its exit goes to a small spool and a detached flush
process delivers it (docs/telemetry/delivery.md).  Nothing is ever sent
before the user was told: the first record shows the notice if it was never
shown (see :meth:`Telemetry.first_run_notice`).  Apart from that notice on stderr,
nothing here raises into the host, writes to stdout or stderr, changes the
exit code or keeps the interpreter alive; see docs/telemetry/guarantees.md for every guarantee.

The package's modules: ``_consent`` (the on/off words, the choice file, the
notice), ``_queue`` (the queue, the worker, the exit), ``_transport`` (one POST
with ``http.client``), ``_payload`` (the bodies), ``_spool`` (the spool and the
flush process), ``_command`` (the ``telemetry`` command).  Importing the
package loads ``_consent`` with it and nothing else; the rest load on first use.
"""

import os
import sys
import time

from envdetect.telemetry._consent import DEBUG, DEBUG_ENV, SEND
from envdetect.telemetry._consent import MODE_OFF as OFF
from envdetect.telemetry._consent import OFF as _OFF
from envdetect.telemetry._consent import ON as _ON
from envdetect.telemetry._consent import env_flag as _env_flag

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from types import TracebackType
    from typing import Any, TypeVar, Union

    from envdetect.telemetry._queue import Sender

    F = TypeVar("F", bound=Callable[..., Any])
    Value = Union[bool, int, float, str]

__all__ = ["Telemetry", "Tracker"]

WIRES = ("json", "otlp")
MAX_TEXT = 64
MAX_COMMAND = 128
MAX_ATTRIBUTES = 32
OTHER = "other"
_INT64 = 2**63
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-")
_KEY = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.")
_TOKEN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")

#: What ``reason`` says, where more than one place says it.
STORED_OFF = "disabled by the stored setting"
STORED_ON = "enabled by the stored setting"
TOLD_EARLIER = "enabled by default (the notice was shown on an earlier run)"
NOT_YET_TOLD = (
    "enabled by default once the notice has been shown and recorded "
    "(due at the first command; outside CI that run sends nothing)"
)


def _is_word(value: object, chars: "frozenset[str]" = _WORD) -> bool:
    """A short token of the host's vocabulary: no spaces, slashes, quotes or @."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_TEXT
        and value.isascii()
        and value[0].isalnum()
        and chars.issuperset(value)
    )


class Telemetry:
    """The host's telemetry: ``Telemetry(app, version, endpoint, *, opt_out_env=...)``.

    ``app`` and ``version`` name the host (``app``: letters, digits, ``.``, ``_``,
    ``-``); ``endpoint`` is the http(s) URL to POST to (``None``: nothing is ever
    sent); ``opt_out_env`` the host's own variable (``0``/``false``/``off``/``no``
    turns telemetry off, ``1``/``true``/``on``/``yes`` on, anything else off);
    ``wire`` ``"json"`` (envdetect's schema) or ``"otlp"`` (OTLP/HTTP JSON logs to
    ``{endpoint}/v1/logs``); ``exit_wait`` is accepted (a number from 0) and no
    longer used: the host does not wait at exit (what is unsent is spooled and sent by a
    flush process).  Keyword-only extras: ``debug_env``, a host
    variable that works like ``ENVDETECT_TELEMETRY_DEBUG``; ``allowed_values``,
    per attribute name the strings :meth:`event` may send (``"command"`` and
    ``"subcommand"`` restrict :meth:`track` too); ``headers``, extra request
    headers (an API key); ``config_dir``, the folder of the choice file
    (default: the platform's config directory / ``app``); ``telemetry_command``,
    how the user runs the host's telemetry command (default ``f"{app} telemetry"``),
    named by the notice.

    Invalid arguments never raise: telemetry is off and :attr:`reason` says why.
    """

    __slots__ = (
        "_allowed",
        "_app",
        "_before_command",
        "_config_dir",
        "_endpoint",
        "_explicit",
        "_headers",
        "_informed",
        "_mode",
        "_opt_out_env",
        "_reason",
        "_sender",
        "_shown_now",
        "_telemetry_command",
        "_version",
        "_wire",
    )

    def __init__(
        self,
        app: str,
        version: str,
        endpoint: "str | None" = None,
        *,
        opt_out_env: "str | None" = None,
        wire: str = "json",
        exit_wait: float = 0.25,
        debug_env: "str | None" = None,
        allowed_values: "Mapping[str, Iterable[str]] | None" = None,
        headers: "Mapping[str, str] | None" = None,
        config_dir: "str | None" = None,
        telemetry_command: "str | None" = None,
    ) -> None:
        self._mode = OFF
        self._reason = "not configured"
        self._sender: Sender | None = None
        self._explicit = False
        # Whether the user was told (the notice recorded, or they turned it on
        # themselves): nothing is sent until this is True.
        self._informed = False
        self._shown_now = False
        # The default spelling from the start: an opted-out host's `telemetry
        # status` names it too.
        self._telemetry_command = (
            f"{app} telemetry" if telemetry_command is None else telemetry_command
        )
        # (state, reason) as the first telemetry command found them, before it
        # turned this process off: what `status` reports every time.
        self._before_command: tuple[str, str] | None = None
        self._app, self._version, self._endpoint = app, version, endpoint
        self._wire, self._opt_out_env, self._config_dir = wire, opt_out_env, config_dir
        self._allowed: dict[str, frozenset[str]] = {}
        self._headers: dict[str, str] = {}
        try:
            self._mode, self._reason = self._decide(exit_wait, debug_env, allowed_values, headers)
        except Exception:  # noqa: BLE001 - never raise into the host
            self._mode, self._reason = OFF, "internal error"

    def _decide(
        self,
        exit_wait: float,
        debug_env: "str | None",
        allowed_values: "Mapping[str, Iterable[str]] | None",
        headers: "Mapping[str, str] | None",
    ) -> "tuple[str, str]":
        # 1. The user's word, before anything else.
        if _env_flag("DO_NOT_TRACK") not in ("", "0"):
            return OFF, "DO_NOT_TRACK is set"
        choice = _env_flag(self._opt_out_env)
        if choice in _OFF:
            return OFF, f"{self._opt_out_env} turns it off"
        if choice and choice not in _ON:
            return OFF, f"{self._opt_out_env} has an unrecognised value (counts as off)"
        self._explicit = choice in _ON
        # 2. The host's arguments.
        problem = self._configure(exit_wait, allowed_values, headers)
        if problem:
            return OFF, f"invalid argument: {problem}"
        debug = _env_flag(DEBUG_ENV) in _ON or (_is_word(debug_env) and _env_flag(debug_env) in _ON)
        if self._endpoint is None and not debug:
            return OFF, "no endpoint"
        # 3. The stored choice (only read when the environment did not decide).
        if self._explicit:
            self._informed = True  # turning it on oneself is being informed
            reason = f"enabled by {self._opt_out_env}={choice}"
        else:
            from envdetect.telemetry._consent import UNREADABLE, choice_file, choice_in, load, told

            values = load(choice_file(self._app, self._config_dir))  # read once
            stored = choice_in(values)
            if stored is False:
                return OFF, STORED_OFF
            if stored == UNREADABLE or values is None:
                return OFF, "the stored setting cannot be read (counts as off)"
            self._informed = told(values)
            reason = (
                STORED_ON if stored is True else TOLD_EARLIER if self._informed else NOT_YET_TOLD
            )
        return (DEBUG, "debug mode: printed, never sent") if debug else (SEND, reason)

    def _configure(
        self,
        exit_wait: float,
        allowed: "Mapping[str, Iterable[str]] | None",
        headers: "Mapping[str, str] | None",
    ) -> "str | None":
        if not _is_word(self._app, _WORD - {":"}) or self._app[0] == ".":
            return "app"
        if not _is_word(self._version, _WORD | {"+"}):
            return "version"
        if self._wire not in WIRES:
            return "wire"
        endpoint = self._endpoint
        if endpoint is not None and not (
            isinstance(endpoint, str) and endpoint[:8].lower().startswith(("http://", "https://"))
        ):
            return "endpoint"
        if self._opt_out_env is not None and not _is_word(self._opt_out_env):
            return "opt_out_env"
        if self._config_dir is not None and not isinstance(self._config_dir, str):
            return "config_dir"
        if not (
            isinstance(self._telemetry_command, str)
            and 0 < len(self._telemetry_command) <= MAX_COMMAND
            and self._telemetry_command.isprintable()
        ):
            return "telemetry_command"
        if (
            isinstance(exit_wait, bool)
            or not isinstance(exit_wait, (int, float))
            or not (exit_wait >= 0)
        ):
            return "exit_wait"
        for key, values in (allowed or {}).items():
            if not _is_word(key, _KEY) or isinstance(values, str):
                return "allowed_values"
            self._allowed[key] = frozenset(
                v for v in values if isinstance(v, str) and len(v) <= MAX_TEXT
            )
        for name, value in (headers or {}).items():
            if (
                not _is_word(name, _TOKEN)
                or not isinstance(value, str)
                or any(c in value for c in "\r\n\x00")
            ):
                return "headers"
            self._headers[name] = value
        return None

    # -- state ---------------------------------------------------------------------
    @property
    def enabled(self) -> bool:
        """Whether this process sends what it records.  Until the user was told, the
        first record shows the notice instead (and, outside CI, turns this off)."""
        return self._mode == SEND

    @property
    def debug(self) -> bool:
        """Debug mode: payloads are printed to stderr and never sent."""
        return self._mode == DEBUG

    @property
    def reason(self) -> str:
        """Why telemetry is on or off and what turned it on, in words (``telemetry status``)."""
        return self._reason

    @property
    def dropped(self) -> int:
        """Events dropped because the queue was full."""
        sender = self._sender
        return sender.dropped_total if sender is not None else 0

    @property
    def config_file(self) -> "str | None":
        """The file holding the persistent choice (None when there is no home)."""
        try:
            from envdetect.telemetry._consent import choice_file

            return choice_file(self._app, self._config_dir)
        except Exception:  # noqa: BLE001
            return None

    def _off(self, reason: str) -> None:
        self._mode, self._reason = OFF, reason
        sender = self._sender
        if sender is not None:
            sender.cancel()

    # -- the persistent choice and the notice ----------------------------------------
    def set_enabled(self, enabled: bool) -> bool:
        """Store the user's choice for later runs; returns whether it was stored.

        ``set_enabled(False)`` also stops this process's telemetry at once.
        """
        try:
            from envdetect.telemetry._consent import remember

            if not enabled:
                self._off(STORED_OFF)
            stored = remember(self.config_file, self._app, bool(enabled))
            if stored and enabled:
                self._informed = True  # the user turned it on: told, by definition
                if self._mode == SEND and not self._explicit:
                    self._reason = STORED_ON
            return stored
        except Exception:  # noqa: BLE001
            return False

    def first_run_notice(self, text: "str | None" = None) -> bool:
        """Tell the user about telemetry if they were never told; True if shown now.

        The notice goes to stderr, a terminal or not (never stdout), once: its
        showing is recorded in the choice file.  Not due when telemetry is off,
        in debug mode, after ``opt_out_env`` or the stored setting turned it on,
        or once recorded.  Outside CI nothing is sent on the run that shows it;
        where it cannot be recorded (read-only home) it is not shown (it would
        be on every run) and nothing is sent.  In CI, whose homes rarely outlive
        a job, it is printed to the job's log even if it cannot be recorded,
        and the run is measured.  The first ``track()``/``event()`` calls this
        itself, so a host that never calls it still never reports untold; call
        it at start-up to show the notice before the command's own output.
        """
        if self._mode != SEND or self._informed:
            return False
        return self._inform(text)

    def _inform(self, text: "str | None") -> bool:
        """Show the notice once per process if due, and settle whether this run sends."""
        self._informed = True  # one decision per process, whatever happens below
        try:
            from envdetect.telemetry._consent import first_run_notice, in_ci

            ci = in_ci()
            message = text if isinstance(text, str) else self.notice_text(ci)
            outcome = first_run_notice(self.config_file, self._app, message, ci)
        except Exception:  # noqa: BLE001 - not known to be told: send nothing
            self._off("internal error")
            return False
        if outcome == "shown":
            self._shown_now = True
            self._off(
                "not this run: the notice was shown now; enabled by default from the next run"
            )
        elif outcome == "ci":
            self._reason = "enabled in CI (the notice was printed to the job's log)"
        elif outcome == "seen":  # another process recorded it meanwhile
            self._reason = TOLD_EARLIER
        elif outcome == "unrecorded":
            self._off(
                "off: the notice cannot be recorded (no writable config folder), "
                "and nothing is sent to anyone not told"
            )
        else:
            self._off(
                "off: there is no stderr to show the notice on, "
                "and nothing is sent to anyone not told"
            )
        return outcome in ("shown", "ci")

    def notice_text(self, ci: bool = False) -> str:
        """The default notice, for this host (``ci``: the wording for a CI job's log)."""
        from envdetect.telemetry._consent import FIRST_RUN, IN_CI, NOTICE

        opt_out = (
            f"{self._opt_out_env}=0 or DO_NOT_TRACK=1" if self._opt_out_env else ("DO_NOT_TRACK=1")
        )
        return NOTICE.format(
            app=self._app,
            opt_out=opt_out,
            when=IN_CI if ci else FIRST_RUN,
            command=self._telemetry_command,
        )

    # -- the host's telemetry command -------------------------------------------------
    def command(self, argv: "Sequence[str]") -> int:
        """The host's ``telemetry`` command, framework-free; returns the exit status.

        ``status`` (the default), ``enable``, ``disable`` or ``show``; output on
        stdout, bad usage as one line on stderr and status 2.  Wire it as
        ``sys.exit(telemetry.command(sys.argv[2:]))``.  A process that runs it
        records and sends nothing at all: the command is never measured.
        """
        try:
            from envdetect.telemetry._command import run

            return run(self, argv)
        except Exception:  # noqa: BLE001 - never a traceback from telemetry
            from envdetect.telemetry._command import complain

            return complain(self, "internal error", 1)

    def click_command(self, name: str = "telemetry") -> "Any":
        """The same command as a click group: ``cli.add_command(telemetry.click_command())``.

        click is imported only here, so a host without click never loads it.
        """
        from envdetect.telemetry._command import click_group

        return click_group(self, name)

    # -- recording -----------------------------------------------------------------
    def track(self, command: "str | None" = None, subcommand: "str | None" = None) -> "Tracker":
        """Time a command: ``with t.track("deploy", "stack"):`` or ``@t.track("deploy")``.

        Records the duration, the status, the exit code the process ends with
        (a ``SystemExit``'s code; click's and typer's exceptions as they map
        them) and the exception's class name; the exception itself propagates
        unchanged.  Without ``command``: inside a click or typer command, the
        command's path in the host's command tree; as a decorator, the
        function's name.  As a decorator: above or below click's
        ``@cli.command()``; below typer's ``@app.command()``.
        """
        return Tracker(self, command, subcommand)

    def record_command(
        self,
        command: str,
        subcommand: "str | None" = None,
        *,
        duration_ms: float,
        exit_code: int = 0,
        error: "BaseException | type[BaseException] | None" = None,
    ) -> None:
        """Record a command the host timed itself; ``error``: only its class name is kept."""
        if self._mode == OFF:
            return
        try:
            name = None
            if isinstance(error, BaseException):
                name = type(error).__name__
            elif isinstance(error, type) and issubclass(error, BaseException):
                name = error.__name__
            elif error is not None:
                self._say(
                    "record_command: error left out: not an exception or exception "
                    "class (a string could be a message)"
                )
            if isinstance(exit_code, bool) or not isinstance(exit_code, int):
                self._say("record_command: exit_code is not an integer: recorded as 1")
                exit_code = 1
            self._command(command, subcommand, duration_ms, exit_code, name)
        except Exception:  # noqa: BLE001
            pass

    def event(self, name: str, attributes: "Mapping[str, object] | None" = None) -> None:
        """Record another event: a name (lowercase, digits, ``_`` and ``.``) and
        attributes that are booleans, numbers or strings allowed by ``allowed_values``
        for that attribute.  Anything else is left out (debug mode says what and why)."""
        if self._mode == OFF:
            return
        try:
            if not _is_word(name, _KEY) or name == "command":
                why = (
                    "reserved for track()"
                    if name == "command"
                    else ("a name is lowercase letters, digits, _ and . (up to 64)")
                )
                self._say(f"event {_shown(name)} dropped: {why}")
                return
            clean: dict[str, Value] = {}
            items = list((attributes or {}).items())
            for key, value in items[:MAX_ATTRIBUTES]:
                if not _is_word(key, _KEY):
                    self._say(
                        f"event {name}: attribute {_shown(key)} left out: a name is "
                        "lowercase letters, digits, _ and . (up to 64)"
                    )
                    continue
                kept = self._value(key, value)
                if kept is None:
                    self._say(f"event {name}: attribute {key} left out: {_refused(value)}")
                else:
                    clean[key] = kept
            if len(items) > MAX_ATTRIBUTES:
                self._say(
                    f"event {name}: {len(items) - MAX_ATTRIBUTES} attributes left "
                    f"out: at most {MAX_ATTRIBUTES}"
                )
            self._record(name, clean)
        except Exception:  # noqa: BLE001
            pass

    def _say(self, message: str) -> None:
        """Debug mode: one line on stderr about what was left out and why, never a value."""
        if self._mode != DEBUG:
            return
        try:
            from envdetect.telemetry._queue import log

            log(message)
        except Exception:  # noqa: BLE001
            pass

    def _value(self, key: str, value: object) -> "Value | None":
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value if -_INT64 <= value < _INT64 else None
        if isinstance(value, float):
            return value if value - value == 0 else None  # finite
        if isinstance(value, str) and value in self._allowed.get(key, ()):
            return value
        return None

    def _word(self, key: str, value: object) -> str:
        allowed = self._allowed.get(key)
        if allowed is not None:
            if isinstance(value, str) and value in allowed:
                return value
            self._say(f"{key}: a value not in allowed_values[{key!r}] is sent as {OTHER!r}")
            return OTHER
        if _is_word(value):
            return value  # type: ignore[return-value]
        self._say(f"{key}: a value that is not a short word is sent as {OTHER!r}")
        return OTHER

    def _command(
        self,
        command: object,
        subcommand: object,
        duration_ms: object,
        exit_code: int,
        error: "str | None",
    ) -> None:
        self._record(
            "command", self._command_attributes(command, subcommand, duration_ms, exit_code, error)
        )

    def _command_attributes(
        self,
        command: object,
        subcommand: object,
        duration_ms: object,
        exit_code: int,
        error: "str | None",
    ) -> "dict[str, Value]":
        """A command event's attributes, as track() and record_command() send them."""
        attributes: dict[str, Value] = {"command": self._word("command", command)}
        if subcommand is not None:
            attributes["subcommand"] = self._word("subcommand", subcommand)
        status = _status(exit_code)
        if status != exit_code:
            self._say(
                f"exit_code {exit_code} recorded as {status}, the status the operating "
                "system reports for it"
            )
        attributes["status"] = "success" if status == 0 and error is None else "failure"
        attributes["exit_code"] = status
        if error is not None:
            attributes["error_type"] = error if _is_word(error, _WORD - {":"}) else OTHER
        if (
            isinstance(duration_ms, (int, float))
            and not isinstance(duration_ms, bool)
            and (0 <= duration_ms < 1e12)
        ):
            attributes["duration_ms"] = round(float(duration_ms), 3)
        else:
            self._say("duration_ms left out: not a finite, non-negative number")
        return attributes

    def _record(self, name: str, attributes: "Mapping[str, Value]") -> None:
        sender = self._sender or self._start()
        if sender is not None:
            sender.add((name, time.time_ns(), attributes))

    def _start(self) -> "Sender | None":
        """The sender, made on first use: a daemon thread begins detecting right away.

        Never before the user was told: the first use shows the notice if due.
        """
        if self._mode == SEND and not self._informed:
            self._inform(None)
        if self._mode == OFF:
            return None
        try:
            from envdetect.telemetry._queue import Config, Sender

            config = Config(
                self._app,
                self._version,
                self._endpoint,
                wire=self._wire,
                headers=self._headers,
                debug=self._mode == DEBUG,
            )
            sender = self._sender = Sender(config)
            sender.start()
            return sender
        except Exception:  # noqa: BLE001
            self._mode, self._reason = OFF, "internal error"
            return None


class Tracker:
    """What :meth:`Telemetry.track` returns: a context manager and a decorator."""

    __slots__ = ("_command", "_default", "_owner", "_start", "_subcommand")

    def __init__(
        self,
        owner: "Telemetry",
        command: "str | None",
        subcommand: "str | None",
        default: "str | None" = None,
    ) -> None:
        self._owner, self._command, self._subcommand = owner, command, subcommand
        self._default = default
        self._start: float | None = None

    def __enter__(self) -> "Tracker":
        owner = self._owner
        if owner._mode != OFF:
            if owner._sender is None:
                owner._start()  # the worker detects while the command runs
            self._start = time.perf_counter()
        return self

    def __exit__(
        self,
        exc_type: "type[BaseException] | None",
        exc: "BaseException | None",
        traceback: "TracebackType | None",
    ) -> None:
        start, self._start = self._start, None
        if start is None or self._owner._mode == OFF:
            return
        try:
            duration = (time.perf_counter() - start) * 1000.0
            code, error = _outcome(exc)
            command, subcommand = self._command, self._subcommand
            if command is None:
                path = _cli_path()
                if path:
                    command, subcommand = path[0], ":".join(path[1:]) or subcommand
                else:
                    command = self._default
            self._owner._command(command, subcommand, duration, code, error)
        except Exception:  # noqa: BLE001 - the host's exception, if any, goes on as is
            pass

    def __call__(self, func: "F") -> "F":
        """Decorate a function, or a click/typer command object (its ``invoke``).

        The wrapper is the same whether telemetry is on or off, so that a
        traceback through it is too; off, it only checks the mode.
        """
        owner, command, subcommand = self._owner, self._command, self._subcommand
        cli = _cli_command(func)
        if cli is not None:  # @t.track() above @cli.command(): the group calls the object
            cli.invoke = _tracked(
                owner, command, subcommand, cli.invoke, getattr(cli, "name", None)
            )
            return func
        if owner._mode == DEBUG and _registered_with_typer(func):
            owner._say(
                "track() above @app.command(): typer calls the function it "
                "registered, not this wrapper, so nothing is tracked; put "
                "@telemetry.track() below @app.command()"
            )
        return _tracked(
            owner,
            command,
            subcommand,
            func,  # type: ignore[return-value]
            getattr(func, "__name__", None),
        )


def _registered_with_typer(func: object) -> bool:
    """Whether typer already holds ``func`` as a command (a debug-mode check: it
    scans the objects referring to the function)."""
    models = sys.modules.get("typer.models")
    info = getattr(models, "CommandInfo", None)
    if info is None:
        return False
    import gc

    for holder in gc.get_referrers(func):
        if isinstance(holder, info) and getattr(holder, "callback", None) is func:
            return True
        if (
            isinstance(holder, dict)
            and holder.get("callback") is func
            and any(
                isinstance(owner, info) and getattr(owner, "__dict__", None) is holder
                for owner in gc.get_referrers(holder)
            )
        ):
            return True  # before 3.11, the referrer is the instance's __dict__
    return False


def _tracked(
    owner: "Telemetry",
    command: "str | None",
    subcommand: "str | None",
    func: "Callable[..., Any]",
    default: "str | None",
) -> "Callable[..., Any]":
    import functools

    @functools.wraps(func)
    def tracked(*args: "Any", **kwargs: "Any") -> "Any":
        with Tracker(owner, command, subcommand, default):
            return func(*args, **kwargs)

    return tracked


def _shown(name: object) -> str:
    """A name for a debug line: itself if it is a word, else only what it is."""
    if _is_word(name):
        return repr(name)
    if isinstance(name, str):
        return f"(not a word, {len(name)} characters)"
    return f"(a {type(name).__name__})"


def _refused(value: object) -> str:
    """Why an attribute value is left out, without the value."""
    if isinstance(value, str):
        return "a string not in allowed_values for it"
    if isinstance(value, int):
        return "an integer outside 64 bits"
    if isinstance(value, float):
        return "not a finite number"
    return f"a {type(value).__name__} is not a boolean, number or string"


# -- how the process ends ----------------------------------------------------------------
#: What a shell sees for a program ended by an unhandled KeyboardInterrupt (SIGINT),
#: and what Windows reports (STATUS_CONTROL_C_EXIT).
_INTERRUPTED = 0xC000013A if os.name == "nt" else 130


def _status(code: int) -> int:
    """The status the operating system reports for ``exit(code)``.

    CPython passes ``(int)PyLong_AsLong(code)`` to ``exit()``, -1 when it does not
    fit a C long.  POSIX keeps the low 8 bits (``exit(256)`` is 0, ``exit(-1)``
    255); Windows the 32-bit exit code, reported unsigned.
    """
    if os.name == "nt":
        return code & 0xFFFFFFFF if -(2**31) <= code < 2**31 else 0xFFFFFFFF
    return (code if -sys.maxsize - 1 <= code <= sys.maxsize else -1) & 0xFF


def _exit_code(code: object) -> int:
    """The status the interpreter exits with for ``SystemExit(code)``."""
    if code is None:
        return 0
    if isinstance(code, int):
        return _status(int(code))
    return 1  # a message: printed to stderr, status 1


#: Where click keeps its current context: click itself, and the copy of it that
#: typer ships from 0.2x on, with typer's own Exit and Abort.
_CLIS = (("click", "click"), ("typer._click", "typer"))


def _cli_context(package: str) -> "Any":
    module = sys.modules.get(f"{package}.globals")  # never imported here: the host did
    return module.get_current_context(silent=True) if module is not None else None


def _interrupted_cli_status(context: "Any") -> int:
    """How the running command line ends on KeyboardInterrupt: click's main turns
    it into Abort ("Aborted!", status 1); typer's, from 0.13 on, into Exit(130)."""
    if not type(context.find_root().command).__module__.startswith("typer"):
        return 1
    version = str(getattr(sys.modules.get("typer"), "__version__", "")).split(".")
    try:
        return _INTERRUPTED if (int(version[0]), int(version[1])) >= (0, 13) else 1
    except (ValueError, IndexError):
        return _INTERRUPTED


def _outcome(exc: "BaseException | None") -> "tuple[int, str | None]":
    """The exit status and error type for ``exc`` leaving a tracked block."""
    if exc is None:
        return 0, None
    if isinstance(exc, SystemExit):
        return _exit_code(exc.code), None
    name = type(exc).__name__
    for package, owner in _CLIS:
        context = _cli_context(package)
        if context is None:
            continue
        # What the command line's main() does with it, in standalone mode.
        signals = sys.modules.get(f"{owner}.exceptions")
        errors = sys.modules.get(f"{package}.exceptions")
        exit_type = getattr(signals, "Exit", None) or getattr(errors, "Exit", None)
        if exit_type is not None and isinstance(exc, exit_type):
            return _exit_code(getattr(exc, "exit_code", 0)), None
        failure = getattr(errors, "ClickException", None)
        if failure is not None and isinstance(exc, failure):
            return _exit_code(getattr(exc, "exit_code", 1)), name
        if isinstance(exc, KeyboardInterrupt):
            return _interrupted_cli_status(context), name
        return 1, name  # Abort, EOFError, a broken pipe, any other exception
    return (_INTERRUPTED if isinstance(exc, KeyboardInterrupt) else 1), name


def _cli_path() -> "list[str]":
    """The running click/typer command's names below the program, from the host's
    command tree (``Command.name``, never what was typed); the program's own
    command when it has no subcommands."""
    for package, _ in _CLIS:
        context = _cli_context(package)
        if context is None:
            continue
        names: list[str] = []
        while context.parent is not None:
            names.append(context.command.name)
            context = context.parent
        return names[::-1] or [context.command.name]
    return []


def _cli_command(obj: object) -> "Any":
    """``obj`` if it is a click (or typer's click) command object, else None."""
    for package, _ in _CLIS:
        core = sys.modules.get(f"{package}.core")
        command = getattr(core, "Command", None)
        if command is not None and isinstance(obj, command):
            return obj
    return None
