"""The loader's worker reads the highest id numbers of the document it streams, so the first new annotation
reads none on the GUI thread (83 ms at 208,000 spans before)."""
from __future__ import annotations

from test_progressive_open import FIRST, load_fully, long_window, untagged_word  # noqa: F401 (a fixture)


def test_a_long_documents_highest_ids_are_known_once_it_is_loaded_and_the_first_tag_follows_them(long_window):  # noqa: F811
    w, adoc, where, _path = long_window
    project = w.session.project
    pk = int(project.state.doc_pk("long"))
    assert w.session.current.partial
    load_fully(w)
    counters = project.state.id_counters
    # the fixture numbers its spans T1..Tn and its events E1..Em
    assert counters[(pk, "", "T")] == len(adoc.spans)
    assert counters[(pk, "", "E")] == len(adoc.events)
    start, end = untagged_word(adoc.document.text, "w2", where)
    assert end < FIRST
    w.view.set_selection(start, end)
    w.tagger.apply_label("ORG")
    new = [s for s in w.session.current.spans.values() if (s.start, s.end) == (start, end)]
    assert [s.id for s in new] == [f"T{len(adoc.spans) + 1}"]
