"""Read a page's form as a browser would submit it, for tests that save a form unchanged.

A browser does not post what the HTML says but what its controls accept: a date control
given `09/03/2026` shows nothing and posts an empty value, an unchecked box posts
nothing, a select posts its selected option (or its first). `form_submission` applies
those rules (HTML's "constructing the entry list") so that a test sees what a person
pressing Save would send.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# HTML's value sanitisation for the controls whose value a browser may refuse.
ACCEPTED = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "datetime-local": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?"),
    "time": re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?"),
    "month": re.compile(r"\d{4}-\d{2}"),
    "number": re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?"),
}
NOT_SENT = {"submit", "button", "reset", "image", "file"}


@dataclass
class Control:
    """One named control of a form: what the HTML says about it."""

    tag: str
    name: str
    type: str = ""
    value: str = ""
    checked: bool = False
    multiple: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)


@dataclass
class Form:
    action: str
    method: str
    controls: list[Control] = field(default_factory=list)

    def control(self, name: str) -> Control:
        return next(c for c in self.controls if c.name == name)

    def submission(self) -> dict[str, list[str]]:
        """The name and value pairs a browser posts when Save is pressed unchanged."""
        data: dict[str, list[str]] = {}
        for control in self.controls:
            for value in _sent(control):
                data.setdefault(control.name, []).append(value)
        return data


def _sent(control: Control) -> list[str]:
    if control.tag == "select":
        chosen = [value for value, selected in control.options if selected]
        if control.multiple:
            return chosen
        first = [control.options[0][0]] if control.options else []
        return chosen[-1:] or first
    if control.type in NOT_SENT:
        return []
    if control.type in ("checkbox", "radio"):
        return [control.value or "on"] if control.checked else []
    pattern = ACCEPTED.get(control.type)
    if pattern is not None and not pattern.fullmatch(control.value):
        return [""]
    return [control.value]


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.text: Control | None = None  # the textarea or option being read
        self.option: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.form = Form(given.get("action", ""), given.get("method", "get").lower())
            self.forms.append(self.form)
        elif self.form is not None and "disabled" not in given:
            self._control(tag, given)

    def _control(self, tag: str, given: dict[str, str]) -> None:
        assert self.form is not None
        name = given.get("name", "")
        if tag == "input" and name:
            kind = given.get("type", "text").lower()
            checked = "checked" in given
            self.form.controls.append(Control(tag, name, kind, given.get("value", ""), checked))
        elif tag in ("select", "textarea") and name:
            multiple = "multiple" in given
            self.text = Control(tag, name, tag, multiple=multiple)
            self.form.controls.append(self.text)
        elif tag == "option" and self.text is not None:
            self.option = [given.get("value"), "selected" in given, ""]  # type: ignore[list-item]

    def handle_data(self, data: str) -> None:
        if self.option is not None:
            self.option[2] += data
        elif self.text is not None and self.text.tag == "textarea":
            self.text.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "option" and self.option is not None and self.text is not None:
            value, selected, label = self.option
            self.text.options.append((label.strip() if value is None else value, bool(selected)))
            self.option = None
        elif tag in ("select", "textarea") and self.text is not None:
            if tag == "textarea" and self.text.value.startswith("\n"):
                self.text.value = self.text.value[1:]
            self.text = None


def forms_of(html: str) -> list[Form]:
    reader = _FormReader()
    reader.feed(html)
    reader.close()
    return reader.forms


def form_with(html: str, name: str) -> Form:
    """The page's first POST form that has a control called `name`."""
    for form in forms_of(html):
        if form.method == "post" and any(c.name == name for c in form.controls):
            return form
    raise AssertionError(f"no POST form on the page has a control named {name!r}")
