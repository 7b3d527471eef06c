"""The fast form renderer writes byte for byte what Django's widget templates write."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from core.renderers import FastRenderer
from network.models import Region, Site
from people.models import Term

CHOICES = [("", "Any"), ("a", "Alpha & <Beta>"), ("b", "“Quoted”"), (3, "Three")]
GROUPED = [("", "None"), ("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")]


class EveryWidget(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": 'say "hi" & <go>'}))
    blank = forms.CharField(required=False)
    number = forms.IntegerField(min_value=0, max_value=9)
    email = forms.EmailField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput)
    tick = forms.BooleanField(required=False)
    untick = forms.BooleanField(required=False)
    choice = forms.ChoiceField(choices=CHOICES)
    grouped = forms.ChoiceField(choices=GROUPED, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES[1:], required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    disabled = forms.ChoiceField(choices=CHOICES, disabled=True, required=False)
    radio = forms.ChoiceField(choices=CHOICES[1:], widget=forms.RadioSelect, required=False)
    area = forms.CharField(widget=forms.Textarea, required=False)


def _html(form: forms.Form) -> dict[str, str]:
    return {name: str(form[name]) for name in form.fields}


@pytest.mark.parametrize(
    "data",
    [
        {},
        {
            "text": "<b>bold</b> & “quotes”",
            "number": "0",
            "hidden": "h'1",
            "tick": "on",
            "choice": "a",
            "grouped": "y",
            "many": ["a", "3"],
            "day": "2026-12-06",
            "disabled": "b",
            "radio": "b",
            "area": "x\n<y>",
        },
        {"number": "not a number", "choice": "nope", "day": "31/31/2026"},
    ],
)
def test_every_widget_is_drawn_as_djangos_templates_draw_it(data: dict[str, object]) -> None:
    fast = EveryWidget(data or None, renderer=FastRenderer())
    slow = EveryWidget(data or None, renderer=DjangoTemplates())
    if data:
        fast.is_valid(), slow.is_valid()
    assert _html(fast) == _html(slow)
    assert fast.as_div() == slow.as_div()
    for name in fast.fields:
        assert fast[name].label_tag() == slow[name].label_tag()
        assert fast[name].label_tag(attrs={"class": "x&y"}) == slow[name].label_tag(
            attrs={"class": "x&y"}
        )
        assert fast[name].legend_tag() == slow[name].legend_tag()


def test_an_unbound_form_with_initial_values_is_drawn_the_same() -> None:
    initial = {"choice": 3, "day": dt.date(2026, 1, 2), "tick": True, "number": 5}
    fast = EveryWidget(initial=initial, renderer=FastRenderer())
    slow = EveryWidget(initial=initial, renderer=DjangoTemplates())
    assert _html(fast) == _html(slow)


@pytest.mark.django_db
def test_model_choice_lists_are_drawn_the_same() -> None:
    region = Region.objects.create(name="North & <West>")
    Site.objects.create(name="St Mary's “Hospital”", region=region, latitude=51.5, longitude=-0.17)

    class Filters(forms.Form):
        region = forms.ModelChoiceField(Region.objects.all(), required=False)
        site = forms.ModelChoiceField(Site.objects.all(), required=False, empty_label="Any")
        terms = forms.ModelMultipleChoiceField(Term.objects.all()[:5], required=False)

    data = {"region": str(region.pk)}
    assert _html(Filters(data, renderer=FastRenderer())) == _html(
        Filters(data, renderer=DjangoTemplates())
    )


def test_the_project_uses_the_fast_renderer_for_every_form(settings) -> None:
    assert settings.FORM_RENDERER == "core.renderers.FastRenderer"
    assert "<select" in str(EveryWidget()["choice"])
