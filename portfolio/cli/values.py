"""The values the command's flags take: ``KEY=VALUE`` pairs, amounts, shares and envelopes.

One reading for every sub-command: ``--budget recurrent=-15%`` means the same to
``optimize`` and to ``simulate`` (which also takes a distribution), and a share is
``0.02`` or ``2%`` wherever a flag asks for one. A value that does not read is an
:class:`argparse.ArgumentTypeError` (one line, exit 2) naming the flag.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from ..errors import PortfolioError
from ..money import MoneyFormatError, parse_amount

__all__ = ["amount", "budget", "budget_spec", "number", "pair", "share"]


def pair(flag: str, example: str) -> Callable[[str], tuple[str, str]]:
    """The argparse type of ``flag`` that reads ``KEY=VALUE`` (the last ``=`` splits).

    Examples
    --------
    >>> pair("--cap", "AGENCY=AMOUNT")("Sở Y tế=20000")
    ('Sở Y tế', '20000')
    """

    def parse(text: str) -> tuple[str, str]:
        key, sep, value = text.rpartition("=")
        if not sep or not key.strip() or not value.strip():
            raise argparse.ArgumentTypeError(f"{flag}: expected {example}, got {text!r}")
        return key.strip(), value.strip()

    return parse


def amount(flag: str, key: str, text: str) -> float:
    """An amount in million VND given to ``flag`` for ``key``; a bad one names both."""
    try:
        value = parse_amount(text)
    except MoneyFormatError as exc:
        raise PortfolioError(f"{flag} {key}: {exc}") from None
    if value is None:
        raise PortfolioError(f"{flag} {key}: no amount given")
    return value


def _envelope(source: str, value: str) -> float | str:
    """An envelope as ``optimize`` takes it: an amount, or a percentage of the document's total."""
    if value.endswith("%"):
        return value
    try:
        parsed = parse_amount(value)
    except MoneyFormatError as exc:
        raise argparse.ArgumentTypeError(f"--budget {source}: {exc}") from None
    if parsed is None:
        raise argparse.ArgumentTypeError(f"--budget {source}: no amount given")
    return parsed


def budget(text: str) -> tuple[str, float | str]:
    """``--budget SOURCE=AMOUNT`` or ``SOURCE=-15%``.

    Examples
    --------
    >>> budget("recurrent=332.401"), budget("investment=-15%")
    (('recurrent', 332401.0), ('investment', '-15%'))
    """
    source, value = pair("--budget", "SOURCE=AMOUNT or SOURCE=-15%")(text)
    return source, _envelope(source, value)


def budget_spec(text: str) -> tuple[str, Any]:
    """``--budget SOURCE=SPEC`` of ``simulate``: an envelope as :func:`budget` reads it, or a distribution.

    A distribution is ``KIND:PARAMETERS``, passed on for :func:`portfolio.simulate`
    to check; ``resample``'s factors are read as numbers where they are.

    Examples
    --------
    >>> budget_spec("recurrent=uniform:-15%:+15%"), budget_spec("investment=resample:0,9:1.1")
    (('recurrent', ('uniform', '-15%', '+15%')), ('investment', ('resample', [0.9, 1.1])))
    """
    example = "SOURCE=AMOUNT or SOURCE=KIND:PARAMETERS (uniform:300000:600000)"
    source, value = pair("--budget", example)(text)
    parts = [p.strip() for p in value.split(":")]
    if len(parts) == 1:
        return source, _envelope(source, value)
    if parts[0].lower() == "resample":
        return source, ("resample", [_factor(p) for p in parts[1:]])
    return source, (parts[0], *parts[1:])


def _factor(text: str) -> float | str:
    """``0,95`` or ``0.95`` as a number; anything else is left for the check to name."""
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text


def share(example: str) -> Callable[[str], float]:
    """The argparse type of a share: ``0.02`` or ``2%`` (``example`` shows one in the message).

    Examples
    --------
    >>> share("0.9 or 90%")("90%"), share("0.02 or 2%")("0,02")
    (0.9, 0.02)
    """

    def parse(text: str) -> float:
        body = text.strip()
        try:
            if body.endswith("%"):
                return float(body[:-1].replace(",", ".")) / 100
            return float(body.replace(",", "."))
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a share like {example}, got {text!r}") from None

    return parse


def number(text: str) -> float:
    """A number, with a decimal comma or point."""
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
