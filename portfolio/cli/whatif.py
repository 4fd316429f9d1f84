"""What-ifs on the command line, equal to their Python: each flag is one option of ``optimize``.

``--budget recurrent=-15%`` is ``budget={"recurrent": "-15%"}``, ``--defer B38``
is ``deferred=["B38"]``, ``--lock B38=50000`` is ``locked={"B38": 50000}``,
``--cap "Sở Y tế=20000"`` is ``agency_caps={"Sở Y tế": 20000}`` and so on; a
flag given with ``--scenario`` adds to (or, for a single value, overrides) the
scenario's option. :func:`run_arguments` returns the arguments of
:func:`portfolio.optimize` the command line ran, for the record and the tests.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import PortfolioError
from .values import amount, budget, number, pair, share

if TYPE_CHECKING:
    from ..tasks import TaskList

__all__ = ["FLAGS", "add_run_arguments", "run_arguments"]


#: flag -> (option of ``optimize``, how the values combine: "list", "amounts", "numbers", "int", "one")
FLAGS: dict[str, tuple[str, str]] = {
    "defer": ("deferred", "list"),
    "must_fund": ("must_fund", "list"),
    "constraint": ("constraints", "list"),
    "lock": ("locked", "amounts"),
    "cap": ("agency_caps", "amounts"),
    "floor": ("agency_floors", "amounts"),
    "weight": ("weights", "numbers"),
    "tier": ("tiers", "int"),
    "seed_share": ("seed_share", "one"),
    "pacing": ("pacing", "one"),
    "all_or_nothing": ("all_or_nothing", "one"),
    "committed": ("committed", "one"),
    "rule": ("rule", "one"),
    "solver": ("solver", "one"),
    "plan_year": ("plan_year", "one"),
    "years": ("years", "one"),
}


#: the what-ifs given once per value: flag, what it takes (KEY=VALUE is read as a pair), what it does
_REPEATED = (
    ("--defer", "ID", "give a task (or agency, group) nothing"),
    ("--must-fund", "ID", "fund a task (or agency, group) to its full demand"),
    ("--lock", "ID=AMOUNT", "fix a task's amount, million VND"),
    ("--cap", "AGENCY=AMOUNT", "most an agency may get in a year"),
    ("--floor", "AGENCY=AMOUNT", "least an agency gets in a year"),
    ("--constraint", "EXPR", 'an analyst row, e.g. "C >= 2.000" or "B38 + B36 <= 100000"'),
    ("--weight", "KEY=W", "priority weight of a task, agency, group or source (weighted rule)"),
    ("--tier", "KEY=N", "a custom ladder: task, group or kind (lease, annual, continuing, new) -> tier"),
)


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    """The options of one run; a flag given with ``--scenario`` adds to or overrides the scenario's."""
    p.add_argument(
        "--budget",
        action="append",
        type=budget,
        default=[],
        metavar="SOURCE=AMOUNT",
        help="envelope of a funding source, million VND (recurrent=332401, investment=66.390) or a "
        "percentage of the document's total (recurrent=-15%%, investment=90%%); repeat for both; "
        "default: the document's planned totals",
    )
    p.add_argument(
        "--rule",
        choices=["proportional", "equal_awards", "weighted", "closest_to_plan"],
        help="rationing rule within a tier (default: proportional)",
    )
    p.add_argument("--solver", choices=["highs", "cbc"], help="LP backend (default: highs)")
    p.add_argument(
        "--plan-year", type=int, help="first year planned (default: the document's, e.g. NĂM 2025; else 2024)"
    )
    p.add_argument("--years", type=int, help="years in the plan (default: 1; 3 for the rolling plan)")
    p.add_argument("--scenario", type=Path, metavar="FILE", help="the options of a .toml/.json scenario")
    p.add_argument("--name", help="the scenario to run when FILE holds several")
    what = p.add_argument_group("what-ifs (each is an option of optimize; repeat where it makes sense)")
    for flag, metavar, words in _REPEATED:
        what.add_argument(
            flag,
            action="append",
            default=[],
            type=pair(flag, metavar) if "=" in metavar else str,
            metavar=metavar,
            help=f"{words}; repeat for several",
        )
    what.add_argument(
        "--seed-share",
        type=share("0.02 or 2%"),
        metavar="S",
        help="least share of its need each new task gets (0.02 or 2%%)",
    )
    what.add_argument(
        "--pacing", type=number, metavar="K", help="a task may take up to K times its even-schedule demand"
    )
    what.add_argument(
        "--all-or-nothing",
        action="store_const",
        const=True,
        default=None,
        help="new public investment funded to its whole cap in its start year or not started (Luật Đầu tư "
        "công Đ51 k5); admission already pays starts whole, so this matters with --pacing above 1",
    )
    what.add_argument(
        "--committed", metavar="FILE",
        help="round 2 (đợt 2): a CSV of id and amount already allocated in round 1 (đợt 1); "
        "each task gets at least that, within the full-year envelope",
    )  # fmt: skip


def _values(flag: str, how: str, given: list[tuple[str, str]]) -> dict[str, Any]:
    if how == "amounts":
        return {key: amount(f"--{flag.replace('_', '-')}", key, value) for key, value in given}
    if how == "numbers":
        return {key: amount(f"--{flag}", key, value) for key, value in given}
    out: dict[str, Any] = {}
    for key, value in given:
        if not value.strip().isdigit():
            raise PortfolioError(f"--{flag} {key}: expected a tier number, got {value!r}")
        out[key] = int(value)
    return out


def run_arguments(args: argparse.Namespace, tasks: TaskList) -> dict[str, Any]:
    """The keyword arguments of :func:`portfolio.optimize` the command line asks for.

    A ``--scenario`` gives the starting options (checked against ``tasks``, so that
    its errors name its file); each flag then adds its values (lists and
    mappings) or replaces the scenario's (single values).
    """
    kwargs: dict[str, Any] = {}
    if args.scenario is not None:
        from ..scenarios import load_scenarios

        scenarios = load_scenarios(args.scenario)
        chosen = [s for s in scenarios if args.name in (None, s.name)]
        if len(chosen) != 1:
            names = ", ".join(s.name for s in scenarios)
            raise PortfolioError(f"{args.scenario}: choose one scenario with --name: {names}")
        chosen[0].check(tasks)
        kwargs = {"budget": dict(chosen[0].budget), **chosen[0].overrides()}
        if chosen[0].rule:
            kwargs["rule"] = chosen[0].rule
    budget = {**(kwargs.get("budget") or {}), **dict(args.budget)}
    if budget:
        kwargs["budget"] = budget
    for flag, (option, how) in FLAGS.items():
        given = getattr(args, flag, None)
        if given is None or given == []:
            continue
        if how == "list":
            kwargs[option] = (*(kwargs.get(option) or ()), *given)
        elif how == "one":
            kwargs[option] = given
        else:
            kwargs[option] = {**(kwargs.get(option) or {}), **_values(flag, how, given)}
    return kwargs
