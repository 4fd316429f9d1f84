"""Column and row names made only when someone reads them (private).

A problem with 100.000 columns would spend longer formatting ``x[0] … x[99999]`` and
checking that they are unique than a solver spends on it. :class:`Names` keeps the
names a caller gave as they are and the default ones (``block[i]``) as ranges, and
builds the tuple of strings on first use (iteration, indexing, comparison). Default
names cannot repeat among themselves (``f"{b}[{i}]"`` with a digits-only ``i`` gives
back ``b`` and ``i``), so only the given names are checked, against each other and
against the ranges.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np

__all__ = ["Names", "Numbered"]

_NUMBERED = re.compile(r"^(.*)\[(0|[1-9][0-9]*)\]$")


@dataclass(frozen=True)
class Numbered:
    """The default names ``prefix[first] … prefix[first + count - 1]``."""

    prefix: str
    first: int
    count: int

    def name(self, k: int) -> str:
        """The ``k``-th name of the range."""
        return f"{self.prefix}[{self.first + k}]"


class Names(Sequence[str]):
    """An immutable sequence of names: given ones, and :class:`Numbered` ranges.

    Parameters
    ----------
    parts
        In order: tuples of given names and :class:`Numbered` ranges.

    Examples
    --------
    >>> names = Names([Numbered("x", 0, 2), ("budget",), Numbered("x", 2, 1)])
    >>> len(names), names[3], tuple(names)
    (4, 'x[2]', ('x[0]', 'x[1]', 'budget', 'x[2]'))
    >>> names == ("x[0]", "x[1]", "budget", "x[2]"), names.duplicate()
    (True, None)
    >>> names
    Names(['x[0]', 'x[1]', 'budget', 'x[2]'])
    >>> Names([Numbered("x", 0, 100)])
    Names(['x[0]', 'x[1]', 'x[2]', 'x[3]', …, 'x[99]'], 100 names)
    >>> Names([Numbered("x", 0, 3), ("x[1]",)]).duplicate()
    'x[1]'
    """

    __slots__ = ("_cache", "_len", "_parts")

    def __init__(self, parts: Sequence[tuple[str, ...] | Numbered]) -> None:
        self._parts = [p if isinstance(p, Numbered) else tuple(p) for p in parts if _size(p)]
        self._len = sum(_size(p) for p in self._parts)
        self._cache: tuple[str, ...] | None = None

    @property
    def strings(self) -> tuple[str, ...]:
        """All the names, as a tuple (built once)."""
        if self._cache is None:
            out: list[str] = []
            for part in self._parts:
                if isinstance(part, Numbered):
                    out.extend(f"{part.prefix}[{i}]" for i in range(part.first, part.first + part.count))
                else:
                    out.extend(part)
            self._cache = tuple(out)
        return self._cache

    def duplicate(self) -> str | None:
        """The first name that repeats, or None; without building the default names."""
        given: set[str] = set()
        spans: dict[str, list[tuple[int, int]]] = {}
        for part in self._parts:
            if isinstance(part, Numbered):
                mine = spans.setdefault(part.prefix, [])
                end = part.first + part.count
                for lo, hi in mine:
                    if part.first < hi and lo < end:
                        return part.name(max(lo, part.first) - part.first)
                mine.append((part.first, end))
                continue
            for name in part:
                if name in given:
                    return name
                given.add(name)
        for name in given if spans else ():
            match = _NUMBERED.match(name)
            if match and any(lo <= int(match.group(2)) < hi for lo, hi in spans.get(match.group(1), ())):
                return name
        return None

    def take(self, keep: Sequence[bool] | np.ndarray) -> Names:
        """The names where ``keep`` is true, in order, made only when read.

        A subset of names without repeats has none, so it is not checked again.

        Examples
        --------
        >>> Names([Numbered("x", 0, 4)]).take([True, False, False, True])
        Names(['x[0]', 'x[3]'])
        """
        return _Taken(self, np.flatnonzero(np.asarray(keep, dtype=bool)))

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...

    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        if isinstance(index, slice) or self._cache is not None:
            return self.strings[index]
        k = index + self._len if index < 0 else index
        if not 0 <= k < self._len:
            raise IndexError("name index out of range")
        for part in self._parts:
            size = _size(part)
            if k < size:
                return part.name(k) if isinstance(part, Numbered) else part[k]
            k -= size
        raise IndexError("name index out of range")  # pragma: no cover

    def __iter__(self) -> Iterator[str]:
        return iter(self.strings)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Names):
            return self.strings == other.strings
        if isinstance(other, tuple):
            return self.strings == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.strings)

    def __repr__(self) -> str:
        shown = 6
        if self._len <= shown:
            return f"Names({list(self)!r})"
        head = ", ".join(repr(self[k]) for k in range(shown - 2))
        return f"Names([{head}, …, {self[self._len - 1]!r}], {self._len} names)"


class _Taken(Names):
    """Some of another :class:`Names`, by position (see :meth:`Names.take`)."""

    __slots__ = ("_indices", "_whole")

    def __init__(self, whole: Names, indices: np.ndarray) -> None:
        self._whole, self._indices = whole, indices
        self._parts = []
        self._len = int(indices.size)
        self._cache = None

    @property
    def strings(self) -> tuple[str, ...]:
        if self._cache is None:
            whole = self._whole.strings
            self._cache = tuple(whole[k] for k in self._indices.tolist())
        return self._cache

    def duplicate(self) -> str | None:
        repeated = self._whole.duplicate()
        return None if repeated is None else (repeated if repeated in self.strings else None)

    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:  # type: ignore[override]
        if isinstance(index, slice) or self._cache is not None:
            return self.strings[index]
        return self._whole[int(self._indices[index])]


def _size(part: tuple[str, ...] | Numbered) -> int:
    return part.count if isinstance(part, Numbered) else len(part)
