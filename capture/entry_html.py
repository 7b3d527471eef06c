"""The entry form's fields as HTML, written here rather than in a template for speed.

An instrument of 300 fields drew in about 250 ms through Django templates (an include
and some 40 lookups per field); written with `html.escape` it takes a few milliseconds,
which keeps the form within issue 15's 150 ms p95. The markup follows the HTML contract
of docs/capture-logic.md (a `data-field` wrapper per field, inputs named by the
variable) and what `entry.js` reads (`data-slider`, `data-charlimit`, `data-maxchecked`,
...). Labels, notes and choices are already sanitised HTML (`capture.labels`); every
other text (values, names, errors, placeholders) is escaped here.
"""

from __future__ import annotations

from html import escape

from django.utils.html import strip_tags

from capture.entry_form import EntryField, Matrix
from formats.records.validate import browser_pattern

CHOICE_KINDS = frozenset({"radio", "yesno", "truefalse", "checkbox"})


def _attrs(**attrs: object) -> str:
    """` name="value"` for each attribute; True writes the bare name, False/None nothing."""
    out = []
    for name, value in attrs.items():
        if value is None or value is False:
            continue
        key = name.rstrip("_").replace("_", "-")
        out.append(f" {key}" if value is True else f' {key}="{escape(str(value))}"')
    return "".join(out)


def _invalid(f: EntryField) -> str:
    return f' aria-invalid="true" aria-describedby="err_{f.name}"' if f.error else ""


def _required(f: EntryField) -> str:
    return " *" if f.field.required else ""


def _section(section_header: str, markup: str) -> str:
    if not section_header:
        return ""
    return f'<div class="section-header" role="heading" aria-level="2">{markup}</div>'


def field_html(f: EntryField, *, record_id_field: str, record_label: str) -> str:
    """One field: its section header, its wrapper, label, control and notes."""
    tag_hidden = " hidden data-tag-hidden" if f.tags.hidden else ""
    name = escape(f.name)
    parts = [
        _section(f.field.section_header, f.section_html),
        f'<div data-field="{name}"{tag_hidden} class="entry-field entry-{f.kind}">',
    ]
    if f.name == record_id_field:
        parts.append(
            f'<p id="id_{name}"><strong>{f.label_html}</strong> {escape(record_label)} '
            "<small>· given by RadCollab, not editable</small></p>"
        )
    elif f.kind == "descriptive":
        parts.append(f'<div class="descriptive">{f.label_html}</div>')
    elif f.kind in CHOICE_KINDS:
        parts.append(_choices(f))
    elif f.kind == "dropdown" or (f.kind == "sql" and f.choices):
        parts.append(_select(f))
    elif f.kind == "slider":
        parts.append(_slider(f))
    elif f.kind == "calc":
        parts.append(
            f'<label for="id_{name}">{f.label_html} <small>(calculated)</small></label>'
            f'<input id="id_{name}" name="{name}" value="{escape(str(f.value))}" readonly>'
        )
    else:
        parts.append(_text(f))
    parts.append(_after(f))
    parts.append("</div>")
    return "".join(parts)


def _choices(f: EntryField) -> str:
    checkbox = f.kind == "checkbox"
    group = _attrs(
        data_readonly=f.tags.readonly,
        data_maxchecked=f.tags.maxchecked,
        data_none_of_the_above=f.none_of_the_above or None,
    )
    out = [f"<fieldset{_invalid(f)}{group}><legend>{f.label_html}{_required(f)}</legend>"]
    kind = "checkbox" if checkbox else "radio"
    ticked = set(f.checked) if checkbox else {str(f.value)}
    for code, label in f.choices:
        state = " checked" if code in ticked else (" disabled" if f.tags.readonly else "")
        out.append(
            f'<label><input type="{kind}" name="{escape(f.name)}" value="{escape(code)}"'
            f"{state}> {label}</label>"
        )
    if f.tags.maxchecked:
        out.append(f"<small>Tick at most {f.tags.maxchecked}.</small>")
    out.append("</fieldset>")
    return "".join(out)


def _select(f: EntryField) -> str:
    name = escape(f.name)
    out = [f'<label for="id_{name}">{f.label_html}{_required(f)}</label>']
    if f.field.autocomplete and not f.tags.readonly:
        # REDCap's autocomplete dropdown: a box that narrows the choices as one types.
        out.append(
            f'<input type="search" data-filter-for="id_{name}" autocomplete="off" '
            f'aria-label="Search the choices of {escape(f.field.plain_label)}" '
            'placeholder="Type to narrow the choices">'
        )
    out.append(
        f'<select id="id_{name}" name="{name}"{" disabled" if f.tags.readonly else ""}'
        f'{_invalid(f)}><option value="">—</option>'
    )
    for code, label in f.choices:
        selected = " selected" if str(f.value) == code else ""
        out.append(f'<option value="{escape(code)}"{selected}>{_plain(label)}</option>')
    out.append("</select>")
    if f.tags.readonly:
        out.append(f'<input type="hidden" name="{name}" value="{escape(str(f.value))}">')
    return "".join(out)


def _plain(markup: str) -> str:
    """Sanitised HTML as the text an <option> or an attribute can hold (no tags)."""
    return escape(strip_tags(markup), quote=False) if "<" in markup else markup


def _slider(f: EntryField) -> str:
    assert f.slider is not None
    name = escape(f.name)
    slider = f.slider
    value = slider.middle if f.blank else f.value
    readonly = f.tags.readonly
    state = _attrs(
        class_="is-blank" if f.blank else None,
        disabled=readonly,
        aria_describedby=f"anchors_{f.name} state_{f.name}",
        aria_invalid="true" if f.error else None,
    )
    out = [
        f'<label for="id_{name}">{f.label_html}{_required(f)}</label>',
        f'<div class="slider" data-slider="{name}">',
        f'<input type="range" id="id_{name}" name="{name}" min="{slider.low}" '
        f'max="{slider.high}" step="1" value="{escape(str(value))}"{state}>',
    ]
    if readonly:
        out.append(f'<input type="hidden" name="{name}" value="{escape(str(f.value))}">')
    left, middle, right = slider.anchors
    out.append(
        f'<div class="slider-anchors" id="anchors_{name}"><span>{left}</span>'
        f"<span>{middle}</span><span>{right}</span></div>"
        f'<p class="slider-state" id="state_{name}" aria-live="polite">'
    )
    if slider.show_number:
        shown = "" if f.blank else escape(str(f.value))
        out.append(f'<output for="id_{name}" data-slider-number>{shown}</output>')
    empty = "" if f.blank else " hidden"
    box = _attrs(checked=f.blank, disabled=readonly)
    out.append(
        f"<span data-slider-empty{empty}>No value</span></p>"
        f'<label class="slider-blank"><input type="checkbox" name="{name}__blank" value="1" '
        f'data-slider-blank="{name}"{box}> Leave blank (no value)</label></div>'
    )
    return "".join(out)


def _text(f: EntryField) -> str:
    name = escape(f.name)
    tags = f.tags
    validation = f.field.validation
    limits = _attrs(
        readonly=tags.readonly,
        placeholder=tags.placeholder or None,
        # REDCap's own pattern, so the browser marks a value the server would refuse.
        pattern=browser_pattern(validation) if validation and f.kind != "notes" else None,
        maxlength=tags.charlimit,
        data_charlimit=tags.charlimit,
        data_wordlimit=tags.wordlimit,
    )
    label = f'<label for="id_{name}">{f.label_html}{_required(f)}</label>'
    if f.kind == "notes":
        control = (
            f'<textarea id="id_{name}" name="{name}" rows="3"{limits}{_invalid(f)}>'
            f"{escape(str(f.value))}</textarea>"
        )
    else:
        control = (
            f'<input id="id_{name}" name="{name}" type="{f.input_type}" '
            f'value="{escape(str(f.value))}"{limits}{_invalid(f)}>'
        )
    counter = (
        f'<small data-counter="{name}" aria-live="polite"></small>'
        if tags.charlimit or tags.wordlimit
        else ""
    )
    return label + control + counter


def _after(f: EntryField) -> str:
    out = []
    if f.units:
        out.append(f'<small class="units">Units: {escape(f.units)}</small>')
    if f.field.note:
        out.append(f'<small class="field-note">{f.note_html}</small>')
    if f.tags.readonly:
        out.append("<small>Read-only.</small>")
    if f.error:
        out.append(f'<small id="err_{escape(f.name)}" class="error">{escape(f.error)}</small>')
    if f.warning:
        out.append(f'<small class="warning">{escape(f.warning)}</small>')
    return "".join(out)


def matrix_html(m: Matrix) -> str:
    """A matrix group: the choices as columns, one row per field, in a box that scrolls."""
    first = m.rows[0]
    kind = "checkbox" if m.checkbox else "radio"
    out = [
        _section(first.field.section_header, first.section_html),
        f'<div class="matrix-scroll" role="group" aria-label="{escape(m.name)}">'
        f'<table class="matrix" data-matrix="{escape(m.name)}"><thead><tr><td></td>',
    ]
    out += [f'<th scope="col">{label}</th>' for _, label in m.choices]
    out.append("</tr></thead><tbody>")
    for f in m.rows:
        name = escape(f.name)
        row = _attrs(
            hidden=f.tags.hidden,
            data_tag_hidden=f.tags.hidden,
            data_readonly=f.tags.readonly,
            data_maxchecked=f.tags.maxchecked,
            data_none_of_the_above=f.none_of_the_above or None,
            aria_invalid="true" if f.error else None,
        )
        out.append(
            f'<tr data-field="{name}"{row}><th scope="row" id="label_{name}">'
            f"{f.label_html}{_required(f)}"
        )
        if f.field.note:
            out.append(f'<small class="field-note">{f.note_html}</small>')
        if f.error:
            out.append(f'<small id="err_{name}" class="error">{escape(f.error)}</small>')
        if f.warning:
            out.append(f'<small class="warning">{escape(f.warning)}</small>')
        out.append("</th>")
        ticked = set(f.checked) if m.checkbox else {str(f.value)}
        plain = escape(f.field.plain_label)
        for code, label in f.choices:
            state = " checked" if code in ticked else (" disabled" if f.tags.readonly else "")
            out.append(
                f'<td><input type="{kind}" name="{name}" value="{escape(code)}" '
                f'aria-label="{plain}: {_plain(label)}"{state}></td>'
            )
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)
