from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.batch.document import DocResult, process_file
from schemas.profile import Profile, load_profile

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
SEED_001 = RAW / "001_c772b85144f092d4.txt"
SEED_002 = RAW / "002_1928c5c090a155c1.txt"
SEED_004 = RAW / "004_d94ddf866f172c18.txt"


@pytest.fixture(scope="session")
def central() -> Profile:
    return load_profile("central")


@pytest.fixture(scope="session")
def seed004(central: Profile) -> DocResult:
    return process_file(SEED_004, central)
