"""A cycle with rectification for tests, and a plan filed the way a branch secretary files one."""

import datetime
import io
import struct
import zlib

from cycles import services as cycle_services
from rectification import services

YEAR = 2026
DEADLINE = datetime.date(YEAR, 10, 31)


def make_cycle(world, *, year: int = YEAR):
    return cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=year, name=f"{year}年整改",
                                     preset="hunan")


def two_problems(*, deadline=DEADLINE, kind="planned") -> list[dict]:
    return [
        {"title": "党员作用发挥不够好", "causes": "教育管理不经常", "source": "superior",
         "measures": [{"text": "每月开展一次主题党日", "responsible_person": "唐辉", "deadline": deadline,
                       "kind": kind, "assisting_unit": "县委统战部", "liaison_leader": "曾强生"}]},
        {"title": "活动阵地建设进度慢", "description": "场所未完工",
         "measures": [{"text": "8月底前建好村级活动阵地", "responsible_person": "黄玉生", "deadline": deadline}]},
    ]


def filed_plan(world, cycle, *, organization=None, actor=None, target_grade="advanced", problems=None):
    return services.plan_file(actor=actor or world.secretary_a1, cycle=cycle, organization=organization or world.branch_a1,
                              target_grade=target_grade, problems=problems if problems is not None else two_problems())


def approved_plan(world, cycle, *, reviewer=None, **kwargs):
    plan = filed_plan(world, cycle, **kwargs)
    plan = services.plan_submit(actor=kwargs.get("actor") or world.secretary_a1, plan=plan)
    return services.plan_approve(actor=reviewer or world.reviewer_a, plan=plan)


class Upload(io.BytesIO):
    """An uploaded file as Django's forms hand it to a service: bytes with a name and a size."""

    def __init__(self, content: bytes, name: str):
        super().__init__(content)
        self.name, self.size = name, len(content)


def png_bytes() -> bytes:
    """A real 2×2 red PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _row in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def png(name: str = "会议照片.png") -> Upload:
    return Upload(png_bytes(), name)


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
