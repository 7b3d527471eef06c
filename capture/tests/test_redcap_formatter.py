"""The pure formatter of the REDCap-compatible API: REDCap's formats and error shapes."""

from __future__ import annotations

import json

import pytest

from capture.redcap_api.formatter import (
    CHUNK_ROWS,
    RedcapError,
    error_body,
    read_rows,
    render,
    render_object,
)

ROWS = [{"record_id": "1", "note": 'a "quoted", text'}, {"record_id": "2", "note": "x]]>y"}]


def test_json_is_a_list_of_objects_even_streamed_in_chunks():
    many = [{"record_id": str(i)} for i in range(CHUNK_ROWS * 2 + 3)]
    chunks = list(render(many, "json"))
    assert len(chunks) > 2
    assert json.loads("".join(chunks)) == many
    assert "".join(render([], "json")) == "[]"


def test_csv_has_a_header_and_quotes_only_where_needed():
    text = "".join(render(ROWS, "csv", ["record_id", "note"]))
    assert text == 'record_id,note\n1,"a ""quoted"", text"\n2,x]]>y\n'
    assert "".join(render([], "csv", ["record_id"])) == "record_id\n"


def test_xml_wraps_values_in_cdata_even_one_that_closes_it():
    text = "".join(render(ROWS, "xml"))
    assert text.startswith('<?xml version="1.0" encoding="UTF-8" ?>\n<records>\n<item>')
    assert "<note><![CDATA[x]]]]><![CDATA[>y]]></note>" in text
    assert read_rows(text, "xml")[1]["note"] == "x]]>y"


def test_one_object_in_each_format():
    assert json.loads(render_object({"a": 1}, "json")) == {"a": 1}
    assert render_object({"a": 1, "b": "x"}, "csv") == "a,b\n1,x\n"
    assert "<item><a><![CDATA[1]]></a></item>" in render_object({"a": 1}, "xml")


@pytest.mark.parametrize(
    ("fmt", "body"),
    [
        ("json", '{"error": "No <good> & no"}'),
        ("csv", "ERROR: No <good> & no"),
        ("xml", '<?xml version="1.0" encoding="UTF-8" ?>\n<hash>\n  <error>No &lt;good&gt; '
                "&amp; no</error>\n</hash>"),
    ],
)  # fmt: skip
def test_errors_have_redcaps_shape_in_each_format(fmt, body):
    assert error_body("No <good> & no", fmt)[0] == body


def test_imported_data_is_read_as_text_in_each_format():
    assert read_rows('[{"record_id": 3, "w": 2.0, "ok": true, "n": null}]', "json") == [
        {"record_id": "3", "w": "2", "ok": "1", "n": ""}
    ]
    assert read_rows('{"record_id": "1"}', "json") == [{"record_id": "1"}]
    assert read_rows("\ufeffrecord_id,age\n1,40\n2,\n", "csv") == [
        {"record_id": "1", "age": "40"},
        {"record_id": "2", "age": ""},
    ]
    xml = "<records><item><record_id>1</record_id><age>40</age></item></records>"
    assert read_rows(xml, "xml") == [{"record_id": "1", "age": "40"}]


@pytest.mark.parametrize(
    ("data", "fmt", "message"),
    [
        ("[{", "json", "not valid JSON"),
        ('["a"]', "json", "list of objects"),
        ("<records><item>", "xml", "cannot be read"),
        (
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><records>&a;</records>',
            "xml",
            "cannot be read",
        ),
    ],
)
def test_unreadable_data_is_refused_with_a_reason(data, fmt, message):
    with pytest.raises(RedcapError, match=message):
        read_rows(data, fmt)
