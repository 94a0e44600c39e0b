"""The store keeps one copy of a document's text: the string get_document returned is the one the writes check against.

At 4 MB (4 bytes a character once the text holds an emoji) a second copy was
16 MB of the window's peak memory after the first edit (issue 10's 300 MB target).
"""
from __future__ import annotations

from annotator.model import AnnotatedDocument, Document, Span
from annotator.store import Project


def test_the_first_write_after_get_document_shares_its_text(tmp_path):
    text = "Troops entered Dujail. \U0001F600 " * 2000
    with Project.open(tmp_path / "p.db") as p:
        p.import_documents([AnnotatedDocument(Document("d1", text))])
    with Project.open(tmp_path / "p.db") as p:
        doc = p.get_document("d1")
        p.add_span("d1", Span("", "ORG", 0, 6))
        (cached,) = p.state.text_cache.values()
        assert cached is doc.text  # the same object: no second copy
        assert [s.start for s in p.get_annotated("d1").spans] == [0]
