"""Linking an output's authors to the people on the platform.

The rule, in order, for an author without a person:

1. ORCID: an author whose ORCID is already linked to a person on another output is that
   person (people have no ORCID field of their own; their linked authorships carry it).
2. Name: an author whose normalised name (formats.bibliography.name_key: accents, case,
   punctuation and a leading "Dr"/"Prof" ignored) equals the normalised full name of
   exactly one active person is that person. Two people with that name: no link.
3. The importing person only: an author with their family name and the first initial of
   their given name ("Okafor, A." for Amara Okafor) is them, since they vouch that the
   file lists their own outputs.

A match says who an author is, not that it counts: a match to anyone but the person
saving waits for that person's confirmation (`outputs.services.LinkRule`). ORCIDs are
learnt from confirmed links only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from accounts.models import User
from formats.bibliography.text import name_key
from outputs.models import Author

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


@dataclass
class PeopleIndex:
    by_orcid: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    importer_id: int | None = None
    importer_short: str = ""  # "a okafor": first initial and family name, folded

    @classmethod
    def load(cls, importer: User | AnonymousUser | None = None) -> PeopleIndex:
        index = cls()
        for pk, name in User.objects.filter(is_active=True).values_list("pk", "full_name"):
            key = name_key(name)
            if key:
                index.by_name[key].append(pk)
        linked = Author.objects.filter(person__isnull=False).exclude(orcid="")
        for orcid, pk in linked.values_list("orcid", "person_id").distinct():
            index.by_orcid.setdefault(orcid, pk)
        if importer is not None and importer.is_authenticated:
            index.importer_id = importer.pk
            index.importer_short = short_key(importer.full_name)
        return index

    def match(self, name: str, orcid: str = "", family: str = "", given: str = "") -> int | None:
        if orcid and orcid in self.by_orcid:
            return self.by_orcid[orcid]
        found = self.by_name.get(name_key(name), [])
        if len(found) == 1:
            return found[0]
        if self.importer_id and family and short_key(f"{given} {family}") == self.importer_short:
            return self.importer_id
        return None


def short_key(full_name: str) -> str:
    """'Dr Amara N. Okafor' → 'a okafor': the first initial and the last word, folded."""
    words = name_key(full_name).split()
    return f"{words[0][0]} {words[-1]}" if len(words) > 1 else ""
