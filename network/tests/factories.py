from __future__ import annotations

from decimal import Decimal

import factory

from accounts.tests.factories import UserFactory
from network.models import Membership, Region, Role, Site, TrainingScheme


class RegionFactory(factory.django.DjangoModelFactory[Region]):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Region {n}")


class SiteFactory(factory.django.DjangoModelFactory[Site]):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"Hospital {n}")
    city = "Leeds"
    region = factory.SubFactory(RegionFactory)
    latitude = Decimal("53.80210")
    longitude = Decimal("-1.55190")


class TrainingSchemeFactory(factory.django.DjangoModelFactory[TrainingScheme]):
    class Meta:
        model = TrainingScheme

    name = factory.Sequence(lambda n: f"Training scheme {n}")
    region = factory.SubFactory(RegionFactory)


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    person = factory.SubFactory(UserFactory)
    role = Role.TRAINEE
    site = factory.SubFactory(SiteFactory)
