from __future__ import annotations

from django import forms


class NotForMeForm(forms.Form):
    item = forms.CharField(max_length=40, error_messages={"required": "Choose an item first."})
