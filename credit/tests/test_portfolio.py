"""Portfolio-study recruitment: the site lead records the study, months and trainees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from credit import portfolio
from credit.models import PortfolioRecruitment, PortfolioStudy, PortfolioTrainee

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(client, personas):
    personas.with_two_factor("site_lead_a", "site_lead_b")
    client.force_login(personas.site_lead_a)
    return client


def make(personas, **extra):
    values = {"title": "PROTECT", "reference": "12345", "target": 40, **extra}
    return portfolio.study_save(actor=personas.site_lead_a, site=personas.site_a, **values)


def test_a_month_recorded_twice_keeps_the_second_number(personas):
    study = make(personas)
    portfolio.month_record(
        actor=personas.site_lead_a, study=study, month=dt.date(2026, 2, 17), recruited=4
    )
    portfolio.month_record(
        actor=personas.site_lead_a, study=study, month=dt.date(2026, 2, 1), recruited=6
    )
    assert list(study.months.values_list("month", "recruited")) == [(dt.date(2026, 2, 1), 6)]
    assert portfolio.recruited_total(study) == 6
    assert AuditEvent.objects.filter(action="credit.portfolio.month").count() == 2


def test_changing_the_target_is_audited_with_old_and_new(personas):
    study = make(personas)
    portfolio.study_save(
        actor=personas.site_lead_a,
        site=personas.site_a,
        title="PROTECT",
        reference="12345",
        target=60,
        study=study,
    )
    event = AuditEvent.objects.filter(action="credit.portfolio.update").get()
    assert event.changes == {"target": [40, 60]} or event.changes == {"target": (40, 60)}


def test_the_site_lead_records_a_study_and_its_month(lead, personas):
    response = lead.post(
        reverse("credit:portfolio_new"),
        {"site": personas.site_a.pk, "title": "PROTECT", "reference": "", "target": "30"},
    )
    study = PortfolioStudy.objects.get()
    assert response.status_code == 302
    assert response["Location"] == study.get_absolute_url()
    response = lead.post(
        reverse("credit:portfolio_month", args=[study.pk]), {"month": "2026-01", "recruited": "5"}
    )
    assert response.status_code == 302
    assert PortfolioRecruitment.objects.get().recruited == 5
    page = lead.get(study.get_absolute_url()).content.decode()
    assert "January 2026" in page
    assert "<strong>5</strong> of a target of <strong>30</strong>" in page


def test_bad_input_is_named_on_its_field(lead, personas):
    response = lead.post(
        reverse("credit:portfolio_new"),
        {"site": personas.site_b.pk, "title": "", "target": "-3"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"site", "title", "target"}
    study = make(personas)
    response = lead.post(
        reverse("credit:portfolio_month", args=[study.pk]), {"month": "March", "recruited": "x"}
    )
    assert response.status_code == 400
    errors = response.context["month_form"].errors
    assert "year and month" in errors["month"][0]
    assert "recruited" in errors
    response = lead.post(
        reverse("credit:portfolio_month", args=[study.pk]), {"month": "2999-01", "recruited": "1"}
    )
    assert "has begun" in response.context["month_form"].errors["month"][0]


def test_the_same_title_twice_at_a_site_is_refused_on_the_title(lead, personas):
    make(personas)
    response = lead.post(
        reverse("credit:portfolio_new"),
        {"site": personas.site_a.pk, "title": "PROTECT", "target": "3"},
    )
    assert response.status_code == 400
    assert "already" in response.context["form"].errors["title"][0]


def test_trainees_must_hold_a_role_at_the_site(lead, personas):
    study = make(personas)
    url = reverse("credit:portfolio_trainee", args=[study.pk])
    response = lead.post(url, {"email": personas.site_lead_b.email, "part": "associate_pi"})
    assert response.status_code == 400
    assert "holds no role" in response.context["trainee_form"].errors["email"][0]
    response = lead.post(url, {"email": "nobody@example.test", "part": "associate_pi"})
    assert "Nobody has an account" in response.context["trainee_form"].errors["email"][0]
    response = lead.post(url, {"email": personas.trainee.email, "part": "associate_pi"})
    assert response.status_code == 302
    assert PortfolioTrainee.objects.get().person == personas.trainee


def test_another_sites_lead_is_told_the_study_does_not_exist(client, personas):
    study = make(personas)
    personas.with_two_factor("site_lead_b")
    client.force_login(personas.site_lead_b)
    assert client.get(study.get_absolute_url()).status_code == 404
    assert client.get(reverse("credit:portfolio")).content.decode().count("PROTECT") == 0


def test_the_list_totals_months_and_trainees_without_multiplying_them(lead, personas):
    study = make(personas)
    for month, n in ((1, 3), (2, 4)):
        portfolio.month_record(
            actor=personas.site_lead_a, study=study, month=dt.date(2026, month, 1), recruited=n
        )
    for person in (personas.trainee, personas.mentor):
        portfolio.trainee_add(
            actor=personas.site_lead_a, study=study, person=person, part="sub_investigator"
        )
    [row] = lead.get(reverse("credit:portfolio")).context["studies"]
    assert row.recruited == 7
    assert row.trainee_count == 2
