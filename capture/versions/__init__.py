"""Dictionary versions after go-live: a change is previewed against the data, then applied.

A study that holds data (a live or closed study, or one in design with entries) never has
its dictionary replaced in place. A new dictionary, uploaded or built in the form builder,
becomes the study's one *proposed* version. `impact()` compares it with the applied
version and reads the existing values to say what would happen to them:

- a **renamed** field carries its values over (renames are stated by the admin as
  old → new pairs; likely pairs are offered as `candidates`, never applied unasked);
- a field **moved** to another instrument takes its values with it;
- a **removed** field's values are archived: kept in `Entry.data` under the archive key
  `<field>__v<n>` (n, the version that defined it), exportable and shown by the API;
- a **recoded** choice (a code in use that the new choices lack) needs a mapping,
  old code → new code or `"archive"`; applying without one is refused;
- a **type change** that makes values invalid lists the records affected; applying
  archives those values only when the admin says so (`archive_invalid`);
- every **branching logic and calculation** that reads a renamed field or a recoded code
  is listed (`Impact.logic`). A rule written for the old codes is rewritten through
  the logic parser with the mapping (`[modality] = '2'` becomes `[modality] = '20'`),
  shown before and after; one that would be left dead (a code gone with no new code to
  go to, or archived) refuses the apply, naming the field, the rule and the code.

`version_apply()` does all of it in one transaction, the rewritten rules included, with
the study's records locked so no save interleaves, one audit row per changed entry (old
and new values) and one for the version, all scoped to the study. Nothing is deleted: a
value either moves, is mapped, or goes to the archive.

The package by sub-area: `reading` (the versions and the archive), `preview` (the
impact of a proposal; `summary`, its JSON), `changing` (a draft replaced, or the
proposal), `applying` (`version_apply` and the rewritten rules). The names other
modules use through `from capture import versions` are re-exported here.
"""

from __future__ import annotations

from capture.versions.applying import rewrite_rules, version_apply
from capture.versions.changing import (
    dictionary_change,
    proposal_discard,
    proposal_plan,
)
from capture.versions.preview import Impact, impact
from capture.versions.reading import (
    ARCHIVE,
    applied_version,
    archive_keys,
    digest,
    export_dictionary,
    needs_versioning,
    proposal_csv,
    proposal_of,
)

__all__ = [
    "ARCHIVE",
    "Impact",
    "applied_version",
    "archive_keys",
    "dictionary_change",
    "digest",
    "export_dictionary",
    "impact",
    "needs_versioning",
    "proposal_csv",
    "proposal_discard",
    "proposal_of",
    "proposal_plan",
    "rewrite_rules",
    "version_apply",
]
