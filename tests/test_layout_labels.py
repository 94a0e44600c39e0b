"""Labels shortened to fit the room over their word: the ladder full name -> subtype -> cut with … -> letter."""
from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QApplication

from annotator.qt.label_fit import fit_label


@pytest.fixture(scope="module")
def fm():
    QApplication.instance() or QApplication([])
    f = QFont()
    f.setPointSizeF(8.0)
    return QFontMetricsF(f)


def test_shortened_step_by_step_and_never_wider_than_the_room(fm):
    pad = 3.0
    full = fm.horizontalAdvance("Conflict.Attack") + 2 * pad
    sub = fm.horizontalAdvance("Attack") + 2 * pad
    assert fit_label("Conflict.Attack", full + 1, fm, pad)[0] == "Conflict.Attack"
    assert fit_label("Conflict.Attack", full - 1, fm, pad)[0] == "Attack"
    assert fit_label("Conflict.Attack", sub, fm, pad)[0] == "Attack"
    seen = []
    for avail in range(int(sub) - 1, 0, -1):
        text, w = fit_label("Conflict.Attack", float(avail), fm, pad)
        assert w <= max(avail, 3.0) + 1e-6, (avail, text, w)
        assert text in ("", "A", "Attack") or (text.endswith("…") and "Attack".startswith(text[:-1]) and len(text) >= 2)
        seen.append(text)
    assert "Att…" in seen or "Atta…" in seen  # cut, still recognisable
    assert seen[-1] == ""  # no room at all: a tag with colour only (the tooltip names it)


def test_a_label_without_a_subtype_is_cut_directly(fm):
    text, w = fit_label("Transaction", fm.horizontalAdvance("Trans") + 6, fm, 3.0)
    assert text.endswith("…") and "Transaction".startswith(text[:-1])
    assert w <= fm.horizontalAdvance("Trans") + 6
