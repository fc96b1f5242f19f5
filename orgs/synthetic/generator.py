"""The generator: a province-shaped tree's rows with their ids, paths, depths and kept-current counts,
computed while they are made."""

import bisect
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from orgs import paths
from orgs.choices import OrganizationKind, Sector
from orgs.synthetic.names import (
    ASSOCIATIONS,
    BUREAUS,
    COLLEGES,
    COMPANY_DEPARTMENTS,
    GIVEN,
    INDUSTRIES,
    PLACE_HEAD,
    PLACE_MIDDLE,
    PLACE_TAIL,
    REGION_HEAD,
    REGION_TAIL,
    SCHOOLS,
    SURNAMES,
)

# paths.segment is the definition of a path segment; this is the same function as two table
# look-ups, since it runs once per generated row (tests check that both agree).
_HALF = [a + b + c for a in paths.ALPHABET for b in paths.ALPHABET for c in paths.ALPHABET]  # "000" … "zzz"
_HALF_BASE = len(_HALF)
assert paths.SEGMENT == 6 and len(paths.ALPHABET) == 36


def _segment(pk: int) -> str:
    if not 0 < pk <= paths.MAX_ID:
        raise ValueError(f"id {pk} does not fit a path segment")
    high, low = divmod(pk, _HALF_BASE)
    return _HALF[high] + _HALF[low]


ROOT_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.]{0,19}$")

# Fan-outs of the upper levels (a province has ~14 cities, a city 8–12 counties, a county 15–25
# towns and units); a level never gets so many children that each would have fewer than
# ``floor`` organizations below it, so small trees keep every level instead of a bushy top.
CITIES = (13, 15)
COUNTIES = (8, 12)
UNITS = (15, 25)
CITY_FLOOR = 400
COUNTY_FLOOR = 40
UNIT_FLOOR = 8
# Some branches under a big town or unit are grouped under a general branch (党总支) of 5–15.
GENERAL_BRANCH_SHARE = 0.03
GENERAL_BRANCH_SIZE = (6, 16)


@dataclass(frozen=True)
class LeafKind:
    """What a grassroots organization under a unit looks like: its sector and a name pattern.

    ``base`` is formatted with ``s`` (a fresh place-like stem), ``u`` (the unit's place, e.g. 石塘镇)
    and ``x`` (a word from ``words``); the name adds 党支部, 党总支 or 第n党支部.
    """

    sector: str
    base: str
    words: tuple[str, ...] = ("",)
    first_secretary_share: float = 0.0

    def __post_init__(self):
        # A plain str, not the TextChoices member: it goes straight into a million rows.
        object.__setattr__(self, "sector", str(self.sector))


VILLAGE = LeafKind(Sector.VILLAGE, "{s}村", first_secretary_share=0.3)
COMMUNITY = LeafKind(Sector.COMMUNITY, "{s}社区", first_secretary_share=0.05)
SCHOOL = LeafKind(Sector.PUBLIC_INSTITUTION, "{s}{x}", SCHOOLS)
HOSPITAL = LeafKind(Sector.PUBLIC_INSTITUTION, "{s}{x}", ("卫生院", "人民医院", "中医院", "社区卫生服务中心", "妇幼保健院"))
TOWN_AGENCY = LeafKind(Sector.AGENCY, "{u}{x}", ("人民政府机关", "财政所", "司法所", "派出所", "国土资源所", "农技站"))
AGENCY = LeafKind(Sector.AGENCY, "{u}{x}机关", BUREAUS)
BUREAU_BRANCH = LeafKind(Sector.AGENCY, "{u}{x}", ("办公室", "综合科", "规划科", "财务科", "政策法规科", "执法大队",
                                                  "信息中心", "离退休干部", "机关第一", "机关第二"))
ENTERPRISE = LeafKind(Sector.NON_PUBLIC_ENTERPRISE, "{s}{x}有限公司", INDUSTRIES)
SOCIAL = LeafKind(Sector.SOCIAL_ORG, "{u}{x}协会", ASSOCIATIONS)
REMOTE_SITE = LeafKind(Sector.REMOTE_EDUCATION_SITE, "{s}党员远程教育站点")
SOE_BRANCH = LeafKind(Sector.SOE, "{u}{x}部", COMPANY_DEPARTMENTS)
FINANCIAL_BRANCH = LeafKind(Sector.FINANCIAL, "{s}支行")
UNIVERSITY_BRANCH = LeafKind(Sector.UNIVERSITY, "{u}{x}", ("本科生第一", "本科生第二", "本科生第三", "研究生第一",
                                                         "研究生第二", "教工第一", "教工第二", "离退休教工"))


@dataclass(frozen=True)
class UnitKind:
    """A town or unit under a county (乡镇党委, 街道党工委, 县直机关工委 …) and the mix of its branches."""

    name: str  # formatted with ``s`` (own stem) and ``c`` (the county, e.g. 蓝山县)
    short: str
    place: str  # how its branches' names begin (``u`` in LeafKind.base)
    kind: str
    sector: str
    leaves: tuple[tuple[LeafKind, float], ...]


TOWN = UnitKind("中共{c}{s}镇委员会", "{s}镇党委", "{s}镇", OrganizationKind.COMMITTEE, Sector.REGIONAL, (
    (VILLAGE, 0.78), (COMMUNITY, 0.04), (SCHOOL, 0.06), (TOWN_AGENCY, 0.04), (ENTERPRISE, 0.05), (HOSPITAL, 0.03)))
TOWNSHIP = UnitKind("中共{c}{s}乡委员会", "{s}乡党委", "{s}乡", OrganizationKind.COMMITTEE, Sector.REGIONAL, TOWN.leaves)
STREET = UnitKind("中共{c}{s}街道工作委员会", "{s}街道党工委", "{s}街道", OrganizationKind.WORKING_COMMITTEE, Sector.STREET_COMMITTEE, (
    (COMMUNITY, 0.62), (ENTERPRISE, 0.2), (SOCIAL, 0.1), (REMOTE_SITE, 0.05), (HOSPITAL, 0.03)))
ORGANS = UnitKind("中共{c}直属机关工作委员会", "{c}直属机关工委", "{c}", OrganizationKind.WORKING_COMMITTEE, Sector.AGENCY,
                  ((AGENCY, 1.0),))
EDUCATION = UnitKind("中共{c}教育局委员会", "{c}教育局党委", "{c}", OrganizationKind.COMMITTEE, Sector.PUBLIC_INSTITUTION,
                     ((SCHOOL, 1.0),))
HEALTH = UnitKind("中共{c}卫生健康局委员会", "{c}卫健局党委", "{c}", OrganizationKind.COMMITTEE, Sector.PUBLIC_INSTITUTION,
                  ((HOSPITAL, 1.0),))
NON_PUBLIC = UnitKind("中共{c}非公有制经济组织工作委员会", "{c}非公党工委", "{c}", OrganizationKind.WORKING_COMMITTEE,
                      Sector.NON_PUBLIC_ENTERPRISE, ((ENTERPRISE, 1.0),))
SOCIAL_ORGS = UnitKind("中共{c}社会组织工作委员会", "{c}社会组织党工委", "{c}", OrganizationKind.WORKING_COMMITTEE,
                       Sector.SOCIAL_ORG, ((SOCIAL, 1.0),))
SOE = UnitKind("中共{c}{s}投资集团有限公司委员会", "{s}集团党委", "{s}集团", OrganizationKind.COMMITTEE, Sector.SOE,
               ((SOE_BRANCH, 1.0),))
BANK = UnitKind("中共{c}农村商业银行委员会", "{c}农商行党委", "{c}农商行", OrganizationKind.COMMITTEE, Sector.FINANCIAL,
                ((FINANCIAL_BRANCH, 1.0),))
BUREAU = UnitKind("中共{c}{s}机关委员会", "{s}机关党委", "{c}{s}", OrganizationKind.COMMITTEE, Sector.AGENCY,
                  ((BUREAU_BRANCH, 1.0),))
COLLEGE = UnitKind("中共{c}{s}学院委员会", "{s}学院党委", "{s}学院", OrganizationKind.COMMITTEE, Sector.UNIVERSITY,
                   ((UNIVERSITY_BRANCH, 1.0),))
# The county-level system units, each at most once per county, with their share of its weight.
COUNTY_SYSTEMS = ((ORGANS, 1.2), (EDUCATION, 1.6), (HEALTH, 0.8), (NON_PUBLIC, 0.9), (SOCIAL_ORGS, 0.4))
COUNTY_OPTIONAL_SYSTEMS = ((SOE, 0.5, 0.3), (BANK, 0.4, 0.3))  # (kind, weight, probability)


@dataclass
class GenerateResult:
    """What ``synthetic_tree_create`` did: the root, how many organizations, and how long each phase took."""

    root_id: int
    root_path: str
    count: int
    first_id: int
    seconds_write: float  # generating the rows and streaming them in (COPY / executemany)
    seconds_commit: float  # the rest of the transaction: sequence, ancestors' counts, deferred foreign-key checks
    seconds_statistics: float  # ANALYZE (and VACUUM on PostgreSQL)
    levels: dict[int, int] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return self.seconds_write + self.seconds_commit + self.seconds_statistics


class _Generator:
    """Plans the tree top-down with a size budget per node, and emits rows in preorder.

    Every node knows its subtree size before it is written (the budget), so ``descendants_count``
    and ``children_count`` are exact at emission and nothing is revisited; ids are allocated in
    preorder, so ids, paths and codes all grow with insertion order and the indexes on them are
    appended to rather than split at random.
    """

    def __init__(self, *, rng: random.Random, first_id: int, sink: Callable[[tuple], None]):
        self.rng = rng
        self.next_id = first_id
        self.sink = sink
        self.levels: dict[int, int] = {}
        self._stems = self._stem_pool()
        self._stem_at = 0
        self._people = self._people_pool()
        self._person_at = 0
        self._regions: set[str] = set()

    # -- names ---------------------------------------------------------------------------------

    def _stem_pool(self) -> list[str]:
        """Place-like stems (石塘, 上泉洞 …), shuffled once; picked in turn so a row costs no random draw."""
        stems = [head + tail for head in PLACE_HEAD for tail in PLACE_TAIL]
        stems += [head + middle + tail for head in PLACE_HEAD for middle in PLACE_MIDDLE for tail in PLACE_TAIL]
        self.rng.shuffle(stems)
        return stems

    def stem(self) -> str:
        self._stem_at += 1
        return self._stems[self._stem_at % len(self._stems)]

    def region_stem(self) -> str:
        """A two-character place name for a city, county or university, not used before in this tree."""
        for _attempt in range(20):
            head, tail = self.rng.choice(REGION_HEAD), self.rng.choice(REGION_TAIL)
            if head != tail and head + tail not in self._regions:
                break
        self._regions.add(head + tail)
        return head + tail

    def _people_pool(self, size: int = 40_000) -> list[str]:
        """Person names (surname and one or two given characters), drawn once, dealt in turn."""
        choice, random_ = self.rng.choice, self.rng.random
        return [choice(SURNAMES) + choice(GIVEN) + (choice(GIVEN) if random_() < 0.7 else "") for _ in range(size)]

    def person(self) -> str:
        self._person_at += 1
        return self._people[self._person_at % len(self._people)]

    # -- shape ---------------------------------------------------------------------------------

    def fanout(self, budget: int, bounds: tuple[int, int], floor: int) -> int:
        """How many children share ``budget`` organizations below a node."""
        return max(1, min(self.rng.randint(*bounds), budget // floor, budget))

    @staticmethod
    def split(total: int, weights: list[float]) -> list[int]:
        """``total`` organizations split into one part (at least 1) per weight, in proportion."""
        spare = total - len(weights)
        scale = spare / sum(weights)
        parts = [1 + int(weight * scale) for weight in weights]
        for index in range(total - sum(parts)):
            parts[index % len(parts)] += 1
        return parts

    # -- emission ------------------------------------------------------------------------------

    def emit(self, *, parent_id, parent_path: str, depth: int, code: str, name: str, short_name: str, kind: str,
             sector: str, children: int, descendants: int, first_secretary: str = "") -> tuple[int, str]:
        pk = self.next_id
        self.next_id += 1
        path = parent_path + _segment(pk)
        self.sink((pk, name, short_name, code, str(kind), str(sector), parent_id, path, depth, self.person(),
                   first_secretary, children, descendants))
        self.levels[depth] = self.levels.get(depth, 0) + 1
        return pk, path

    def province(self, *, budget: int, code: str, parent_id, parent_path: str, depth: int) -> tuple[int, str]:
        stem = self.region_stem()
        below = budget - 1
        count = self.fanout(below, CITIES, CITY_FLOOR) if below else 0
        sizes = self.split(below, [self.rng.uniform(0.5, 1.6) for _ in range(count)]) if count else []
        pk, path = self.emit(parent_id=parent_id, parent_path=parent_path, depth=depth, code=code,
                             name=f"中共{stem}省委员会（模拟）", short_name=f"{stem}省委", kind=OrganizationKind.COMMITTEE,
                             sector=Sector.REGIONAL, children=count, descendants=below)
        for index, size in enumerate(sizes, 1):
            self.city(budget=size, code=f"{code}-{index:02d}", parent_id=pk, parent_path=path, depth=depth + 1)
        return pk, path

    def city(self, *, budget: int, code: str, parent_id, parent_path: str, depth: int) -> None:
        stem = self.region_stem()
        below = budget - 1
        count = self.fanout(below, COUNTIES, COUNTY_FLOOR) if below else 0
        # A city has districts and counties, and (when big enough) its organs' working committee
        # and sometimes a university, which sit at the county level of the party tree.
        kinds: list[tuple[str, float]] = []
        if count >= 5:
            kinds.append(("organs", 0.5))
            if self.rng.random() < 0.5:
                kinds.append(("university", 0.4))
        districts = self.rng.randint(1, 3)
        while len(kinds) < count:
            kinds.append(("district" if districts > 0 else "county", self.rng.uniform(0.6, 1.5)))
            districts -= 1
        kinds = kinds[:count]
        sizes = self.split(below, [weight for _kind, weight in kinds]) if count else []
        pk, path = self.emit(parent_id=parent_id, parent_path=parent_path, depth=depth, code=code,
                             name=f"中共{stem}市委员会", short_name=f"{stem}市委", kind=OrganizationKind.COMMITTEE,
                             sector=Sector.REGIONAL, children=count, descendants=below)
        for index, ((kind, _weight), size) in enumerate(zip(kinds, sizes, strict=True), 1):
            self.county(budget=size, kind=kind, city=stem, code=f"{code}-{index:02d}", parent_id=pk, parent_path=path,
                        depth=depth + 1)

    def county(self, *, budget: int, kind: str, city: str, code: str, parent_id, parent_path: str, depth: int) -> None:
        below = budget - 1
        count = self.fanout(below, UNITS, UNIT_FLOOR) if below else 0
        stem = self.region_stem()
        units: list[tuple[UnitKind, float]] = []
        if kind == "organs":
            name, short, org_kind, sector = f"中共{city}市直属机关工作委员会", f"{city}市直机关工委", \
                OrganizationKind.WORKING_COMMITTEE, Sector.AGENCY
            units = [(BUREAU, self.rng.uniform(0.5, 1.5)) for _ in range(count)]
            stem = city + "市"
        elif kind == "university":
            name, short, org_kind, sector = f"中共{city}{stem}大学委员会", f"{stem}大学党委", \
                OrganizationKind.COMMITTEE, Sector.UNIVERSITY
            units = [(COLLEGE, self.rng.uniform(0.5, 1.5)) for _ in range(count)]
            stem = f"{city}{stem}大学"
        else:
            suffix = "区" if kind == "district" else "县"
            name, short, org_kind, sector = f"中共{stem}{suffix}委员会", f"{stem}{suffix}委", \
                OrganizationKind.COMMITTEE, Sector.REGIONAL
            stem += suffix
            if count >= 8:
                units = [(unit, weight) for unit, weight in COUNTY_SYSTEMS]
                units += [(unit, weight) for unit, weight, chance in COUNTY_OPTIONAL_SYSTEMS if self.rng.random() < chance]
            street_share = 0.8 if kind == "district" else 0.12
            while len(units) < count:
                if self.rng.random() < street_share:
                    units.append((STREET, self.rng.uniform(0.6, 1.4)))
                else:
                    units.append((TOWN if self.rng.random() < 0.7 else TOWNSHIP, self.rng.uniform(0.6, 1.5)))
            units = units[:count]
            # The towns and streets come first in code order, as county lists put them.
            units.sort(key=lambda item: item[0] not in (TOWN, TOWNSHIP, STREET))
        sizes = self.split(below, [weight for _unit, weight in units]) if count else []
        pk, path = self.emit(parent_id=parent_id, parent_path=parent_path, depth=depth, code=code, name=name,
                             short_name=short, kind=org_kind, sector=sector, children=count, descendants=below)
        # Bureaus and colleges are named from short lists: deal them out without repeats.
        named = self.rng.sample(BUREAUS, len(BUREAUS)) if kind == "organs" else self.rng.sample(COLLEGES, len(COLLEGES))
        for index, ((unit, _weight), size) in enumerate(zip(units, sizes, strict=True), 1):
            unit_stem = named[(index - 1) % len(named)] if unit in (BUREAU, COLLEGE) else self.stem()
            self.unit(budget=size, unit=unit, stem=unit_stem, county=stem, code=f"{code}-{index:03d}", parent_id=pk,
                      parent_path=path, depth=depth + 1)

    def unit(self, *, budget: int, unit: UnitKind, stem: str, county: str, code: str, parent_id, parent_path: str,
             depth: int) -> None:
        # Plan the direct children first (their number is this unit's children_count): single
        # branches, and now and then a general branch with its own branches.
        plan: list[int] = []
        remaining = budget - 1
        random_ = self.rng.random
        while remaining:
            if remaining > 30 and random_() < GENERAL_BRANCH_SHARE:
                size = min(remaining, self.rng.randint(*GENERAL_BRANCH_SIZE))
            else:
                size = 1
            plan.append(size)
            remaining -= size
        pk, path = self.emit(parent_id=parent_id, parent_path=parent_path, depth=depth, code=code,
                             name=unit.name.format(c=county, s=stem), short_name=unit.short.format(c=county, s=stem),
                             kind=unit.kind, sector=unit.sector, children=len(plan), descendants=budget - 1)
        place = unit.place.format(c=county, s=stem)
        leaves, weights = zip(*unit.leaves, strict=True)
        cumulative = []
        total = 0.0
        for weight in weights:
            total += weight
            cumulative.append(total)
        width = max(4, len(str(len(plan))))
        # The branches are the bulk of the rows: written inline, without emit()'s bookkeeping.
        sink, person, branch, general = self.sink, self.person, str(OrganizationKind.BRANCH), str(
            OrganizationKind.GENERAL_BRANCH)
        for index, size in enumerate(plan, 1):
            leaf = leaves[min(bisect.bisect_right(cumulative, random_() * total), len(leaves) - 1)]
            base = leaf.base.format(s=self.stem(), u=place, x=leaf.words[int(random_() * len(leaf.words))])
            first = person() if leaf.first_secretary_share and random_() < leaf.first_secretary_share else ""
            leaf_code = f"{code}-{index:0{width}d}"
            leaf_pk = self.next_id
            leaf_path = path + _segment(leaf_pk)
            self.next_id += size
            if size == 1:
                sink((leaf_pk, base + "党支部", "", leaf_code, branch, leaf.sector, pk, leaf_path, depth + 1, person(),
                      first, 0, 0))
                continue
            sink((leaf_pk, base + "党总支", "", leaf_code, general, leaf.sector, pk, leaf_path, depth + 1, person(),
                  first, size - 1, size - 1))
            for number in range(1, size):
                sink((leaf_pk + number, f"{base}第{number}党支部", "", f"{leaf_code}-{number:02d}", branch, leaf.sector,
                      leaf_pk, leaf_path + _segment(leaf_pk + number), depth + 2, person(), "", 0, 0))
            self.levels[depth + 2] = self.levels.get(depth + 2, 0) + size - 1
        self.levels[depth + 1] = self.levels.get(depth + 1, 0) + len(plan)
