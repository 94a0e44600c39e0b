"""The store split into collaborators: the facade keeps its whole API, and the low modules stand without the store."""
from __future__ import annotations

import inspect
import subprocess
import sys

from annotator.model import Span
from annotator.store import Project

# Written out by hand from the Project of before the split (not read from the code under test).
PUBLIC_METHODS = [
    "add_argument", "add_event", "add_relation", "add_span", "annotations_in_range", "changed_elsewhere", "close",
    "counts_by_label", "counts_by_status", "delete_document", "document_count", "document_ids", "document_status",
    "document_summaries", "fetch", "get_annotated", "get_document", "has_document", "import_documents",
    "iter_annotated", "new_id", "open", "problem_counts", "problems", "refresh_problem_counts", "remove",
    "remove_argument", "replace_argument", "restore", "save_as", "set_problem_counts", "set_schema", "set_status",
    "spans_in_range", "update_event", "update_relation", "update_span",
]
PUBLIC_PROPERTIES = ["annotator", "backup_path", "busy_timeout_ms", "db", "path", "read_only", "read_only_reason",
                     "schema", "schema_version"]


def test_the_facade_keeps_every_public_method_and_attribute_in_plain_sight():
    for name in PUBLIC_METHODS:
        # defined on the class itself (no __getattr__ forwarding), with a docstring
        member = inspect.getattr_static(Project, name)
        assert callable(getattr(Project, name)), name
        assert (getattr(member, "__func__", member).__doc__ or "").strip(), f"{name} has no docstring"
    for name in PUBLIC_PROPERTIES:
        assert isinstance(inspect.getattr_static(Project, name), property), name
    assert "__getattr__" not in vars(Project)


def test_the_annotator_name_set_on_the_facade_is_what_the_writes_use(tmp_path):
    with Project.open(tmp_path / "p.db") as p:
        from annotator.model import AnnotatedDocument, Document

        p.import_documents([AnnotatedDocument(Document(id="d", text="Alice met Bob."))])
        p.annotator = "alice"
        assert p.annotator == "alice"
        entity = sorted(p.schema.entity_types)[0]
        p.add_span("d", Span("", entity, 0, 5))
        assert [s.annotator for s in p.get_annotated("d").spans] == ["alice"]
        assert p.read_only is False and p.read_only_reason == "" and p.path == tmp_path / "p.db"


def test_migrations_and_problem_counts_import_without_the_store():
    # m002 used to build a Project (a function-level import of annotator.store): the cycle is gone
    code = (
        "import sys\n"
        "import annotator.migrations, annotator.problemcounts, annotator.projectfile\n"
        "print(sorted(m for m in sys.modules if m == 'annotator.store' or m.startswith('annotator.store_')))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]", r.stdout
