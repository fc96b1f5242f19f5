"""The draw of a spot check as plain functions over plain data, so that anyone can recompute it
(docs/spotchecks.md gives the same algorithm as a ten-line script).

* The population hash is SHA-256 of the organizations' codes, sorted, joined by "\\n" (UTF-8).
* Each organization's digest is SHA-256(population hash + "/" + entropy + "/" + code), read as a
  number u = (digest + 1) / 2^256 in (0, 1]; its key is -ln(u) / weight, and the lowest keys of each
  stratum are drawn (ties by digest). With every weight 1 this is "the lowest digests"; a weight w
  makes an organization w times as likely to come first (Efraimidis–Spirakis weighted sampling).
* Each inspector's digest for an organization is SHA-256(population hash + "/" + entropy + "/" + code
  + "/" + username); the lowest ones not recused are drawn.
"""

import hashlib
import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal


def population_hash(codes) -> str:
    """SHA-256 of the sorted codes, one a line: the same whatever order they come in."""
    return hashlib.sha256("\n".join(sorted(codes)).encode()).hexdigest()


def digest(population: str, entropy: str, *parts: str) -> str:
    return hashlib.sha256("/".join((population, entropy, *parts)).encode()).hexdigest()


def weighted_key(hexdigest: str, weight) -> float:
    """-ln(u) / weight with u = (digest + 1) / 2^256: lower comes first."""
    u = (int(hexdigest, 16) + 1) / 2**256
    return -math.log(u) / float(weight)


@dataclass(frozen=True)
class Candidate:
    code: str
    stratum: str = ""
    weight: Decimal = Decimal(1)


class SampleTooLarge(ValueError):
    def __init__(self, stratum: str, wanted: int, available: int):
        super().__init__(stratum, wanted, available)
        self.stratum, self.wanted, self.available = stratum, wanted, available


def sample_sizes(strata: dict[str, int], *, count: int | None, share: Decimal) -> dict[str, int]:
    """How many to draw from each stratum: ``count`` from each, or ``share`` of each rounded up (at least one
    of a stratum that is not empty). A count larger than its stratum raises SampleTooLarge."""
    sizes = {}
    for stratum, available in sorted(strata.items()):
        if count is not None:
            if count > available:
                raise SampleTooLarge(stratum, count, available)
            sizes[stratum] = count
        else:
            wanted = int((Decimal(share) * available).to_integral_value(rounding=ROUND_CEILING))
            sizes[stratum] = min(available, max(1 if available else 0, wanted))
    return sizes


def draw(candidates, *, population: str, entropy: str, sizes: dict[str, int]) -> dict[str, list[tuple[str, str]]]:
    """The drawn (code, digest) of each stratum, in rank order: the ``sizes[stratum]`` lowest keys."""
    ranked: dict[str, list[tuple[float, str, str]]] = {}
    for candidate in candidates:
        hexdigest = digest(population, entropy, candidate.code)
        ranked.setdefault(candidate.stratum, []).append(
            (weighted_key(hexdigest, candidate.weight), hexdigest, candidate.code))
    drawn = {}
    for stratum, rows in ranked.items():
        rows.sort()
        drawn[stratum] = [(code, hexdigest) for _key, hexdigest, code in rows[:sizes.get(stratum, 0)]]
    return drawn


def recused(role_paths, *, organization_path: str, level_path: str) -> bool:
    """True when one of the person's roles sits on the organization, on one of its subordinates, or on an
    organization above it that is below the checking level."""
    for path in role_paths:
        if path.startswith(organization_path):
            return True
        if organization_path.startswith(path) and len(path) > len(level_path):
            return True
    return False


class PoolTooSmall(ValueError):
    def __init__(self, code: str, wanted: int, available: int):
        super().__init__(code, wanted, available)
        self.code, self.wanted, self.available = code, wanted, available


def draw_inspectors(*, population: str, entropy: str, code: str, organization_path: str, level_path: str,
                    pool: dict[str, list[str]], per_organization: int) -> list[tuple[str, str]]:
    """The (username, digest) of the ``per_organization`` inspectors drawn for one organization from ``pool``
    (username → the paths of the person's roles), the recused left out. Too few left raises PoolTooSmall."""
    eligible = sorted((digest(population, entropy, code, username), username) for username, paths in pool.items()
                      if not recused(paths, organization_path=organization_path, level_path=level_path))
    if len(eligible) < per_organization:
        raise PoolTooSmall(code, per_organization, len(eligible))
    return [(username, hexdigest) for hexdigest, username in eligible[:per_organization]]
