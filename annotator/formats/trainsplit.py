"""Splitting exported documents into a training and a development set by a seeded shuffle."""
from __future__ import annotations

import random
from collections.abc import Iterable
from typing import TypeVar

from .errors import FormatError

__all__ = ["split_train_dev"]

T = TypeVar("T")


def split_train_dev(items: Iterable[T], share: float | None, seed: int) -> tuple[list[T], list[T]]:
    """``(train, dev)``: ``round(n * share)`` items drawn for dev by ``random.Random(seed)``, the rest for train.

    The same items, share and seed always give the same split.  Each set
    keeps the items' original order.  With two or more items and a share
    above 0, each set gets at least one.  ``share`` None puts everything in
    train; a share outside ``[0, 1)`` is refused.
    """
    items = list(items)
    if share is None:
        return items, []
    if not 0 <= share < 1:
        raise FormatError("--split", None, f"the dev share must be at least 0 and below 1, got {share}")
    n = len(items)
    k = round(n * share)
    if share > 0 and n >= 2:
        k = min(max(k, 1), n - 1)
    order = list(range(n))
    random.Random(seed).shuffle(order)
    dev = set(order[:k])
    return [x for i, x in enumerate(items) if i not in dev], [x for i, x in enumerate(items) if i in dev]
