"""The status bar's permanent fields (counts, current label, saved) and the window title."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import QLabel, QStatusBar

from .session import DocState, Session


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


class StatusLine:
    """Counts and status of the document, the sticky label or pick mode, and "Saved"."""

    def __init__(self, bar: QStatusBar):
        self.bar = bar
        self.counts_label = QLabel("")
        self.label_label = QLabel("")
        self.saved_label = QLabel("✔ Saved")
        for w in (self.counts_label, self.label_label, self.saved_label):
            w.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(w)

    def show(self, cur: DocState | None, sticky_label: str | None, linking: bool) -> None:
        """Refresh the counts and the label field."""
        if cur is None:
            self.counts_label.setText("No document")
        else:
            n_ent, n_ev, n_rel = cur.counts()
            status = cur.document.status.replace("_", " ")
            self.counts_label.setText(
                f"{_n(n_ent, 'entity', 'entities')} · {_n(n_ev, 'event', 'events')} · "
                f"{_n(n_rel, 'relation', 'relations')} · {status}")
        if linking:
            self.label_label.setText("<b>Linking</b>: pick a span (Esc cancels)")
        elif sticky_label:
            self.label_label.setText(f"Label: <b>{sticky_label}</b> (sticky; Esc to clear)")
        else:
            self.label_label.setText("Label: none")

    def show_saved(self, path: Path | None) -> None:
        self.saved_label.setText(f"✔ Saved {datetime.now():%H:%M:%S}")
        self.saved_label.setToolTip(f"Written to {path}")


def window_title(session: Session | None) -> str:
    """"Document — project file — Annotator", as far as they are known."""
    parts = ["Annotator"]
    if session is not None:
        cur = session.current
        if cur is not None:
            parts.insert(0, cur.document.name)
        if session.project.path:
            parts.insert(len(parts) - 1, session.project.path.name)
    return " — ".join(parts)
