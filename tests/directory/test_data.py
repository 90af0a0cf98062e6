"""The real directory files: valid, complete against the seeds, and never inventing contacts."""
from __future__ import annotations

import re

import pytest

from helpline.directory.model import NATIONAL_LIST as NATIONAL_SOURCE
from tests.directory.conftest import DIRECTORY, NATIONAL_LIST, SEEDS

# Every service the seed reports name, as (id in the directory, seed file, active?).
SEED_SERVICES = [
    ("arch-north-staffs-helpline", "001_589c176e9c6d0884.txt", True),
    ("pathway-project-helpline", "001_589c176e9c6d0884.txt", True),
    ("staffordshire-womens-aid-helpline", "001_589c176e9c6d0884.txt", True),
    ("staffordshire-victim-gateway", "001_589c176e9c6d0884.txt", True),
    ("national-domestic-abuse-helpline", "001_589c176e9c6d0884.txt", True),
    ("staffordshire-marac", "001_589c176e9c6d0884.txt", True),
    ("staffordshire-perpetrator-programme", "001_589c176e9c6d0884.txt", False),
    ("home-group-east-staffs", "001_589c176e9c6d0884.txt", False),
    ("trafford-idva", "000_b1c095dbbd28b302.txt", True),
    ("trafford-iris", "000_b1c095dbbd28b302.txt", True),
    ("trafford-advice-line", "000_b1c095dbbd28b302.txt", True),
    ("trafford-support-worker", "000_b1c095dbbd28b302.txt", True),
    ("trafford-children-families", "000_b1c095dbbd28b302.txt", True),
    ("tdas-refuge", "000_b1c095dbbd28b302.txt", True),
    ("trafford-marac", "000_b1c095dbbd28b302.txt", True),
    ("strive-trafford", "000_b1c095dbbd28b302.txt", False),
    ("strive-family-group-conferencing", "000_b1c095dbbd28b302.txt", False),
    ("stronger-families-idva", "000_b1c095dbbd28b302.txt", False),
    ("inner-strengths-is-lite", "000_b1c095dbbd28b302.txt", False),
    ("halton-community-support", "002_dc56a2f5277ca334.txt", True),
    ("halton-refuge", "002_dc56a2f5277ca334.txt", True),
    ("halton-sanctuary", "002_dc56a2f5277ca334.txt", True),
    ("halton-marac", "002_dc56a2f5277ca334.txt", True),
    ("rasasc-cheshire-merseyside", "002_dc56a2f5277ca334.txt", True),
    ("safe-place-merseyside-sarc", "002_dc56a2f5277ca334.txt", True),
    ("st-marys-sarc", "002_dc56a2f5277ca334.txt", True),
    ("operation-enhance", "002_dc56a2f5277ca334.txt", False),
    ("wirral-family-safety-unit", "003_1114a507d85f06fe.txt", True),
    ("wirral-family-matters", "003_1114a507d85f06fe.txt", False),
    ("wirral-marac", "003_1114a507d85f06fe.txt", True),
    ("wirral-drive", "003_1114a507d85f06fe.txt", False),
    ("cheshire-east-da-hub", "004_acea91a534c3e42f.txt", True),
    ("cheshire-east-idva", "004_acea91a534c3e42f.txt", True),
    ("cheshire-east-marac", "004_acea91a534c3e42f.txt", True),
    ("cheshire-east-gp-idva", "004_acea91a534c3e42f.txt", False),
    ("leighton-hospital-idva", "004_acea91a534c3e42f.txt", False),
    ("macclesfield-hospital-idva", "004_acea91a534c3e42f.txt", False),
    ("young-peoples-violence-adviser", "004_acea91a534c3e42f.txt", True),
    ("arch-crewe-refuge", "004_acea91a534c3e42f.txt", True),
    ("barnardos-cheshire-east-support", "004_acea91a534c3e42f.txt", True),
    ("cheshire-without-abuse-support", "004_acea91a534c3e42f.txt", True),
    ("cheshire-without-abuse-safer-families", "004_acea91a534c3e42f.txt", True),
    ("cheshire-east-target-hardening", "004_acea91a534c3e42f.txt", True),
    ("victim-support-cheshire", "004_acea91a534c3e42f.txt", True),
]
NATIONAL_NUMBERS = ["0808 2000 247", "0808 801 0327", "0808 802 4040", "0800 999 5428",
                    "0800 5999 247", "0808 500 2222", "0808 802 0300", "0808 168 9111",
                    "0800 1111", "116 123"]


def source_text(source: str) -> str:
    path = NATIONAL_LIST if source == NATIONAL_SOURCE else SEEDS / source
    return path.read_text(encoding="utf-8")


def test_real_directory_is_valid_without_warnings(loaded):
    from helpline.directory.validate import load_directory

    result = load_directory(DIRECTORY)
    assert result.errors == [] and result.warnings == []
    assert len(loaded.directory.areas) == 13


@pytest.mark.parametrize("service_id,seed,active", SEED_SERVICES)
def test_every_seed_service_is_present_with_its_source(loaded, service_id, seed, active):
    service = loaded.directory.services[service_id]
    assert seed in service.source
    assert (SEEDS / seed).exists()
    assert service.offered is active


def test_every_seed_file_is_used(loaded):
    used = {s for service in loaded.directory.services.values() for s in service.source}
    assert {p.name for p in SEEDS.glob("*.txt")} <= used


def test_every_national_contact_is_listed(loaded):
    numbers = {p.number for s in loaded.directory.services.values() for p in s.phones}
    assert set(NATIONAL_NUMBERS) <= numbers


def test_every_phone_and_email_appears_in_its_stated_source(loaded):
    checked = 0
    for service in loaded.directory.services.values():
        texts = [re.sub(r"\s+", "", source_text(s)) for s in service.source]
        for phone in service.phones:
            digits = re.sub(r"\D", "", phone.number)
            assert any(digits in t for t in texts), (service.id, phone.number)
            checked += 1
        if service.email:
            assert any(service.email.lower() in t.lower() for t in texts), service.id
    assert checked >= 15


def test_no_phone_numbers_hidden_in_free_text():
    for path in DIRECTORY.glob("*.yml"):
        for line in path.read_text().splitlines():
            if "number:" not in line:
                assert not re.search(r"\d{3,5} ?\d{3} ?\d{3,4}", line), (path.name, line)


def test_services_without_contact_say_how_to_reach_them(loaded):
    for service in loaded.directory.services.values():
        if not (service.phones or service.email or service.url):
            assert service.how_to_reach, service.id
        if service.referral_only:
            assert not service.phones, service.id


def test_referral_routes_are_marked(loaded):
    for service_id in ("staffordshire-marac", "trafford-marac", "halton-marac", "wirral-marac",
                       "cheshire-east-marac", "strive-trafford", "wirral-drive"):
        assert loaded.directory.services[service_id].referral_only
