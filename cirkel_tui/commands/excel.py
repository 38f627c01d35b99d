"""``cirkel export`` and ``cirkel import``: the Excel documentation (R11)."""
from __future__ import annotations

import argparse
import sys

from models.i18n import _

from . import file_written, shown_path


def _month(text: str):
    from exports.excel import parse_month
    from models.base import DomainError

    try:
        return parse_month(text)
    except DomainError as err:
        raise argparse.ArgumentTypeError(err.message) from None


def _year(text: str):
    from exports.excel import parse_year
    from models.base import DomainError

    try:
        return parse_year(text)
    except DomainError as err:
        raise argparse.ArgumentTypeError(err.message) from None


def register(sub) -> None:
    p = sub.add_parser("export", help=_("skriv Excel-dokumentationen for en måned eller et år (leder)"))
    period = p.add_mutually_exclusive_group(required=True)
    period.add_argument("--month", type=_month, metavar="YYYY-MM", help=_("måneden, fx 2026-11"))
    period.add_argument("--year", type=_year, metavar="YYYY", help=_("hele året, fx 2026"))
    p.add_argument("--out", metavar="FILE", help=_(
        "filen (standard cirkel-ÅÅÅÅ-MM.xlsx / cirkel-ÅÅÅÅ.xlsx i den aktuelle mappe); - skriver til standard output"))
    p.add_argument("--force", action="store_true", help=_("overskriv en eksisterende fil"))
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("import", help=_("indlæs arket Klippekort fra et regneark (leder)"))
    p.add_argument("file", metavar="FILE", help=_("en .xlsx-fil i eksportens format; - læser standard input"))
    p.add_argument("--dry-run", action="store_true", help=_("vis hvad der ville blive oprettet; gem intet"))
    p.add_argument("--create-districts", action="store_true",
                   help=_("opret de distrikter, filen nævner, som ikke findes (ellers afvises de)"))
    p.add_argument("--accept-names", action="store_true",
                   help=_("behold Cirkels navn, hvor filen staver en kendt borgers navn anderledes"))
    p.set_defaults(handler=cmd_import)


def cmd_export(ctx) -> int:
    from exports.excel import export

    period = ctx.args.month or ctx.args.year
    result = export(ctx.actor, period, ctx.args.out, force=ctx.args.force)
    line = _("{cards} kort, {punches} klip og {districts} distrikter for {period} skrevet til {path}").format(
        cards=result.cards, punches=result.punches, districts=result.districts,
        period=period.describe(), path=shown_path(result.path))
    file_written(ctx, line, result.path)
    return 0


def cmd_import(ctx) -> int:
    from exports.importer import ImportRefused, import_file

    try:
        options = dict(dry_run=ctx.args.dry_run, create_districts=ctx.args.create_districts,
                       accept_names=ctx.args.accept_names)
        if ctx.args.file == "-":  # issue #20: under sudo the staff member's shell hands the file over
            from models.files import stdin_copy

            with stdin_copy() as copy:
                report = import_file(ctx.actor, copy, **options)
        else:
            report = import_file(ctx.actor, ctx.args.file, **options)
    except ImportRefused as refused:
        if len(refused.errors) == 1:  # one problem: one line
            print(f"cirkel: {refused.errors[0]} {_('Intet er ændret.')}", file=sys.stderr)
            return 1
        for line in refused.lines():
            print(f"cirkel: {line}", file=sys.stderr)
        print(f"cirkel: {refused.message}", file=sys.stderr)
        return 1
    if ctx.args.dry_run:
        for line in report.lines():
            ctx.out(line)
    else:
        for line in report.warnings:
            ctx.out(_("Bemærk: {line}").format(line=line))
        if report.new_districts:
            ctx.out(_("Nye distrikter oprettet: {names}").format(names=", ".join(report.new_districts)))
        ctx.out(report.summary())
    return 0
