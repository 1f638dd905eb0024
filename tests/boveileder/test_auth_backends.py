"""The signed-in user is loaded with their municipality, which every page's menu bar names."""

import pytest

from boveileder.auth_backends import StaffBackend

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_their_municipality(counsellor, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = StaffBackend().get_user(counsellor.pk)
        assert user.municipality.name == "Ålesund"


def test_an_inactive_or_unknown_user_is_nobody(counsellor):
    counsellor.is_active = False
    counsellor.save()
    assert StaffBackend().get_user(counsellor.pk) is None
    assert StaffBackend().get_user(10**9) is None
