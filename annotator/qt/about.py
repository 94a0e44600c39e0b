"""Help › About: the version, the licence and the application icon."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMessageBox, QWidget

from ..bundled import icon_png_path, icon_svg_path, version


def app_icon() -> QIcon:
    """The application icon: the SVG where Qt can draw it, the 256x256 PNG always."""
    icon = QIcon(str(icon_png_path()))
    svg = QIcon(str(icon_svg_path()))
    for size in (16, 24, 32, 48, 64, 128):  # sharper than the PNG scaled down
        pixmap = svg.pixmap(size, size)
        if not pixmap.isNull():
            icon.addPixmap(pixmap)
    return icon


def about_text() -> str:
    """The About box's rich text: name, version, what it does, licence."""
    return (f"<b>Annotator</b> {version()}<br>"
            "Entities, events and relations in news text.<br>"
            "Every change is saved to the project file at once.<br><br>"
            "MIT licence. Copyright © 2026 The annotator developers.")


def about_box(parent: QWidget | None = None) -> QMessageBox:
    """The About box, built but not shown."""
    box = QMessageBox(parent)
    box.setWindowTitle("About Annotator")
    box.setTextFormat(Qt.RichText)
    box.setText(about_text())
    box.setIconPixmap(app_icon().pixmap(64, 64))
    box.setStandardButtons(QMessageBox.Ok)
    return box


def show_about(parent: QWidget | None = None) -> None:
    """Show the About box and wait until it is closed."""
    about_box(parent).exec()
