"""factory_boy factories for every core record. Synthetic national IDs only."""

import random
from datetime import date, timedelta

import factory
from factory.django import DjangoModelFactory

from boveileder.models import Municipality, User
from boveileder.national_id import synthetic
from cases.models import Consent, FollowUp, Household, PartnerAgency, Person, StartLoanApplication
from housing.models import LongTenureFlag, RentalUnit, Tenancy

TEST_PASSWORD = "test-passord-123"


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Kommune {n}")
    slug = factory.Sequence(lambda n: f"kommune-{n}")
    # The sender of decision letters (forvaltningsloven § 27).
    service_unit = "Boveiledertjenesten"
    postal_address = "Postboks 1521"
    postcode = "6025"
    post_town = "Ålesund"
    phone = "70 16 20 00"
    email = "postmottak@kommune.example"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    municipality = factory.SubFactory(MunicipalityFactory)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CounsellorFactory(UserFactory):
    is_counsellor = True


class OfficerFactory(UserFactory):
    is_officer = True


class ManagerFactory(UserFactory):
    is_manager = True


class PartnerAgencyFactory(DjangoModelFactory):
    class Meta:
        model = PartnerAgency

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"NAV kontor {n}")
    kind = PartnerAgency.Kind.NAV


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    municipality = factory.SubFactory(MunicipalityFactory)
    reference = factory.Sequence(lambda n: f"H-{n:05d}")
    counsellor = factory.SubFactory(CounsellorFactory, municipality=factory.SelfAttribute("..municipality"))
    enrolled_on = factory.LazyFunction(lambda: date.today() - timedelta(days=400))
    postal_address = factory.Faker("street_address", locale="no_NO")
    postcode = factory.Faker("numerify", text="####")
    post_town = factory.Faker("city", locale="no_NO")


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    household = factory.SubFactory(HouseholdFactory)
    municipality = factory.SelfAttribute("household.municipality")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    birth_date = factory.Faker("date_of_birth", minimum_age=20, maximum_age=60)
    national_id = ""

    class Params:
        with_national_id = factory.Trait(
            national_id=factory.LazyAttribute(lambda o: synthetic(o.birth_date, random.Random()))
        )


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = FollowUp

    household = factory.SubFactory(HouseholdFactory)
    date = factory.LazyFunction(date.today)
    kind = FollowUp.Kind.HOME_VISIT
    minutes = 45
    note = "Hjemmebesøk"
    by = factory.SelfAttribute("household.counsellor")


class ConsentFactory(DjangoModelFactory):
    class Meta:
        model = Consent

    household = factory.SubFactory(HouseholdFactory)
    agency = factory.SubFactory(
        PartnerAgencyFactory, municipality=factory.SelfAttribute("..household.municipality")
    )
    purpose = "Opplysninger om økonomi"
    given_on = factory.LazyFunction(lambda: date.today() - timedelta(days=30))


class RentalUnitFactory(DjangoModelFactory):
    class Meta:
        model = RentalUnit

    municipality = factory.SubFactory(MunicipalityFactory)
    reference = factory.Sequence(lambda n: f"U-{n:05d}")
    address = factory.Faker("street_address", locale="no_NO")
    rooms = 3
    monthly_rent_nok = 9500


class TenancyFactory(DjangoModelFactory):
    class Meta:
        model = Tenancy

    household = factory.SubFactory(HouseholdFactory)
    municipality = factory.SelfAttribute("household.municipality")
    unit = factory.SubFactory(RentalUnitFactory, municipality=factory.SelfAttribute("..municipality"))
    start_date = factory.LazyFunction(lambda: date.today() - timedelta(days=500))
    contract_end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=3 * 365))


class StartLoanApplicationFactory(DjangoModelFactory):
    class Meta:
        model = StartLoanApplication

    household = factory.SubFactory(HouseholdFactory)
    received_on = factory.LazyFunction(lambda: date.today() - timedelta(days=20))
    loan_amount_nok = 2_500_000
    grant_amount_nok = 0


class LongTenureFlagFactory(DjangoModelFactory):
    class Meta:
        model = LongTenureFlag

    tenancy = factory.SubFactory(TenancyFactory)
    municipality = factory.SelfAttribute("tenancy.municipality")
    raised_on = factory.LazyFunction(date.today)
    reasons = factory.LazyFunction(lambda: [LongTenureFlag.Reason.TENURE])
