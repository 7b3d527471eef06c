from __future__ import annotations

import pytest

from formats.datadictionary import referenced_variables


@pytest.mark.parametrize(
    ("logic", "names"),
    [
        ("", ()),
        ("[age] > 18", ("age",)),
        ("[findings(3)] = '1' and [findings(4)] = '0'", ("findings",)),
        ("[baseline_arm_1][contrast] = '1'", ("contrast",)),
        ("[event-name][contrast] = '1'", ("contrast",)),
        ("[score][2] > 3 or [score][current-instance] > 3", ("score",)),
        ("[modality]='1' or [modality]='2' or [dose]<>''", ("modality", "dose")),
        ("[sex:label] = 'Female'", ("sex",)),
        ("[user-role-name] = 'site_lead' and [age] > 1", ("age",)),
        ("datediff([scan_date], 'today', 'd') < 30", ("scan_date",)),
        ("[Age] > 1", ("Age",)),
    ],
)
def test_it_extracts_the_variable_names_logic_refers_to(logic, names):
    assert referenced_variables(logic) == names
