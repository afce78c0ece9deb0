"""What every command shares: exit codes, settings from the options, output helpers, and the
embedder (loaded from settings, or the one given to :func:`assistant.cli.main.main`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.documents.names import printable
from assistant.errors import UsageError
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.embedding import Embedder

EXIT_FAILED_FILES = 1
EXIT_ERROR = 2  # usage, setting or library error; argparse uses 2 for a bad argument too
EXIT_USAGE = EXIT_ERROR
EXIT_OUTDATED = 3  # an older library schema: `migrate` (or, if too old for it, `rebuild`) makes it current
EXIT_BUSY = 4  # another process is changing the library
EXIT_INTERRUPTED = 130

GIVEN_EMBEDDER = "given_embedder"  # where main() keeps an embedder given to it, on the parsed options


def settings_for(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        index_dir=getattr(args, "index", None),
        model=getattr(args, "model", None),
        writer_wait_s=getattr(args, "wait", None),
    )


def embedder_for(args: argparse.Namespace, settings: Settings) -> Embedder:
    """The embedder given to ``main`` (tests), else the model the settings name."""
    given = getattr(args, GIVEN_EMBEDDER, None)
    if given is not None:
        return given
    from assistant.embedding import load_for

    return load_for(settings)


def waiting(message: str) -> None:
    print(f"note: {message}", file=sys.stderr, flush=True)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def console_progress(done: int, total: int, name: str) -> None:
    if sys.stderr.isatty() and name:
        sys.stderr.write(f"\r[{done + 1}/{total}] {name[:60]:<60}")
        sys.stderr.flush()
    elif sys.stderr.isatty():
        sys.stderr.write("\r" + " " * 70 + "\r")


def lines(path: Path, option: str) -> list[str]:
    """The non-empty lines of a file of queries; bytes that are not UTF-8 become U+FFFD."""
    try:
        text = Path(path).read_bytes().decode("utf-8", "replace")
    except OSError as exc:
        raise UsageError(f"{option} {printable(str(path))}: {exc.strerror or exc}") from exc
    return [printable(line.strip()) for line in text.splitlines() if line.strip()]


def common(parser: argparse.ArgumentParser, json_flag: bool = True) -> None:
    parser.add_argument("--index", type=Path, help="library folder (default: index/)")
    if json_flag:
        parser.add_argument("--json", action="store_true", help="print JSON")


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86_400:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 86400")
    return value


def positive(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 1000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 to 1000")
    return int(text)


def writes(parser: argparse.ArgumentParser) -> None:
    """--wait / --no-wait: what to do when another process is changing the library."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--wait", type=seconds, metavar="SECONDS",
        help="when another process is changing the library, say so and wait up to SECONDS"
        " (default: the writer_wait_s setting, 600)",
    )  # fmt: skip
    group.add_argument(
        "--no-wait", dest="wait", action="store_const", const=0.0,
        help="when another process is changing the library, say so and stop at once (exit 4)",
    )  # fmt: skip
