import pytest
from django.conf import settings

from core.testing import build_world


def pytest_configure():
    # Hashing passwords at full strength would make the test users most of the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    return build_world()
