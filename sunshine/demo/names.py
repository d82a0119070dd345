"""Chinese names for demo data: people, companies, projects, assets and roads.

Every function draws from the ``random.Random`` it is given, so one seed
always yields the same names. The word lists are generic; any match with
a real person or company is a coincidence.
"""

import random

# Common surnames in Taizhou, roughly in order of frequency; 泮 and 应 are
# frequent there and rare elsewhere.
SURNAMES = (
    "陈王林李张黄吴徐郑潘蒋金杨许叶何梁卢应朱周胡赵罗泮项郭阮颜"
    "丁蔡鲍屈童戴夏管"
)
MALE_CHARACTERS = "伟强军建国明华平辉勇海波斌杰涛鹏志刚宏峰超磊俊晓文永德良荣兴"
FEMALE_CHARACTERS = "芳丽娟敏静燕红霞萍玲艳雪琴娜慧婷佳颖洁琳素彩秀月蓉"

COMPANY_STEMS = (
    "宏达", "恒盛", "华宇", "鼎盛", "新兴", "海润", "天成", "金鹏", "永安", "嘉禾",
    "盛源", "东港", "方圆", "信和", "广厦", "中恒", "晨阳", "立信", "瑞丰", "浩然",
    "同心", "锦程", "远景", "和顺", "汇通", "金桥", "鑫达", "万顺", "明远", "正和",
)
COMPANY_TRADES = (
    ("建设有限公司", "construction"),
    ("建筑工程有限公司", "construction"),
    ("市政工程有限公司", "construction"),
    ("水利水电工程有限公司", "construction"),
    ("园林绿化工程有限公司", "construction"),
    ("环境工程有限公司", "construction"),
    ("建材有限公司", "materials"),
    ("管业有限公司", "materials"),
    ("工程设计有限公司", "design"),
    ("工程咨询有限公司", "design"),
    ("工程监理有限公司", "supervision"),
    ("劳务有限公司", "labour"),
)
ROADS = (
    "人民路", "解放路", "中山路", "东海大道", "市府大道", "开发大道", "青年路", "文化路",
    "建设路", "工人路", "商城路", "环城东路", "迎宾大道", "府前街", "新华路", "学院路",
)


def person_name(rng: random.Random, *, male: bool) -> str:
    characters = MALE_CHARACTERS if male else FEMALE_CHARACTERS
    length = 1 if rng.random() < 0.3 else 2
    return rng.choice(SURNAMES) + "".join(rng.choice(characters) for _ in range(length))


def company_name(rng: random.Random, county_short: str, trade: str) -> str:
    """Return a name such as 台州市宏达建设有限公司 or 临海恒盛工程监理有限公司."""
    prefix = rng.choice(("台州市", "台州", "浙江", county_short))
    return f"{prefix}{rng.choice(COMPANY_STEMS)}{trade}"


def street_address(rng: random.Random, county: str, township: str) -> str:
    return f"台州市{county}{township}{rng.choice(ROADS)}{rng.randrange(1, 400)}号"


# Project categories: code name, Chinese category, name patterns, budget range
# in yuan. {place} is the village or township name, {other} a neighbour.
CATEGORIES = (
    ("roads", "道路硬化", ("{place}村道硬化工程", "{place}至{other}道路拓宽改造工程",
                          "{place}机耕路硬化工程"), (180_000, 3_200_000)),
    ("water", "饮用水提升", ("{place}农村饮用水达标提标工程", "{place}供水管网改造工程"),
     (300_000, 4_800_000)),
    ("housing", "农房改造", ("{place}农村困难群众危旧房改造项目", "{place}农房改造提升项目"),
     (60_000, 600_000)),
    ("culture", "文化礼堂", ("{place}农村文化礼堂建设项目", "{place}文化礼堂提升改造工程"),
     (300_000, 1_600_000)),
    ("sewage", "污水治理", ("{place}农村生活污水治理设施提升改造工程",
                           "{place}污水管网改造工程"), (400_000, 5_500_000)),
    ("rivers", "河道整治", ("{place}河道综合整治工程", "{place}山塘水库除险加固工程"),
     (250_000, 3_000_000)),
    ("village", "村庄整治", ("{place}美丽乡村精品村建设项目", "{place}村庄环境综合整治工程"),
     (500_000, 4_000_000)),
    ("toilets", "公厕改造", ("{place}农村公厕改造提升工程",), (80_000, 400_000)),
    ("lighting", "路灯亮化", ("{place}村庄亮化工程", "{place}太阳能路灯安装工程"),
     (60_000, 500_000)),
)

ASSETS = (
    ("村集体闲置厂房", ("lease", "auction")),
    ("老村委办公楼", ("lease", "auction", "transfer")),
    ("集体山林承包经营权", ("tender", "lease")),
    ("集体鱼塘承包经营权", ("tender", "lease", "auction")),
    ("原村小学校舍", ("lease", "auction")),
    ("沿街集体店面", ("lease", "auction")),
    ("集体农用地经营权", ("lease", "tender")),
    ("报废旧设备一批", ("auction", "transfer")),
)


def project_name(rng: random.Random, patterns: tuple[str, ...], place: str, other: str) -> str:
    return rng.choice(patterns).format(place=place, other=other)


def project_content(rng: random.Random, category: str) -> str:
    """Return the scope of works with plausible quantities for a project category."""
    length = rng.randrange(5, 60) / 10
    count = rng.randrange(2, 30)
    contents = {
        "roads": f"硬化道路{length}公里，路面宽{rng.choice((3.5, 4.5, 5, 6))}米，配套排水沟及安全护栏",
        "water": f"铺设供水管网{length}公里，新建蓄水池{rng.randrange(1, 4)}座",
        "housing": f"改造危旧农房{count}户",
        "culture": f"新建文化礼堂{rng.randrange(300, 1200)}平方米及配套设施",
        "sewage": f"新建污水管网{length}公里，提升改造处理终端{rng.randrange(1, 6)}座",
        "rivers": f"整治河道{length}公里，新建护岸及游步道",
        "village": "立面改造、绿化美化、停车场及公共空间提升",
        "toilets": f"改造提升公厕{rng.randrange(1, 6)}座",
        "lighting": f"安装路灯{count * 10}盏",
    }
    return contents[category]
