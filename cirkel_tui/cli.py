"""The ``cirkel`` command: the TUI without a subcommand, else one CLI command.

Exit codes (README, Command line): 0 success; 1 with one clear line on stderr when a rule
refuses (nothing written, no traceback); 2 for usage errors. An unexpected
error writes its traceback to the log file and tells the user where it is.
"""
from __future__ import annotations

import argparse
import gc
import importlib
import logging
import os
import sys
import time
from dataclasses import dataclass
from typing import Callable

from models.i18n import _

from . import config

START = time.perf_counter()

log = logging.getLogger("cirkel")

# Each module registers its subcommands with ``register(subparsers)``; a command
# sets ``handler`` (and ``needs_staff=False`` when the caller need not be staff).
COMMAND_MODULES = [
    "cirkel_tui.commands.base",
    "cirkel_tui.commands.waitlist",
    "cirkel_tui.commands.pools",
    "cirkel_tui.commands.events",
    "cirkel_tui.commands.excel",
    "cirkel_tui.commands.punch",
    "cirkel_tui.commands.agreement",
    # issue #13: pause / resume / end, followup
    "cirkel_tui.commands.participation",
    "cirkel_tui.commands.followup",
    # issue 14: the Ishøj programmes
    "cirkel_tui.commands.programme",
    # issue 16: the printed klippekort
    "cirkel_tui.commands.cards",
    # issue #10: cirkel check
    "cirkel_tui.commands.hardening",
    # issue 19: the period's evaluation
    "cirkel_tui.commands.evaluation",
    # issue #12: log, log sample/review, retention, insight, setting
    "cirkel_tui.commands.protection",
]


class UsageError(Exception):
    """Bad command-line usage found after parsing (exit 2)."""


@dataclass
class Context:
    args: argparse.Namespace
    db_path: str
    login: str
    actor: object | None  # models.entities.Staff

    def out(self, line: str = "") -> None:
        print(line)


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        self.exit(2, f"{self.prog}: {message} " + _("(se {prog} --help)").format(prog=self.prog.split()[0]) + "\n")


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    """The command line; without ``commands`` only the TUI's own options (see :func:`names_a_command`)."""
    from .argparse_text import install

    install()  # argparse's own words ("usage:", "invalid choice", …) in Danish too
    parser = _Parser(prog="cirkel", description=_("Cirkel — klippekort til ældre hjemmehjælpsmodtagere."))
    parser.add_argument("--db", metavar="PATH", help=_("databasefil (ellers CIRKEL_DB, /etc/cirkel.toml, datamappen)"))
    parser.add_argument("--demo", action="store_true",
                        help=_("åbn programmet på en demodatabase (oprettes første gang)"))
    if not commands:
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def names_a_command(argv: list[str]) -> bool:
    """Does the command line say more than the TUI's ``--db PATH`` and ``--demo``?

    Only then is the whole parser built, with every command's module imported (issue #17: 15-30 ms
    of a TUI start); anything else — a command, --help, a typo, an abbreviation — gets the whole one.
    """
    rest = list(argv)
    while rest:
        word = rest.pop(0)
        if word == "--demo" or word.startswith("--db="):
            continue
        if word == "--db" and rest:
            rest.pop(0)
            continue
        return True
    return False


def setup_logging() -> None:
    path = config.log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("peewee").setLevel(logging.WARNING)


def _fail(message: str, code: int = 1) -> int:
    print(f"cirkel: {' '.join(str(message).split())}", file=sys.stderr)  # always one line
    return code


def _os_error_line(err: OSError) -> str:
    import errno

    where = err.filename or ""
    if err.errno in (errno.EACCES, errno.EPERM):
        return _("Ingen adgang til {path}.").format(path=where)
    if err.errno == errno.ENOSPC:
        return _("Disken er fuld; intet er gemt.")
    if err.errno == errno.EROFS:
        return _("{path} ligger på et skrivebeskyttet drev.").format(path=where)
    return _("Kan ikke bruge {path}: {reason}.").format(path=where, reason=err.strerror or err)


def run(argv: list[str] | None = None) -> int:
    from models.base import DomainError
    from models.store import open_database

    from . import identity  # issue #20: the shared server
    from .identity import current_login, require_demo_allowed, running_as_service_account

    os.umask(0o077)  # every file Cirkel creates (database, -wal, -shm, backups, exports, log) is 0600
    for stream in (sys.stdout, sys.stderr):  # a name with undecodable bytes is shown, never a crash
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass
    commands = names_a_command(sys.argv[1:] if argv is None else argv)
    if commands:
        gc.enable()  # issue #17: paused for the TUI's start only (cirkel_tui/start.py)
    parser = build_parser(commands=commands)
    args = parser.parse_args(argv)
    setup_logging()
    handler: Callable | None = getattr(args, "handler", None)
    needs_staff = getattr(args, "needs_staff", True)
    try:
        login = current_login()
        identity.hand_over_files()  # issue #20: under sudo every file goes to the staff member
        identity.require_configured_database(args.db)  # issue #20: the service account opens only its own database
        demo = args.demo or getattr(args, "demo_command", False)
        if demo:
            require_demo_allowed()
        if args.demo:
            if args.db:
                raise UsageError(
                    _("--demo åbner altid demodatabasen i din egen datamappe; brug ikke --db sammen med --demo."))
            db_path = config.demo_database_path(login if running_as_service_account() else None)
        else:
            db_path = config.database_path(args.db)
        identity.require_sudo_where_needed(db_path)  # issue #20: started without sudo on the shared server
        if handler is None:
            return _run_tui(db_path, login, demo=args.demo)
        if args.demo:
            from models.demo import open_demo_database

            open_demo_database(db_path, login, fill=not getattr(args, "demo_command", False))
        elif getattr(args, "opens_database", True):
            open_database(db_path, create=getattr(args, "creates_database", False))
        actor = None
        if needs_staff:
            from models.staff import require_staff

            actor = require_staff(login)
            started_as(actor)
        result = handler(Context(args=args, db_path=db_path, login=login, actor=actor))
        return int(result or 0)
    except DomainError as err:
        return _fail(err.message)
    except config.ConfigError as err:
        return _fail(str(err))
    except UsageError as err:
        return _fail(str(err), 2)
    except KeyboardInterrupt:
        return _fail(_("afbrudt"), 130)
    except BrokenPipeError:
        # the reader went away (e.g. `cirkel waitlist | head`): not an error, and nothing more to say
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except OSError as err:  # a file the user named: say which and why, in one line
        log.info("OS error in command %s: %s", getattr(args, "command", None), err)
        return _fail(_os_error_line(err))
    except Exception:
        ref = identity.error_reference()  # issue #20: a reference the administrator finds in the log
        log.exception("unexpected error [ref %s] in command %s", ref, getattr(args, "command", None))
        return _fail(identity.unexpected_error_text(ref))


def _run_tui(db_path: str, login: str, demo: bool) -> int:
    from models.store import open_database

    if demo:
        from models.demo import open_demo_database

        paused = not gc.isenabled()
        gc.enable()  # the first --demo fills a new database: thousands of rows, with the collector on
        open_demo_database(db_path, login)
        if paused:
            gc.disable()
    else:
        open_database(db_path, create=False)
    from models.staff import require_staff

    actor = require_staff(login)
    started_as(actor, tui=True)
    # Issue #17: the dashboard's figures are read while Textual is imported (cirkel_tui/read_ahead.py)
    from models.dashboard import dashboard

    from .read_ahead import ReadAhead

    read_ahead = ReadAhead(dashboard)
    from .app import CirkelApp

    app = CirkelApp(actor_id=actor.id, db_path=db_path, started=START, read_ahead=read_ahead)
    app.run()
    return app.return_code or 0


def started_as(actor, tui: bool = False) -> None:
    """Once the staff member is known (issue #12, #20): their language (sudo clears CIRKEL_LANG;
    an explicit CIRKEL_LANG still wins) and, for the TUI, colour depth; then the access log's
    daily retention run. A failing retention run never stops a start (it is retried next start)."""
    from models.i18n import set_language

    if actor.language and not os.environ.get("CIRKEL_LANG"):
        set_language(actor.language)
    if tui and actor.color_system and not os.environ.get("TEXTUAL_COLOR_SYSTEM"):
        os.environ["TEXTUAL_COLOR_SYSTEM"] = actor.color_system  # read when Textual is imported
    try:
        from models.retention import purge_at_start

        purge_at_start(actor)
    except Exception:
        log.exception("access-log retention at start failed")


def main() -> None:
    sys.exit(run())
