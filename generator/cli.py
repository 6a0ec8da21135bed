"""``python -m generator check|generate|build``: the command line for editors and CI.

Problems reach people as ``file:line: where: what`` lines on stderr and a non-zero exit
code (1 for data problems, 2 for a failed build), never as a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from . import kinds
from .build import BUILDERS, cannot_write, fault_folder
from .cache import load_memo
from .errors import BuildError, DataError, printable, stoppable, stopped_code
from .memo import Memo
from .models import Coverage
from .new import command as new_command
from .pipeline import run
from .today import day_of, today_from_env


def _parser() -> argparse.ArgumentParser:
    # --root and --today may come before or after the command (README: build --today …).
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument(
        "--root", type=Path, default=argparse.SUPPRESS, help="project folder (default: .)"
    )
    shared.add_argument(
        "--today",
        type=_day,
        default=argparse.SUPPRESS,
        help="build as on this day, YYYY-MM-DD (default: today)",
    )
    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description="Build a Local Offer website from data/ and content/.",
        parents=[shared],
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check", parents=[shared], help="validate data/, content/ and templates; build nothing"
    )
    check.add_argument(
        "--strict",
        action="store_true",
        help="fail on warnings too (entries overdue for review, surveys with no outcome)",
    )
    check.add_argument(
        "--coverage",
        action="store_true",
        help="also list each item the law says a Local Offer must cover (Schedule 2) and "
        "what answers it (data/coverage.yaml)",
    )
    commands.add_parser(
        "generate", parents=[shared], help="write the markdown pages into build/docs"
    )
    build = commands.add_parser(
        "build", parents=[shared], help="check, generate and build the site into site/"
    )
    build.add_argument("--site-dir", type=Path, help="where the site goes (default: site/)")
    new = commands.add_parser(
        "new", parents=[shared], help="add a record (asks for what it needs, or takes --set)"
    )
    new.add_argument("kind", choices=[k.name for k in kinds.KINDS])
    new.add_argument(
        "--set", action="append", default=[], metavar="FIELD=VALUE",
        help="a field's value instead of being asked (lists: commas between; markdown: "
        "@FILE reads it from a file)",
    )  # fmt: skip
    new.add_argument(
        "--file", help="the data file under data/, such as services/acme.yaml (started if new)"
    )
    imports = commands.add_parser(
        "import-oruk",
        parents=[shared],
        help="bring in services from an Open Referral UK directory (a web address, a JSON "
        "file or a folder of them) into data/services/",
    )
    imports.add_argument("source", help="https://… address of the feed, a .json file or a folder")
    side = imports.add_mutually_exclusive_group()
    side.add_argument(
        "--theirs", action="store_true", help="where a field changed here and in the source: "
        "take the source's value",
    )  # fmt: skip
    side.add_argument(
        "--ours", action="store_true", help="where a field changed here and in the source: "
        "keep ours",
    )  # fmt: skip
    imports.add_argument(
        "--mapping", type=Path, help="the mapping of source terms to ours (default: "
        "data/oruk-mapping.yaml)",
    )  # fmt: skip
    report = commands.add_parser(
        "report", parents=[shared], help="write the annual Local Offer report, a printable "
        "HTML page (default: build/report-YEAR.html)",
    )  # fmt: skip
    report.add_argument("--year", required=True, help="the year to report on, such as 2026")
    report.add_argument("--out", type=Path, help="where to write it")
    build.add_argument("--builder", choices=BUILDERS, default="mkdocs")
    build.add_argument(
        "--strict", action="store_true", help="build nothing if there is any warning (for CI)"
    )
    for command in (check, build):
        command.add_argument(
            "--no-cache",
            action="store_true",
            help="a clean run: neither use nor keep what earlier runs left in build/cache/ "
            "(a build then makes every page again)",
        )
    return parser


def _day(value: str) -> date:
    """A ``--today`` the builders can use (``today.day_of``)."""
    try:
        return day_of(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    """The command ``argv`` (None: this process's own, which ends with it: its runs are
    ``one_shot``, their objects never scanned for cycles once made)."""
    args = _parser().parse_args(argv)
    one_shot = argv is None
    root = getattr(args, "root", Path.cwd()).resolve()
    try:
        with stoppable():  # SIGTERM, SIGHUP as Ctrl-C: a build's builder and Pagefind ended
            today = getattr(args, "today", None) or today_from_env()
            if args.command == "new":  # asks, prints and says "nothing was added" itself
                return new_command(root, args.kind, args.set, args.file, today)
            elif args.command == "report":
                from .report import write_report, year_of

                written = write_report(root, year_of(args.year, today), today, args.out)
                print(f"ok: the {args.year.strip()} report written to {written}")
            elif args.command == "import-oruk":  # prints its report and its own errors
                from .importer import command as import_command

                return import_command(
                    root, args.source, theirs=args.theirs, ours=args.ours, mapping=args.mapping
                )
            elif args.command == "check":
                # templates and page names too; only what changed since the last run (cache)
                cache = not args.no_cache
                outcome = run(
                    root, today, until="check", cache=cache, pages=False, one_shot=one_shot
                )
                found = outcome.warnings
                for problem in found:
                    print(problem, file=sys.stderr)
                table = coverage_table(outcome.project.coverage) if args.coverage else []
                if found and args.strict:
                    strict = f"{_count(found, 'warning')}; --strict fails on warnings."
                    print(strict, file=sys.stderr)
                    _print(table)
                    return 1
                print(
                    f"ok: {len(outcome.project.services)} services and every other record are valid"
                    + (f", with {_count(found, 'warning')}" if found else "")
                )
                _print(table)  # after the usual check: gaps are information, not a failure
            elif args.command == "generate":
                outcome = run(root, today, until="generate", one_shot=one_shot)
                _warn(outcome.warnings)
                print("ok: pages written to build/docs")
            else:
                # --strict: its check's work used again; the cache: the last run's too
                memo = load_memo(root) if not args.no_cache else Memo(across_runs=args.strict)
                if args.strict:  # warnings stop the build before anything is written
                    found = run(root, today, until="check", memo=memo, one_shot=one_shot).warnings
                    if found:
                        _warn(found)
                        print(f"{_count(found, 'warning')}; --strict fails on warnings, so "
                              "nothing was built.", file=sys.stderr)  # fmt: skip
                        return 1
                outcome = run(
                    root,
                    today,
                    builder=args.builder,
                    site_dir=args.site_dir,
                    memo=memo,
                    cache=not args.no_cache,
                    one_shot=one_shot,
                )
                _warn(outcome.warnings)
                print(f"ok: site built into {outcome.site_dir}")
    except DataError as exc:
        print(exc, file=sys.stderr)
        print(f"{_count(exc.problems, 'problem')} found; nothing was built.", file=sys.stderr)
        return exc.exit_code
    except BuildError as exc:  # names are escaped where they are put in; each line again here
        print("\n".join(printable(line) for line in str(exc).splitlines()), file=sys.stderr)
        print("The site was not changed.", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # a full disk, a read-only folder: in schemas/, build/, anywhere
        print(cannot_write(exc, fault_folder(exc)), file=sys.stderr)
        print("The site was not changed.", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM or SIGHUP (``stoppable``)
        print("\nStopped: the site is as it was (a build puts its site in place whole, last).",
              file=sys.stderr)  # fmt: skip
        return stopped_code(exc)
    return 0


def _warn(found: Sequence[object]) -> None:
    """Warnings, apart from errors: the site is built, but they need putting right soon."""
    if found:
        print(f"{_count(found, 'warning')} (the pages were made; put these right soon):",
              file=sys.stderr)  # fmt: skip
        for problem in found:
            print(problem, file=sys.stderr)


def coverage_table(coverage: Coverage) -> list[str]:
    """``check --coverage``: each item of Schedule 2 on a line, whether this site answers
    it (``covered``), points elsewhere for it (``elsewhere``) or neither (``missing``), its
    title and what answers it; the last line counts them. Gaps are information, not a
    failure: the site says where families go instead (the council's main Local Offer)."""
    lines, counts = ["What this Local Offer covers (Schedule 2):"], dict.fromkeys(_STATES, 0)
    for item, entry in coverage.rows():
        if entry and entry.answered_by:
            state, what = "covered", ", ".join(entry.answered_by)
        elif entry and entry.elsewhere:
            state, what = "elsewhere", f"{entry.elsewhere.title} ({entry.elsewhere.url})"
        else:
            state, what = "missing", f"nothing answers it ({item.paragraph})"
        counts[state] += 1
        lines.append(printable(f"{state:<10} {item.title}: {what}"))
    lines.append(
        f"{_count(coverage.rows(), 'item')} of Schedule 2: {counts['covered']} answered here, "
        f"{counts['elsewhere']} elsewhere, {counts['missing']} missing"
    )
    return lines


_STATES = ("covered", "elsewhere", "missing")


def _print(lines: list[str]) -> None:
    for line in lines:
        print(line)


def _count(items: Sequence[object], noun: str) -> str:
    return f"{len(items)} {noun}{'s' if len(items) != 1 else ''}"
