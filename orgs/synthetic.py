"""Synthetic organization trees shaped like a real province, written in bulk; and a from-scratch recount.

``synthetic_tree_create`` exists for benchmarks and load tests (DESIGN.md "Scale we build for": a
province is a few hundred thousand organizations, the country about 5.2 million). Going through
``orgs.services.organization_create`` costs several statements and an audit row per organization,
hours for a million; here everything the tree needs — ids, paths, depths, ``children_count`` and
``descendants_count`` — is computed in Python while the tree is generated, and the rows are
streamed with each engine's fastest portable path: ``COPY … FROM STDIN`` (psycopg 3) on
PostgreSQL, ``executemany`` in one big transaction on SQLite. One audit event records the bulk
load on the generated root.

``organization_counts_recount`` recomputes both kept-current counts from scratch with portable SQL,
bottom-up by depth, to check (and optionally repair) what the services keep current.
"""

import bisect
import datetime
import gc
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from core.services import audit_record
from orgs import paths
from orgs.choices import OrganizationKind, Sector
from orgs.models import Organization

# ---------------------------------------------------------------------------------------------
# Name material. Only CJK characters: the PostgreSQL COPY text format would need escaping for a
# tab, a newline or a backslash, and checking pools once here is cheaper than escaping a million rows.

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严覃武戴莫孔向汤"
)
GIVEN = (
    "建国华明军平伟强文辉志红春秀英芳玉兰敏丽海波涛勇斌林东峰刚松新宏俊杰德成永福贵生荣发顺安庆祥瑞"
    "金山云霞燕萍静亮鹏飞晓立天正仁义礼智信忠良友善光耀长青家兴旺学军民利仔"
)
PLACE_HEAD = "东西南北上下大小新老前后高长石田河山水塘桥竹松桃李杨柳梅龙凤马金银青红白黄古双三五九"
PLACE_MIDDLE = "家泉溪坪塘山岭湾江湖源"
PLACE_TAIL = "冲坪岭湾洞坡溪塘桥铺寨坝岩坑洲园湖口岗庄村圩垅"
REGION_HEAD = "安平宁永新兴长临嘉桃江湘澧华丰泰隆昌乐武德汉沅资祁衡攸茶醴浏益邵怀娄郴道株常岳韶遂蓝"
REGION_TAIL = "山江阳乡陵州城源溪宁远化田水平安德都川丰南北东西门浦"
INDUSTRIES = ("建材", "食品", "电子", "机械", "纺织", "物流", "医药", "农业科技", "建筑工程", "商贸", "竹木制品", "矿业")
ASSOCIATIONS = ("个体劳动者", "商会", "律师", "会计", "餐饮行业", "物业管理", "社会工作服务", "志愿者", "养老服务")
BUREAUS = (
    "发展和改革局", "财政局", "民政局", "人力资源和社会保障局", "自然资源局", "住房和城乡建设局", "交通运输局",
    "水利局", "农业农村局", "商务局", "文化旅游广电局", "卫生健康局", "审计局", "统计局", "市场监督管理局",
    "司法局", "信访局", "林业局", "应急管理局", "政务服务中心", "档案馆", "机关事务中心",
)
SCHOOLS = ("小学", "中学", "中心小学", "幼儿园", "职业中专", "完全小学")
COLLEGES = ("文学", "数学", "物理", "化学", "生命科学", "经济管理", "法学", "外国语", "计算机", "土木工程", "医学", "艺术")
COMPANY_DEPARTMENTS = ("生产", "营销", "财务", "机关", "运维", "项目", "安全质量", "后勤")


def _assert_copy_safe(*pools) -> None:
    for pool in pools:
        for text in pool if isinstance(pool, tuple) else (pool,):
            if any(char in text for char in "\t\n\r\\"):
                raise AssertionError(f"name material must not contain COPY control characters: {text!r}")


_assert_copy_safe(SURNAMES, GIVEN, PLACE_HEAD, PLACE_MIDDLE, PLACE_TAIL, REGION_HEAD, REGION_TAIL,
                  INDUSTRIES, ASSOCIATIONS, BUREAUS, SCHOOLS, COLLEGES, COMPANY_DEPARTMENTS)

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


# Columns the generator fills, in the order of the tuples it emits.
GENERATED_COLUMNS = ("id", "name", "short_name", "code", "kind", "sector", "parent_id", "path", "depth", "secretary",
                     "first_secretary", "children_count", "descendants_count")


def _constant_columns() -> tuple[list[str], tuple]:
    """The other columns of the table and the one value each takes on every generated row.

    Read from the model so that a field added later is filled from its default (or refused
    loudly), instead of breaking the bulk insert.
    """
    now = timezone.now()
    names, values = [], []
    for model_field in Organization._meta.concrete_fields:
        if model_field.column in GENERATED_COLUMNS:
            continue
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            value = now
        elif model_field.has_default():
            value = model_field.get_default()
        elif model_field.null:
            value = None
        else:
            raise RuntimeError(f"synthetic_tree_create does not know how to fill {model_field.name}")
        names.append(model_field.column)
        values.append(model_field.get_db_prep_save(value, connection))
    return names, tuple(values)


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format (the generated text never needs escaping)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value)


CHUNK_ROWS = 20_000


def _write_postgresql(table: str, columns: list[str], constants: tuple, produce: Callable[[Callable], None]) -> None:
    """Stream rows through COPY FROM STDIN, a few megabytes per write."""
    quote = connection.ops.quote_name
    tail = "".join("\t" + _copy_text(value) for value in constants) + "\n"
    lines: list[str] = []

    with connection.cursor() as cursor:
        sql = f"COPY {quote(table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:

            def sink(row: tuple) -> None:
                if row[6] is None:  # only a top-level root has no parent; every other value is an int or a str
                    row = (*row[:6], "\\N", *row[7:])
                lines.append("\t".join(map(str, row)) + tail)
                if len(lines) >= CHUNK_ROWS:
                    copy.write("".join(lines))
                    lines.clear()

            produce(sink)
            if lines:
                copy.write("".join(lines))


def _write_sqlite(table: str, columns: list[str], constants: tuple, produce: Callable[[Callable], None]) -> None:
    """executemany in chunks, inside the caller's (one) transaction, with a large page cache.

    The cache holds the index pages being filled (the name and parent indexes receive keys in
    random order); with SQLite's 2 MB default most inserts would re-read pages from the OS.
    """
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(table)} ({', '.join(quote(column) for column in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    rows: list[tuple] = []
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous_cache = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")  # 256 MB, for this connection only
        try:

            def sink(row: tuple) -> None:
                rows.append(row + constants)
                if len(rows) >= CHUNK_ROWS:
                    cursor.executemany(sql, rows)
                    rows.clear()

            produce(sink)
            if rows:
                cursor.executemany(sql, rows)
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(previous_cache)}")


def synthetic_tree_create(
    *,
    count: int,
    seed: int = 0,
    root_code: str = "SIM",
    parent: Organization | None = None,
    actor=None,
    analyze: bool = True,
) -> GenerateResult:
    """Generate a province-shaped tree of ``count`` organizations and write it in bulk.

    The root (a province committee) is a new top-level organization, or a child of ``parent``, whose
    ancestors' kept-current counts then grow by ``count``. Codes are ``root_code`` followed by
    ``-NN`` per level, so the whole tree is one code prefix. Ids continue from the table's
    largest id, and the id sequence is moved past them afterwards so the services keep working.
    Runs in one transaction; ``analyze`` refreshes the planner's statistics afterwards.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    if not ROOT_CODE_PATTERN.match(root_code):
        raise ValueError("root_code: 1–20 letters, digits, '_' or '.', starting with a letter or digit")
    if Organization.objects.filter(code=root_code).exists() or Organization.objects.filter(
        code__startswith=f"{root_code}-"
    ).exists():
        raise ValueError(f"root_code: organizations with code {root_code} or {root_code}-… exist already")

    table = Organization._meta.db_table
    vendor = connection.vendor
    constant_names, constants = _constant_columns()
    columns = [*GENERATED_COLUMNS, *constant_names]
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                # Ids come from max(id)+1, not from the sequence: keep other writers out until
                # the sequence has been moved past them (SQLite's IMMEDIATE transaction already
                # holds the database's write lock).
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(table)} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
            first_id = cursor.fetchone()[0] + 1
        if first_id + count - 1 > paths.MAX_ID:
            raise ValueError("the ids would not fit the tree path segments")
        if parent is not None:
            parent = Organization.objects.select_for_update().get(pk=parent.pk)
            if not parent.is_active:
                raise ValueError(f"{parent.name} is dissolved and cannot receive subordinates")

        generator = _Generator(rng=random.Random(seed), first_id=first_id, sink=lambda row: None)
        root: dict[str, object] = {}

        def produce(sink: Callable[[tuple], None]) -> None:
            generator.sink = sink
            root["pk"], root["path"] = generator.province(
                budget=count, code=root_code, parent_id=parent.pk if parent else None,
                parent_path=parent.path if parent else "", depth=parent.depth + 1 if parent else 0)

        writer = _write_postgresql if vendor == "postgresql" else _write_sqlite
        # A million short-lived tuples set off generational collections that find nothing (the
        # rows hold no cycles) and cost a third of the Python time.
        collecting = gc.isenabled()
        gc.disable()
        try:
            writer(table, columns, constants, produce)
        finally:
            if collecting:
                gc.enable()
        written = time.perf_counter()

        if vendor == "postgresql":
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), [Organization]):
                    cursor.execute(statement)
        if parent is not None:
            Organization.objects.filter(path__in=paths.ancestor_paths(str(root["path"]))).update(
                descendants_count=F("descendants_count") + count
            )
            Organization.objects.filter(pk=parent.pk).update(children_count=F("children_count") + 1)
        root_org = Organization.objects.get(pk=root["pk"])
        audit_record(actor=actor, obj=root_org, organization=root_org, action="organization.generate",
                     after={"count": count, "seed": seed, "root_code": root_code,
                            "parent": parent.pk if parent else None})
    committed = time.perf_counter()
    if analyze:
        _refresh_statistics(table)
    finished = time.perf_counter()
    return GenerateResult(root_id=int(root["pk"]), root_path=str(root["path"]), count=count, first_id=first_id,
                          seconds_write=written - started, seconds_commit=committed - written,
                          seconds_statistics=finished - committed, levels=dict(sorted(generator.levels.items())))


def _refresh_statistics(table: str) -> None:
    """Give the planner fresh statistics after a bulk load (and, on PostgreSQL, a visibility map).

    A subtree COUNT on PostgreSQL is an index-only scan only where the visibility map says the
    pages are all-visible, which only VACUUM records; it cannot run inside a transaction, so
    inside one (tests) only ANALYZE runs and autovacuum does the rest later.
    """
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {quoted}" if connection.in_atomic_block else f"VACUUM (ANALYZE) {quoted}")
        elif connection.vendor == "sqlite":
            # A sampled ANALYZE: a full one reads every index of a million rows for little gain.
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute(f"ANALYZE {quoted}")


# ---------------------------------------------------------------------------------------------
# Integrity: the kept-current counts recomputed from scratch.


@dataclass(frozen=True)
class CountMismatch:
    """One organization whose stored counts differ from the recount."""

    organization_id: int
    children_count: int
    children_recounted: int
    descendants_count: int
    descendants_recounted: int


@dataclass
class RecountResult:
    """The outcome of ``organization_counts_recount``: how many rows were checked, which differ, how long it took."""

    checked: int
    mismatched: int
    examples: list[CountMismatch]
    shape_problems: int
    fixed: bool
    seconds: float


RECOUNT_TABLE = "jinwei_recount"


def organization_counts_recount(*, fix: bool = False, example_limit: int = 100) -> RecountResult:
    """Recompute every organization's ``children_count`` and ``descendants_count`` with SQL and compare.

    The counts are computed in a temporary table, bottom-up by depth (a level's counts are its
    children's, which are final by then), with plain correlated subqueries that both SQLite and
    PostgreSQL run on an index. Definitions as the services keep them: ``children_count`` counts
    the active children, ``descendants_count`` the active organizations strictly below, and a
    dissolved organization passes on its own (still kept) descendants count. Also counted:
    ``shape_problems``, rows whose depth or path do not follow from their parent's. With ``fix``
    the differing rows are overwritten with the recount (and nothing else is touched).
    """
    started = time.perf_counter()
    table = connection.ops.quote_name(Organization._meta.db_table)
    recount = RECOUNT_TABLE
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {recount}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {recount} (id BIGINT PRIMARY KEY, parent_id BIGINT, depth INTEGER NOT NULL, "
            "active INTEGER NOT NULL, children INTEGER NOT NULL, descendants INTEGER NOT NULL)"
        )
        cursor.execute(
            f"INSERT INTO {recount} (id, parent_id, depth, active, children, descendants) "
            f"SELECT id, parent_id, depth, CASE WHEN dissolved_on IS NULL THEN 1 ELSE 0 END, 0, 0 FROM {table}"
        )
        cursor.execute(f"CREATE INDEX {recount}_parent ON {recount} (parent_id, active, descendants)")
        cursor.execute(f"CREATE INDEX {recount}_depth ON {recount} (depth)")
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {recount}")
        cursor.execute(f"SELECT COUNT(*), COALESCE(MAX(depth), -1) FROM {recount}")
        checked, max_depth = cursor.fetchone()
        for depth in range(max_depth - 1, -1, -1):
            cursor.execute(
                f"UPDATE {recount} SET "
                f"children = (SELECT COUNT(*) FROM {recount} c WHERE c.parent_id = {recount}.id AND c.active = 1), "
                f"descendants = (SELECT COALESCE(SUM(c.active + c.descendants), 0) FROM {recount} c "
                f"WHERE c.parent_id = {recount}.id) "
                "WHERE depth = %s",
                [depth],
            )
        differs = (f"FROM {table} o JOIN {recount} r ON r.id = o.id "
                   "WHERE o.children_count <> r.children OR o.descendants_count <> r.descendants")
        cursor.execute(f"SELECT COUNT(*) {differs}")
        mismatched = cursor.fetchone()[0]
        cursor.execute(f"SELECT o.id, o.children_count, r.children, o.descendants_count, r.descendants {differs} "
                       "ORDER BY o.id LIMIT %s", [example_limit])
        examples = [CountMismatch(*row) for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT COUNT(*) FROM {table} c JOIN {table} p ON p.id = c.parent_id "
            f"WHERE c.depth <> p.depth + 1 OR LENGTH(c.path) <> LENGTH(p.path) + {paths.SEGMENT} "
            "OR SUBSTR(c.path, 1, LENGTH(p.path)) <> p.path"
        )
        shape_problems = cursor.fetchone()[0]
        if fix and mismatched:
            cursor.execute(
                f"UPDATE {table} SET "
                f"children_count = (SELECT r.children FROM {recount} r WHERE r.id = {table}.id), "
                f"descendants_count = (SELECT r.descendants FROM {recount} r WHERE r.id = {table}.id) "
                f"WHERE id IN (SELECT o.id {differs})"
            )
        cursor.execute(f"DROP TABLE {recount}")
    return RecountResult(checked=checked, mismatched=mismatched, examples=examples, shape_problems=shape_problems,
                         fixed=fix and bool(mismatched), seconds=time.perf_counter() - started)
