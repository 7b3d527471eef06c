"""Form status grids: REDCap's record home page and its record status dashboard.

A record's grid has a row per instrument and a column per event (one column, unnamed,
in a classic study); a cell is empty where the instrument is not designated to the
event. Each form's status is shown with REDCap's colours and, for people who do not
see colour, its word: grey "No data", red "Incomplete", yellow "Unverified", green
"Complete". The dashboard shows the same for a page of records, one query for all of
their entries, so a 50-site study's page costs the same as a small one's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from capture.models import Entry, Event, Record, Study

NO_DATA = "none"
STATUS_KEYS = {0: "incomplete", 1: "unverified", 2: "complete"}
STATUS_WORDS = {
    NO_DATA: "No data",
    "incomplete": "Incomplete",
    "unverified": "Unverified",
    "complete": "Complete",
}


def entry_url(
    study_id: int, record_id: int, instrument: str, event: str = "", instance: int = 1
) -> str:
    """Where a form of a record is entered: with its event in a longitudinal study."""
    if event:
        url = reverse("capture:event_entry", args=[study_id, record_id, event, instrument])
    else:
        url = reverse("capture:entry", args=[study_id, record_id, instrument])
    return f"{url}?instance={instance}" if instance > 1 else url


def _fast_entry_url(prefix: str, record_id: int, instrument: str, event: str, instance: int) -> str:
    """`entry_url` without a `reverse` per cell (a dashboard page draws hundreds of them):
    the records list's address, then the entry's path as capture/urls.py writes it
    (test_longitudinal_views checks the two agree)."""
    url = (
        f"{prefix}{record_id}/events/{event}/forms/{instrument}/"
        if event
        else (f"{prefix}{record_id}/forms/{instrument}/")
    )
    return f"{url}?instance={instance}" if instance > 1 else url


def record_url(study_id: int, record_id: int) -> str:
    return reverse("capture:record", args=[study_id, record_id])


@dataclass
class Instance:
    number: int
    key: str
    url: str

    @property
    def word(self) -> str:
        return STATUS_WORDS[self.key]


@dataclass
class Cell:
    """One form at one event: its instances (none saved: one "No data" to open)."""

    designated: bool
    instances: list[Instance] = field(default_factory=list)
    add_url: str = ""  # a further instance, when the form repeats here

    @property
    def key(self) -> str:
        """The lowest status of its instances, as the dashboard's one circle shows it."""
        order = [NO_DATA, "incomplete", "unverified", "complete"]
        keys = [i.key for i in self.instances] or [NO_DATA]
        return min(keys, key=lambda k: order.index(k) if k != NO_DATA else -1)

    @property
    def word(self) -> str:
        return STATUS_WORDS[self.key]

    @property
    def url(self) -> str:
        return self.instances[0].url if self.instances else ""


@dataclass
class Column:
    event: Event | None

    @property
    def name(self) -> str:
        return self.event.unique_name if self.event is not None else ""

    @property
    def label(self) -> str:
        return self.event.label if self.event is not None else "Forms"


@dataclass
class Grid:
    columns: list[Column]
    instruments: list[str]
    cells: dict[tuple[int, str, str], Cell]  # (record id, event name, instrument) -> cell

    def row(self, record_id: int, instrument: str) -> list[tuple[Column, Cell]]:
        return [(c, self.cells[(record_id, c.name, instrument)]) for c in self.columns]

    def header(self) -> list[tuple[Column, list[str]]]:
        return [(c, self.instruments_at(c)) for c in self.columns]

    def record_cells(self, record_id: int) -> list[tuple[Column, list[tuple[str, str, str, int]]]]:
        """The dashboard's row: per event, its designated forms as (url, status key, word,
        instances), plain tuples so that a page of 50 records draws quickly."""
        found = []
        for c in self.columns:
            cells = [self.cells[(record_id, c.name, i)] for i in self.instruments_at(c)]
            found.append(
                (c, [(x.url, x.key, STATUS_WORDS[x.key], len(x.instances)) for x in cells])
            )
        return found

    def instruments_at(self, column: Column) -> list[str]:
        if column.event is None:
            return self.instruments
        named = {d.instrument for d in column.event.designations.all()}
        return [i for i in self.instruments if i in named]


def columns_of(study: Study) -> list[Column]:
    events = list(
        Event.objects.filter(study=study)
        .select_related("arm")
        .prefetch_related("designations")
        .order_by("arm__number", "order", "pk")
    )
    return [Column(e) for e in events] or [Column(None)]


def grid(
    study: Study,
    records: list[Record],
    instruments: list[str],
    *,
    columns: list[Column] | None = None,
    may_add: bool = False,
) -> Grid:
    """The status of every (record, event, instrument), from one query of the entries."""
    columns = columns if columns is not None else columns_of(study)
    saved: dict[tuple[int, str, str], list[tuple[int, int]]] = defaultdict(list)
    event_names = {c.event.pk: c.name for c in columns if c.event is not None}
    rows = Entry.objects.filter(record__in=[r.pk for r in records]).values_list(
        "record_id", "event_id", "instrument", "instance", "status"
    )
    for record_id, event_id, instrument, instance, status in rows.order_by("instance"):
        saved[(record_id, event_names.get(event_id, ""), instrument)].append((instance, status))
    cells: dict[tuple[int, str, str], Cell] = {}
    prefix = reverse("capture:records", args=[study.pk])
    designated_at = {c.name: set(_designated(c, instruments)) for c in columns}
    for record in records:
        for column in columns:
            designated = designated_at[column.name]
            for instrument in instruments:
                cells[(record.pk, column.name, instrument)] = _cell(
                    study,
                    record,
                    column,
                    instrument,
                    instrument in designated,
                    saved.get((record.pk, column.name, instrument), []),
                    may_add,
                    prefix,
                )
    return Grid(columns=columns, instruments=instruments, cells=cells)


def _designated(column: Column, instruments: list[str]) -> list[str]:
    if column.event is None:
        return instruments
    return [d.instrument for d in column.event.designations.all()]


def _cell(
    study: Study,
    record: Record,
    column: Column,
    instrument: str,
    designated: bool,
    saved: list[tuple[int, int]],
    may_add: bool,
    prefix: str,
) -> Cell:
    if not designated:
        return Cell(designated=False)

    def url(instance: int) -> str:
        return _fast_entry_url(prefix, record.pk, instrument, column.name, instance)

    found = [Instance(n, STATUS_KEYS.get(s, "incomplete"), url(n)) for n, s in saved]
    cell = Cell(designated=True, instances=found or [Instance(1, NO_DATA, url(1))])
    if may_add and found and _repeats(study, column.event, instrument):
        cell.add_url = url(found[-1].number + 1)
    return cell


def _repeats(study: Study, event: Event | None, instrument: str) -> bool:
    from capture.services import repeats

    return repeats(study, event, instrument)


def legend() -> list[dict[str, str]]:
    return [{"key": key, "word": word} for key, word in STATUS_WORDS.items()]


def dashboard_rows_html(grid: Grid, records: list[Record], record_url_prefix: str) -> SafeString:
    """The dashboard's table body, drawn here rather than by the template engine: a page
    of 50 records of a 5-event study has 750 cells, which the engine takes most of the
    page's time over. Every text is escaped; addresses are made of ids and names."""
    rows = []
    for record in records:
        label = escape(record.label)
        head = (
            f'<tr><th scope="row"><a href="{record_url_prefix}{record.pk}/">{label}</a> '
            f"<small>{escape(record.study_site.code)}</small></th>"
        )
        cells = []
        for column, group in grid.record_cells(record.pk):
            at = f" {escape(column.label)}" if column.event is not None else ""
            for url, key, word, count in group:
                more = f" ({count} instances)" if count > 1 else ""
                extra = f"<small>&times;{count}</small>" if count > 1 else ""
                cells.append(
                    f'<td><a href="{escape(url)}" class="form-status status-{key}" '
                    f'aria-label="{label}{at}: {word}{more}"><span class="word">{word}</span>'
                    f"</a>{extra}</td>"
                )
        rows.append(head + "".join(cells) + "</tr>")
    return mark_safe("\n".join(rows))  # noqa: S308 - every text above is escaped # nosec B308 B703
