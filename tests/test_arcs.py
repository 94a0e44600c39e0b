"""Arcs for event arguments and relations in AnnotationView, driven with real mouse events."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage

from annotator.model import Span
from annotator.qt.arcs import Link
from annotator.qt.textview import AnnotationView
from conftest import drag

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_27d1533106132ce4.txt"
SHOTS = Path(__file__).resolve().parent / "_shots"
COLORS = {
    "GPE": "#7fa2ff", "PER": "#ffccaa", "LOC": "#e0c0ff",
    "Life.Die": "#ff9f9f", "Conflict.Attack": "#ffd27f",
}
DIE, ATTACK, REL = "#c0392b", "#2c6fbb", "#3a8a3a"


def seed_doc() -> tuple[str, list[Span], list[Link]]:
    """The Dujail paragraph of the seed article with a Life.Die and a Conflict.Attack event."""
    text = SEED.read_text(encoding="utf-8")
    para = text.index("In the first attack")

    def at(word: str) -> tuple[int, int]:
        s = text.index(word, para)
        return s, s + len(word)

    spans = [
        Span("A1", "Conflict.Attack", *at("attack"), kind="trigger"),
        Span("D1", "Life.Die", *at("killed"), kind="trigger"),
        Span("P1", "PER", *at("ISIS fighters")),
        Span("P2", "PER", *at("three military security personnel")),
        Span("P3", "PER", *at("two policemen")),
        Span("G1", "GPE", *at("Dujail")),
        Span("L1", "LOC", *at("Salahuddin district")),
        Span("G2", "GPE", *at("Baghdad")),
    ]
    links = [
        Link("E1:0", "D1", "P1", "Agent", DIE, owner="E1"),
        Link("E1:1", "D1", "P2", "Victim", DIE, owner="E1"),
        Link("E1:2", "D1", "P3", "Victim", DIE, owner="E1"),
        Link("E1:3", "D1", "G1", "Place", DIE, owner="E1"),
        Link("E2:0", "A1", "P1", "Attacker", ATTACK, owner="E2"),
        Link("E2:1", "A1", "G1", "Place", ATTACK, owner="E2"),
        Link("R1", "G1", "L1", "Located_In", REL, kind="relation", owner="R1"),
    ]
    return text, spans, links


def make_view(qtbot, text: str, spans: list[Span], links: list[Link], size=(820, 640)) -> AnnotationView:
    view = AnnotationView()
    qtbot.addWidget(view)
    view.resize(*size)
    view.set_document(text, spans, COLORS)
    view.set_links(links)
    view.show()
    qtbot.waitExposed(view)
    return view


def near(img: QImage, p: QPoint, color: str, tol: int = 40, radius: int = 1) -> bool:
    """Whether a pixel within ``radius`` of ``p`` has ``color`` (per-channel tolerance)."""
    c = QColor(color)
    for dx in range(-radius, radius + 1):
        for dy in range(-radius, radius + 1):
            x, y = p.x() + dx, p.y() + dy
            if 0 <= x < img.width() and 0 <= y < img.height():
                q = QColor.fromRgb(img.pixel(x, y))
                if abs(q.red() - c.red()) <= tol and abs(q.green() - c.green()) <= tol and abs(q.blue() - c.blue()) <= tol:
                    return True
    return False


def pixel_mode(img: QImage, r: QRect) -> QColor:
    c = Counter(img.pixel(x, y) for x in range(r.left(), r.right() + 1) for y in range(r.top(), r.bottom() + 1))
    return QColor.fromRgb(c.most_common(1)[0][0])


def dist(a: QColor, b: QColor) -> int:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())


def test_arcs_drawn_in_link_colour_with_readable_labels(qtbot):
    text, spans, links = seed_doc()
    for size, name in (((820, 640), "arcs_seed.png"), ((430, 640), "arcs_seed_narrow.png")):
        view = make_view(qtbot, text, spans, links, size=size)
        SHOTS.mkdir(exist_ok=True)
        view.grab().save(str(SHOTS / name))
        img = view.viewport().grab().toImage()
        vr = view.viewport().rect()
        for lk in links:
            pts = view.link_path_points(lk.id)
            assert len(pts) >= 3, lk.id
            hits = sum(near(img, p, lk.color) for p in pts)
            assert hits >= 0.8 * len(pts), (lk.id, hits, len(pts))
            r = view.link_label_rect(lk.id)
            assert r is not None and vr.contains(r), lk.id
            # the role label box has the link colour as its border
            assert near(img, QPoint(r.center().x(), r.top()), lk.color, radius=1), lk.id
        rects = {lk.id: view.link_label_rect(lk.id) for lk in links}
        ids = list(rects)
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                assert not rects[a].intersects(rects[b]), (a, b, size)
        tags = [view.label_rect(s.id) for s in spans]
        for lid, r in rects.items():
            for t in tags:
                assert t is None or not r.intersects(t), (lid, t)


def test_click_on_role_label_and_on_arc(qtbot):
    text, spans, links = seed_doc()
    view = make_view(qtbot, text, spans, links)
    got: list[str] = []
    spans_clicked: list[str] = []
    view.link_clicked.connect(got.append)
    view.span_clicked.connect(spans_clicked.append)
    for lk in links:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.link_label_rect(lk.id).center())
        assert got[-1] == lk.id
    pts = view.link_path_points("E1:3")
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pts[len(pts) // 2])
    assert got[-1] == "E1:3"
    assert spans_clicked == []
    assert view.selection() is None


def test_drag_from_trigger_tag_to_entity_text_emits_link(qtbot):
    text, spans, links = seed_doc()
    view = make_view(qtbot, text, spans, links)
    view.select_span("D1", scroll=False)
    got: list[tuple[str, str, QPoint]] = []
    sel: list[tuple[int, int]] = []
    view.link_drag_finished.connect(lambda a, b, p: got.append((a, b, p)))
    view.selection_made.connect(lambda a, b: sel.append((a, b)))
    start = view.label_rect("D1").center()
    g = next(s for s in spans if s.id == "G2")  # Baghdad, on the next line
    end = view.char_rect(g.start + 2).center()
    drag(qtbot, view.viewport(), start, end)
    assert [(a, b) for a, b, _ in got] == [("D1", "G2")]
    assert got[0][2] == view.viewport().mapToGlobal(end)
    assert sel == [] and view.selection() is None
    # while dragging a rubber band follows the pointer; afterwards it is gone
    assert view.input.rubber is None  # noqa: SLF001
    # a drag from the tag that ends on nothing emits nothing and selects nothing
    drag(qtbot, view.viewport(), start, view.char_rect(text.index("town of") + 1).center())
    assert len(got) == 1 and view.selection() is None
    # a drag over text still selects text
    s = text.index("military")
    drag(qtbot, view.viewport(), view.char_rect(s + 1).center(), view.char_rect(s + 5).center())
    assert sel == [(s, s + len("military"))]


def test_rubber_band_drawn_while_dragging(qtbot):
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    text, spans, links = seed_doc()
    view = make_view(qtbot, text, spans, [])
    vp = view.viewport()
    start = view.label_rect("D1").center()
    end = view.char_rect(text.index("Baghdad") + 2).center()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    ev = QMouseEvent(QEvent.Type.MouseMove, QPointF(end), QPointF(vp.mapToGlobal(end)), Qt.MouseButton.NoButton,
                     Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(vp, ev)
    img = vp.grab().toImage()
    view.grab().save(str(SHOTS / "arcs_rubber.png"))
    strong = QColor(COLORS["Life.Die"]).darker(150).name()
    assert near(img, end, strong, radius=3)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=end)


def far_doc() -> tuple[str, list[Span], list[Link]]:
    paras = [f"Filler paragraph {i} about the weather in the north and the south." for i in range(120)]
    paras[0] = "Gunmen attacked the convoy near the border."
    paras[-1] = "The convoy belonged to the Northern Command."
    text = "\n\n".join(paras)
    t = text.index("attacked")
    e = text.index("Northern Command")
    spans = [Span("T1", "Conflict.Attack", t, t + 8, kind="trigger"), Span("T2", "ORG", e, e + 16),
             Span("T3", "PER", 0, 6)]
    links = [Link("E1:0", "T1", "T2", "Target", ATTACK, owner="E1"), Link("E1:1", "T1", "T3", "Attacker", ATTACK, owner="E1")]
    return text, spans, links


def test_stub_for_off_screen_end_scrolls_there(qtbot):
    text, spans, links = far_doc()
    view = make_view(qtbot, text, spans, links, size=(600, 400))
    stub = view.link_stub_rect("E1:0")
    assert stub is not None and view.viewport().rect().contains(stub)
    assert view.link_stub_rect("E1:1") is None  # both ends on screen: a normal arc
    view.grab().save(str(SHOTS / "arcs_stub_down.png"))
    img = view.viewport().grab().toImage()
    assert near(img, stub.center(), ATTACK, radius=3)
    assert view.link_label_rect("E1:0") is not None
    got: list[str] = []
    view.stub_clicked.connect(got.append)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=stub.center())
    assert got == ["T2"]
    r = view.char_rect(spans[1].start)
    assert view.viewport().rect().contains(r)
    # now the target is on screen and the source is not: a stub pointing up on the target's line
    up = view.link_stub_rect("E1:0")
    assert up is not None and up.center().y() < r.top()
    view.grab().save(str(SHOTS / "arcs_stub_up.png"))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=up.center())
    assert got == ["T2", "T1"]
    assert view.viewport().rect().contains(view.char_rect(spans[0].start))


def test_arc_with_both_ends_off_screen_is_not_drawn(qtbot):
    text, spans, links = far_doc()
    view = make_view(qtbot, text, spans, links, size=(600, 300))
    sb = view.verticalScrollBar()
    sb.setValue(sb.maximum() // 2)
    view.grab()
    assert view.link_path_points("E1:0") == []
    assert view.link_label_rect("E1:0") is None


def test_highlight_fades_the_rest(qtbot):
    text, spans, links = seed_doc()
    view = make_view(qtbot, text, spans, links)
    bg = view.palette().color(view.viewport().backgroundRole())
    img0 = view.viewport().grab().toImage()
    loc = view.label_rect("L1").adjusted(2, 2, -2, -2)
    die = view.label_rect("D1").adjusted(2, 2, -2, -2)
    att = view.label_rect("A1").adjusted(2, 2, -2, -2)
    pts_r1 = view.link_path_points("R1")
    pts_e1 = view.link_path_points("E1:2")
    view.set_highlight("E1", {"D1"})
    img1 = view.viewport().grab().toImage()
    view.grab().save(str(SHOTS / "arcs_highlight.png"))
    # not highlighted: much nearer the background than before
    for r in (loc, att):
        assert dist(pixel_mode(img1, r), bg) < dist(pixel_mode(img0, r), bg) / 2, r
    # highlighted: unchanged
    assert pixel_mode(img1, die) == pixel_mode(img0, die)
    assert all(near(img1, p, DIE) for p in pts_e1)
    assert not any(near(img1, p, REL, tol=20) for p in pts_r1)
    view.set_highlight(None)
    img2 = view.viewport().grab().toImage()
    assert pixel_mode(img2, loc) == pixel_mode(img0, loc)


def test_arcs_mode_selected_shows_only_the_highlighted_event(qtbot):
    text, spans, links = seed_doc()
    view = make_view(qtbot, text, spans, links)
    view.set_highlight("E2", {"A1"})
    view.set_arcs_mode("selected")
    view.grab().save(str(SHOTS / "arcs_selected_mode.png"))
    assert view.link_label_rect("E2:0") is not None and view.link_label_rect("E2:1") is not None
    for lid in ("E1:0", "E1:1", "E1:2", "E1:3", "R1"):
        assert view.link_label_rect(lid) is None and view.link_path_points(lid) == []
    view.set_highlight("E1", {"D1"})
    assert view.link_label_rect("E1:3") is not None and view.link_label_rect("E2:0") is None
    view.set_arcs_mode("all")
    assert all(view.link_label_rect(lk.id) is not None for lk in links)


def test_add_remove_link_and_span_changes(qtbot):
    text, spans, links = seed_doc()
    view = make_view(qtbot, text, spans, links[:-1])
    view.grab()
    far = view.stack.para_of(view.offset_map().to_view(text.index("U.N. experts")))  # noqa: SLF001
    view.stack.layout(far)  # noqa: SLF001
    before = view.stack.cache[far]  # noqa: SLF001
    assert view.link_label_rect("R1") is None
    view.add_link(links[-1])
    view.grab()
    assert view.link_label_rect("R1") is not None
    assert view.stack.cache[far] is before  # noqa: SLF001 - untouched paragraphs keep their layout
    view.remove_link("E1:2")
    assert view.link_label_rect("E1:2") is None
    # removing a span hides its arcs; adding it back (undo) restores them
    p3 = next(s for s in spans if s.id == "P1")
    view.remove_span("P1")
    assert view.link_label_rect("E1:0") is None and view.link_label_rect("E2:0") is None
    view.add_span(p3)
    assert view.link_label_rect("E1:0") is not None and view.link_label_rect("E2:0") is not None
    # moving a span moves its arcs
    b = text.index("Baghdad")
    view.update_span(Span("G1", "GPE", b, b + 7))
    c = view.char_rect(b)
    pts = view.link_path_points("E1:3")  # now across lines: the arrow comes down onto Baghdad's tag
    assert any(abs(p.x() - c.center().x()) < 30 and 0 < c.top() - p.y() < 60 for p in pts)
    view.set_document(text, spans, COLORS)
    assert view.link_label_rect("E1:0") is None  # set_document drops the links


def test_fixture_scroll_with_links(qtbot):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks.fixture import make_fixture

    fx = make_fixture(n_entities=800, n_events=200, size_bytes=80_000)
    links = [Link(f"{e.id}:{i}", e.trigger, a.ref, a.role, "#884488", owner=e.id)
             for e in fx.events for i, a in enumerate(e.arguments)]
    view = make_view(qtbot, fx.document.text, fx.spans, links, size=(900, 700))
    sb = view.verticalScrollBar()
    shown = 0
    for _ in range(30):
        sb.setValue(sb.value() + sb.pageStep())
        view.grab()
        frame = view.arcs.frame()  # noqa: SLF001
        for seg, _stub in view.arcs.drawn_arcs(frame):  # noqa: SLF001
            shown += 1
            assert seg.link.id in view.links()
    assert shown > 50
