"""The command line: parse arguments, call one library function, print its records.

Errors of the library become a one-line message on stderr and a non-zero exit:

    0    done
    1    done, but some files failed (each is named)
    2    a usage, setting or library error: nothing was done (one line says why)
    3    the library has an older schema: `migrate` makes it current (`rebuild` when it is too old)
    4    the library is being changed by another process (with --no-wait, or after --wait)
    130  interrupted (Ctrl-C or SIGTERM); the message says whether the library changed
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.cli import library_commands, quality_commands, reviews_command, search_commands
from assistant.cli import packs as pack_cli
from assistant.cli.common import (  # noqa: F401 - the exit codes are part of this module's interface
    EXIT_BUSY,
    EXIT_ERROR,
    EXIT_FAILED_FILES,
    EXIT_INTERRUPTED,
    EXIT_OUTDATED,
    EXIT_USAGE,
    GIVEN_EMBEDDER,
    common,
    embedder_for,
    settings_for,
)
from assistant.documents.names import printable
from assistant.errors import AssistantError, LibraryBusy, LibraryOutdated
from assistant.library import current_generation
from assistant.settings import Settings

if TYPE_CHECKING:  # the model code loads only when a command needs it
    from assistant.embedding import Embedder


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m assistant", description="Search and learn from published safeguarding reviews."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    library_commands.add_parsers(sub)
    search_commands.add_parsers(sub)
    reviews_command.add_parser(sub)
    quality_commands.add_parsers(sub)
    pack_cli.add_parser(sub, common, _pack_command)
    return parser


def _terminated(signum: int, _frame: Any) -> None:
    """SIGTERM ends a command like Ctrl-C does, so a writer removes its temporary folder."""
    raise KeyboardInterrupt


def _pack_command(
    function: Callable[..., int], needs_embedder: bool = False
) -> Callable[[argparse.Namespace], int]:
    """A `pack` sub-command with its settings (and the embedder, when it searches)."""

    def run(args: argparse.Namespace) -> int:
        settings = settings_for(args)
        return (
            function(args, settings, embedder_for(args, settings))
            if needs_embedder
            else function(args, settings)
        )

    return run


def main(argv: Sequence[str] | None = None, embedder: Embedder | None = None) -> int:
    """Run one command. ``embedder``, when given, is used instead of loading the model (tests)."""
    args = build_parser().parse_args(argv)
    setattr(args, GIVEN_EMBEDDER, embedder)
    run: Callable[[argparse.Namespace], int] = args.run
    index_dir = getattr(args, "index", None)
    before = _generation(index_dir)
    try:
        previous = signal.signal(signal.SIGTERM, _terminated)
    except ValueError:  # not the main thread: leave signals alone
        previous = None
    try:
        return run(args)
    except AssistantError as exc:
        print(f"error: {printable(str(exc))}", file=sys.stderr)
        if isinstance(exc, LibraryOutdated):
            return EXIT_OUTDATED
        return EXIT_BUSY if isinstance(exc, LibraryBusy) else EXIT_ERROR
    except BrokenPipeError:  # the reader went away (`... | head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # a file or folder the command was pointed at cannot be used
        where = f": {printable(str(exc.filename))}" if exc.filename else ""
        print(f"error: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        after = _generation(index_dir)
        if after != before:
            print(
                f"interrupted after the library was saved (now generation {after}): what was"
                " finished is kept; run the same ingest again to go on with the rest",
                file=sys.stderr,
            )
        else:
            print("interrupted; the library is unchanged", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _generation(index_dir: Path | None) -> int | None:
    try:
        return current_generation(index_dir or Settings.from_env().index_dir)
    except Exception:  # noqa: BLE001 - only used to word the message after an interrupt
        return None
