"""Name material for generated organizations and people. Only CJK characters: the PostgreSQL COPY text
format would need escaping for a tab, a newline or a backslash, and checking the pools once is cheaper
than escaping a million rows."""

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
