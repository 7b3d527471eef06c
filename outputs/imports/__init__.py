"""One import service for every bibliography format: read, preview, commit all-or-nothing.

    preview = import_preview(person=me, text=text, fmt="bibtex")   # writes nothing
    result = import_commit(actor=me, person=me, text=text, fmt="bibtex", chosen={1, 4})

The pure reader (formats.bibliography.read_entries) reads the file entry by entry; a
file that is empty, not text or not a bibliography is refused whole, with its reason.
The preview then lists every entry as one of:

- new: nothing like it on the platform or earlier in the file. When it has the title of
  a conference abstract, poster or talk by the same first or last author (or is that
  presentation of a known article), it is still new, and the two are linked: the
  presentation "became" the article. They are never merged;
- duplicate, with what it matched and why: the same DOI or PMID is the same work;
  otherwise the same title needs the same year (±1), the same kind and an overlapping
  first or last author. Committing fills the empty fields of the output it duplicates
  (a DOI or PMID only onto an output of the same kind); nothing is doubled;
- possible: the same title without that evidence, "possibly the same as …"; the
  person decides (import it as a separate output, or leave it out);
- refused, with the problem: an entry that could not be read, a type RadCollab does
  not keep, no authors, a field too long, or the same work as an output someone else
  recorded without the person among its authors.

The person imports the new entries (and the possible ones they tick) and skips the
refused ones in one confirmation. Committing re-reads the text and re-sorts the
entries inside one transaction, so what is written is what the database holds at
that moment, never a stale preview, and all of it or none of it is written.

The package by idea: `entries` (an entry, its state and the preview of the file),
`sorting` (the candidates, the evidence and each record's state), `writing` (new
outputs and authors in bulk, duplicates filled, "became" links, claims) and `service`
(`import_preview`, `import_draft_create`, `import_commit`). The names other modules use
through `from outputs import imports` are re-exported here.
"""

from __future__ import annotations

from outputs.imports.entries import (
    DUPLICATE,
    FIELD_LABELS,
    MERGED_FIELDS,
    NEW,
    POSSIBLE,
    REFUSED,
    Entry,
    Preview,
    Progress,
)
from outputs.imports.service import (
    ImportResult,
    import_commit,
    import_draft_create,
    import_preview,
)

__all__ = [
    "DUPLICATE",
    "FIELD_LABELS",
    "MERGED_FIELDS",
    "NEW",
    "POSSIBLE",
    "REFUSED",
    "Entry",
    "ImportResult",
    "Preview",
    "Progress",
    "import_commit",
    "import_draft_create",
    "import_preview",
]
