"""The statistics CSV downloads are opened in spreadsheets: no cell may run as a formula."""

from __future__ import annotations

import csv
import io

from stats.report import results_csv
from stats.results import Result


def test_the_results_csv_quotes_text_a_spreadsheet_would_run_and_keeps_negative_numbers():
    result: Result = {
        "analysis": "agreement",
        "title": '=HYPERLINK("http://example.invalid","x")',
        "n": 12,
        "excluded": [],
        "columns": {},
        "settings": {},
        "warnings": [],
        "notes": [],
        "figures": {},
        "tables": [
            {
                "title": "Agreement",
                "columns": ["@reader", "difference"],
                "formats": ["text", "num"],
                "rows": [["-a", -1.5]],
            }
        ],
        "sentences": ["+1 means the second reader scored higher."],
    }
    rows = list(csv.reader(io.StringIO(results_csv(result))))
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://example.invalid","x")' in cells
    assert {"'@reader", "'-a", "'+1 means the second reader scored higher."} <= set(cells)
    assert "-1.5" in cells
