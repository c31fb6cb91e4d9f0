"""The demo's records: the real cases behind the published letters in ``seeds/``, and
invented cases (with invented people) standing at each stage of the process.

The seed letters are real government publications; what they do not say (the
proposals' full text, the day they were assigned) is filled in plainly as demo data.
"""

from dataclasses import dataclass, field
from datetime import date

# (full name, short name as the letters write it, organisation code for index numbers)
AGENCIES = [
    ("杭州市民政局", "市民政局", "002489524", "吴强", "89586323"),
    ("杭州市应急管理局", "市应急管理局", "749492940", "", ""),
    ("杭州市发展和改革委员会", "市发改委", "", "", ""),
    ("中共杭州市委组织部", "市委组织部", "", "", ""),
    ("杭州市城乡建设委员会", "市建委", "", "", ""),
    ("杭州市卫生健康委员会", "市卫健委", "", "", ""),
    ("杭州市教育局", "市教育局", "", "", ""),
    ("杭州市公安局", "市公安局", "", "", ""),
    ("上海市民政局", "市民政局", "", "", ""),
    ("上海市人民政府办公厅", "市政府办公厅", "", "", ""),
    ("上海市应急管理局", "市应急局", "", "", ""),
    ("上海市卫生健康委员会", "市卫生健康委", "", "", ""),
    ("上海市人力资源和社会保障局", "市人力资源社会保障局", "", "", ""),
    ("遂宁市民政局", "市民政局", "", "王丹", "2325777"),
    ("遂宁市应急管理局", "市应急局", "", "", ""),
    ("遂宁市政务服务和大数据管理局", "市政务服务和大数据局", "", "", ""),
    ("深圳市民政局", "市民政局", "", "", ""),
    ("深圳市政务服务数据管理局", "市政务服务数据管理局", "", "", ""),
    ("深圳市卫生健康委员会", "市卫生健康委", "", "", ""),
    ("深圳市人力资源和社会保障局", "市人力资源保障局", "", "", ""),
    ("深圳市医疗保障局", "市医疗保障局", "", "", ""),
    ("中国银行保险监督管理委员会深圳监管局", "深圳银保监局", "", "", ""),
    ("中共深圳市委组织部", "市委组织部", "", "", ""),
    ("中共深圳市委机构编制委员会办公室", "市委编办", "", "", ""),
    ("深圳市住房和建设局", "市住房和建设局", "", "", ""),
    ("中共深圳市委政法委员会", "市委政法委", "", "", ""),
    ("中共深圳市委宣传部", "市委宣传部", "", "", ""),
    ("深圳市教育局", "市教育局", "", "", ""),
    ("深圳市市场监督管理局", "市市场监督管理局", "", "", ""),
    ("深圳市财政局", "市财政局", "", "", ""),
]

# key: (region, body, level name, term, number, opens on, numbering pattern)
SESSIONS = {
    "hz-cppcc-11-4": ("杭州市", "cppcc", "市政协", 11, 4, None, "{n}"),
    "hz-cppcc-12-2": ("杭州市", "cppcc", "市政协", 12, 2, None, "{n}"),
    "sh-npc-15-5": ("上海市", "npc", "市人大", 15, 5, None, "{n:04d}"),
    "sn-cppcc-7-6": ("遂宁市", "cppcc", "市政协", 7, 6, None, "{n}"),
    "sz-npc-7-1": ("深圳市", "npc", "市人大", 7, 1, None, "{year}{n:04d}"),
    "hz-cppcc-12-5": ("杭州市", "cppcc", "市政协", 12, 5, date(2026, 1, 6), "{n}"),
    "hz-npc-14-5": ("杭州市", "npc", "市人大", 14, 5, date(2026, 1, 8), "{n}"),
}


@dataclass
class SeedCase:
    """A case behind one published letter, and where its text sits in the seed file."""

    file: str
    session: str
    number: str
    title: str
    proposers: list[str]
    lead: str
    co_handlers: list[str]
    points: list[str]
    start: str
    end: str | None = None
    written_on: date | None = None
    published_on: date | None = None
    index_number: str = ""  # 索引号 in the seed page's header, where it has one
    category: str = ""
    topic: str = ""
    group: bool = False
    constituency: str = ""


SEED_CASES = [
    SeedCase(
        file="hangzhou-2020-emergency-cppcc-310.txt",
        session="hz-cppcc-11-4",
        number="310",
        title="关于高度关注后疫情期杭州市社会应急管理和新型消费产业发展机遇的建议",
        proposers=["民进界别小组委员工作站"],
        group=True,
        lead="杭州市应急管理局",
        co_handlers=["杭州市发展和改革委员会", "杭州市民政局"],
        points=[
            "培育专业的应急管理集成商",
            "加快发展数字化老年看护与社交服务产业",
            "依托未来社区建设提升社区自治能力",
        ],
        start="民进界别小组委员工作站:",
        written_on=date(2020, 8, 5),
        published_on=date(2020, 8, 7),
        index_number="749492940/2020-04350",
        topic="应急管理",
    ),
    SeedCase(
        file="hangzhou-2023-civil-affairs-cppcc-607.txt",
        session="hz-cppcc-12-2",
        number="607",
        title="关于完善“15分钟公共服务圈”,打造一站式社区服务综合体的建议",
        proposers=["戚敏敏"],
        lead="杭州市民政局",
        co_handlers=[
            "中共杭州市委组织部",
            "杭州市发展和改革委员会",
            "杭州市城乡建设委员会",
            "杭州市卫生健康委员会",
        ],
        points=[
            "加强规划布局,推动均衡化配置",
            "加强要素支撑,推动高质量发展",
            "加强阵地建设,推动普惠化共享",
            "加强服务供给,推动获得感提升",
        ],
        start="戚敏敏委员:",
        end="(联系人:吴强,联系电话:89586323)",
        written_on=date(2023, 5, 26),
        published_on=date(2023, 6, 12),
        index_number="002489524/2023-00364",
        topic="民政",
    ),
    SeedCase(
        file="shanghai-2021-npc-0238.txt",
        session="sh-npc-15-5",
        number="0238",
        title="关于完善自治共治机制,提升后疫情期社区防控治理者能力的建议",
        proposers=["上海市人大代表(答复公开时未署姓名)"],
        lead="上海市民政局",
        co_handlers=[
            "上海市人民政府办公厅",
            "上海市应急管理局",
            "上海市卫生健康委员会",
            "上海市人力资源和社会保障局",
        ],
        points=["打造社区治理共同体", "拓宽治理手段", "整合社会资源", "累积事件经验"],
        start="该建议对疫情防控中凸显的社区治理短板进行了分析",
        published_on=date(2021, 6, 2),
        category="A",
        topic="民政",
    ),
    SeedCase(
        file="suining-2021-civil-affairs-cppcc-52.txt",
        session="sn-cppcc-7-6",
        number="52",
        title="关于在“后疫情时期”提升社区治理能力的建议",
        proposers=["唐佳佳"],
        lead="遂宁市民政局",
        co_handlers=["遂宁市应急管理局", "遂宁市政务服务和大数据管理局"],
        points=[
            "着力建设具有较强抗逆能力的社区应急管理体系",
            "着力提高非常态时期的社区治理能动性",
            "加大社区智慧平台建设投入",
            "合理设置社区治理组织体系",
        ],
        start="唐佳佳委员:",
        end="(联系人:王丹,联系电话:2325777)",
        written_on=date(2021, 6, 29),
        published_on=date(2021, 6, 29),
        topic="民政",
    ),
]

_SZ = "shenzhen-2021-civil-affairs-npc-batch.txt"


def _shenzhen(number, title, proposers, co_handlers, points, start):
    return SeedCase(
        file=_SZ,
        session="sz-npc-7-1",
        number=number,
        title=title,
        proposers=proposers,
        lead="深圳市民政局",
        co_handlers=co_handlers,
        points=points,
        start=start,
        published_on=date(2021, 12, 3),
        topic="民政",
    )


SEED_CASES += [
    _shenzhen(
        "20210549",
        "关于打造我市智慧康养(养老)新格局的建议",
        ["张钜"],
        ["深圳市政务服务数据管理局", "深圳市卫生健康委员会", "深圳市人力资源和社会保障局"],
        [
            "发展多样化智慧养老服务",
            "培养专业化养老服务人才",
            "加强信息技术在智慧康养服务中的应用",
            "发展居家社区智慧康养服务",
        ],
        "张钜等人大代表:",
    ),
    _shenzhen(
        "20210684",
        "关于异地差异化养老的建议",
        ["叶强"],
        ["深圳市卫生健康委员会"],
        ["推进异地养老服务衔接", "完善异地就医结算"],
        "叶强等代表:",
    ),
    _shenzhen(
        "20210248",
        "关于优化智慧养老服务系统的建议",
        ["许少琼"],
        [
            "深圳市人力资源和社会保障局",
            "深圳市政务服务数据管理局",
            "深圳市医疗保障局",
            "中国银行保险监督管理委员会深圳监管局",
        ],
        [
            "推动申请服务线上办理、智能办理",
            "推动数据跨部门、跨地域共享",
            "集成补助发放渠道",
        ],
        "许少琼等人大代表:",
    ),
    _shenzhen(
        "20210713",
        "关于社会工作坚持走社会化、市场化、专业化、职业化发展道路的建议",
        ["何珊珊", "郭锦", "邱小燕"],
        [
            "中共深圳市委组织部",
            "中共深圳市委机构编制委员会办公室",
            "深圳市人力资源和社会保障局",
            "深圳市住房和建设局",
        ],
        ["完善政府购买社会工作服务机制", "推进社会工作立法"],
        "何珊珊代表、郭锦代表、邱小燕代表:",
    ),
    _shenzhen(
        "20210483",
        "关于提升我市养老服务水平的建议",
        ["玉文"],
        ["深圳市人力资源和社会保障局", "深圳市卫生健康委员会"],
        ["加强养老机构管理", "鼓励社会组织参与养老服务体系建设"],
        "玉文等代表:",
    ),
    _shenzhen(
        "20210473",
        "关于在全市推广社会组织承接街道服务职能的建议",
        ["许静芬", "侯鹏", "赵鹏"],
        ["中共深圳市委机构编制委员会办公室"],
        ["推广社会组织承接街道服务职能创新经验"],
        "许静芬、侯鹏、赵鹏代表:",
    ),
    _shenzhen(
        "20210128",
        "关于后疫情时期提升社区服务的建议",
        ["张庆杰"],
        ["中共深圳市委政法委员会", "深圳市卫生健康委员会"],
        [
            "完善群众运动设施",
            "普及公共卫生知识",
            "倡导健康文明生活方式",
            "推进社康中心标准化建设",
        ],
        "张庆杰代表:",
    ),
    _shenzhen(
        "20210553",
        "关于改善养老护理人员短缺状况的建议",
        ["李蕾"],
        ["中共深圳市委宣传部"],
        ["提升社会对养老护理职业认可度", "加大政府补贴力度"],
        "李蕾等代表:",
    ),
    _shenzhen(
        "20210035",
        "关于出台深圳市养老服务人才培养和激励政策的建议",
        ["梁燕英"],
        ["深圳市人力资源和社会保障局", "深圳市教育局", "深圳市市场监督管理局"],
        ["完善养老服务人才培养体系", "建立养老服务人才激励机制"],
        "梁燕英等代表:",
    ),
    _shenzhen(
        "20210642",
        "关于加快落实《深圳市关于提升社会工作服务水平的若干措施》的建议",
        ["明亮", "卢创坤", "李蕾", "陈鹏"],
        ["深圳市财政局"],
        ["加快推动《若干措施》在基层社区的落实", "加快完善出台相关配套文件"],
        "尊敬的明亮、卢创坤、李蕾、陈鹏等代表:",
    ),
    _shenzhen(
        "20210249",
        "关于推进基层治理建设智慧社区的建议",
        [
            "许少琼",
            "李咏霞",
            "杨乐",
            "陈晓云",
            "肖幼美",
            "黄迈",
            "杨瑞",
            "蔡建光",
            "刘楚文",
            "刘波",
            "刘德全",
        ],
        [],
        ["为基层减负", "搭建智慧社区平台", "构建公共服务体系", "整合社区优质服务资源"],
        "尊敬的许少琼、李咏霞、杨乐、陈晓云、肖幼美、黄迈、杨瑞、蔡建光、刘楚文、刘波、刘德全等代表:",
    ),
]

SEED_FILE_ENDS = {_SZ: "分享到:"}


@dataclass
class DemoUser:
    username: str
    full_name: str
    role: str
    agency: str = ""
    body: str = ""
    proposer: str = ""


DEMO_USERS = [
    DemoUser("admin", "系统管理员", "系统管理员(后台)"),
    DemoUser("cppcc_staff", "王晓", "政协提案委员会工作人员", body="cppcc"),
    DemoUser("npc_staff", "李明", "人大代表工委工作人员", body="npc"),
    DemoUser("mz_clerk", "吴强", "市民政局经办人", agency="杭州市民政局"),
    DemoUser("mz_leader", "沈建华", "市民政局负责人", agency="杭州市民政局"),
    DemoUser("wj_clerk", "陈静", "市卫健委经办人", agency="杭州市卫生健康委员会"),
    DemoUser("wj_leader", "郑国平", "市卫健委负责人", agency="杭州市卫生健康委员会"),
    DemoUser("yj_clerk", "赵磊", "市应急管理局经办人", agency="杭州市应急管理局"),
    DemoUser("yj_leader", "钱伟", "市应急管理局负责人", agency="杭州市应急管理局"),
    DemoUser("jy_clerk", "孙悦", "市教育局经办人", agency="杭州市教育局"),
    DemoUser("qiminmin", "戚敏敏", "政协委员", proposer="戚敏敏"),
    DemoUser("linxiaoyan", "林晓燕", "政协委员(演示)", proposer="林晓燕"),
    DemoUser("chenliqun", "陈立群", "政协委员(演示)", proposer="陈立群"),
    DemoUser("zhouhaifeng", "周海峰", "人大代表(演示)", proposer="周海峰"),
]

# Invented people for the invented cases: (name, body, constituency)
DEMO_PROPOSERS = [
    ("林晓燕", "cppcc", "民盟"),
    ("陈立群", "cppcc", "科技界"),
    ("周海峰", "npc", "上城区代表团"),
    ("黄丽", "npc", "西湖区代表团"),
]


@dataclass
class DemoCase:
    """An invented case, taken through the process up to ``stage``."""

    session: str
    title: str
    lead_proposer: str
    stage: str
    co_signers: list[str] = field(default_factory=list)
    lead: str = "杭州市民政局"
    co_handlers: list[str] = field(default_factory=list)
    split: list[str] = field(default_factory=list)
    reference: list[str] = field(default_factory=list)
    body: str = ""
    is_key: bool = False
    extension: str = ""  # "pending" or "approved": a request for more time on the reply


_CARE = "一、关于增加社区服务设施\n二、关于加强专业人才队伍建设\n三、关于完善资金保障"

DEMO_CASES = [
    DemoCase("hz-cppcc-12-5", "关于推进老旧小区加装电梯的建议", "林晓燕", "draft",
             co_signers=["陈立群"], body=_CARE),
    DemoCase("hz-cppcc-12-5", "关于加强校园周边交通安全管理的建议", "陈立群", "submitted",
             body="一、关于优化上下学时段交通组织\n二、关于完善校园周边安全设施"),
    DemoCase("hz-cppcc-12-5", "关于解决本人子女转学问题的建议", "林晓燕", "rejected"),
    DemoCase("hz-cppcc-12-5", "关于发展社区嵌入式托育服务的建议", "林晓燕", "accepted",
             co_signers=["陈立群"], body=_CARE),
    DemoCase("hz-cppcc-12-5", "关于增加社区托育点的建议", "陈立群", "merged"),
    DemoCase("hz-cppcc-12-5", "关于加强独居老人关爱服务的建议", "林晓燕", "assigned",
             co_handlers=["杭州市卫生健康委员会"], body=_CARE, is_key=True),
    DemoCase("hz-cppcc-12-5", "关于完善社区养老助餐服务的建议", "陈立群", "adjustment",
             co_handlers=["杭州市应急管理局"], body=_CARE),
    DemoCase("hz-cppcc-12-5", "关于推进医养结合服务的建议", "林晓燕", "handling",
             co_handlers=["杭州市卫生健康委员会"], body=_CARE, is_key=True, extension="pending"),
    DemoCase("hz-npc-14-5", "关于加快公共场所适老化改造的建议", "周海峰", "drafted",
             co_signers=["黄丽"], co_handlers=["杭州市卫生健康委员会"], body=_CARE,
             extension="approved"),
    DemoCase("hz-npc-14-5", "关于提升城市防汛应急能力的建议", "黄丽", "pending_approval",
             lead="杭州市应急管理局", co_handlers=["杭州市民政局"],
             body="一、关于完善城市排涝设施\n二、关于加强社区应急演练"),
    DemoCase("hz-npc-14-5", "关于加强社区心理健康服务的建议", "周海峰", "approved",
             lead="杭州市卫生健康委员会", co_handlers=["杭州市民政局"], body=_CARE),
    DemoCase("hz-cppcc-12-5", "关于规范养老机构收费的建议", "戚敏敏", "sent",
             co_handlers=["杭州市卫生健康委员会"], body=_CARE),
    DemoCase("hz-cppcc-12-5", "关于扩大长期护理保险试点的建议", "林晓燕", "rehandling",
             co_handlers=["杭州市卫生健康委员会"], body=_CARE),
    DemoCase("hz-cppcc-12-5", "关于加强困境儿童保障的建议", "陈立群", "closed",
             co_handlers=["杭州市教育局"], body=_CARE),
    DemoCase("hz-npc-14-5", "关于中小学课后服务与社区托管衔接的建议", "周海峰", "split_replied",
             lead="", split=["杭州市教育局", "杭州市民政局"], body=_CARE),
    DemoCase("hz-npc-14-5", "关于整治电动自行车违规停放充电的建议", "黄丽", "reference",
             lead="", reference=["杭州市应急管理局", "杭州市公安局"]),
]  # fmt: skip

# 重复提出: (the later item's title, the earlier item's session and number, staff's note)
DEMO_REPEATS = [
    (
        "关于发展社区嵌入式托育服务的建议",
        "hz-cppcc-12-2",
        "607",
        "均提出在社区就近配置托育服务设施,2023年第607号已答复。",
    ),
]
