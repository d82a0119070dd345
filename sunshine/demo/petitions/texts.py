"""Categories and Chinese texts of the demo petitions, replies and supervision days.

The texts are written for the demo in the manner of county petition
records. Places are filled in from the demo regions, so any match with a
real case is a coincidence.
"""

from dataclasses import dataclass

from sunshine.organisation.models import Level, UnitKind
from sunshine.petitions.models import Kind


@dataclass(frozen=True)
class DemoCategory:
    code: str
    name: str
    name_en: str
    kind: str
    route_kind: str
    route_level: str
    # Relative frequency among the demo petitions.
    weight: int
    texts: tuple[str, ...]


# Placeholders: {village} the village or community, {township} the township,
# {road} a road name, {months} a number of months, {amount} an amount in yuan,
# {person} the village secretary's name.
CATEGORIES = (
    DemoCategory("rural_roads", "农村道路与交通", "Rural roads and transport", Kind.REQUEST, UnitKind.GOVERNMENT, Level.TOWNSHIP, 14, (
        "{village}通往{road}的村道自去年雨季后多处塌陷，最深处约半米，电动车夜间已摔倒多人，请求尽快修复并设置警示标志。",
        "{village}村口道路硬化工程停工已{months}个月，路面只铺了一半，雨天泥泞无法通行，请求督促施工单位复工。",
        "{township}至{village}公交班次从每天六班减为两班，老人和学生出行困难，请求恢复原班次。",
        "{village}新修的机耕路不到一年就开裂，怀疑偷工减料，请求对工程质量进行检测。",
    )),
    DemoCategory("land", "土地征收与补偿", "Land requisition and compensation", Kind.REQUEST, UnitKind.GOVERNMENT, Level.TOWNSHIP, 10, (
        "我家在{village}的{amount}元青苗补偿款至今未到账，村里说已经报到镇里，请求查明去向并发放。",
        "{village}土地征收补偿方案未在村务公开栏公示，村民不清楚补偿标准，请求公开方案和分配明细。",
        "{village}部分承包地被征收后剩余地块无法耕种，请求一并征收或给予合理补偿。",
    )),
    DemoCategory("subsidy", "惠农补贴与社会救助", "Farm subsidies and social assistance", Kind.REQUEST, UnitKind.GOVERNMENT, Level.TOWNSHIP, 10, (
        "我父亲今年的耕地地力保护补贴没有发放，同村其他人都已收到，请求核实。",
        "{village}低保名单中有家庭经济条件明显较好的人员，而我家因病致贫却未纳入，请求重新评议。",
        "残疾人两项补贴连续{months}个月未到账，请求查明原因。",
    )),
    DemoCategory("environment", "生态环境", "Environment", Kind.REQUEST, UnitKind.GOVERNMENT, Level.TOWNSHIP, 12, (
        "{village}附近的一家塑料加工厂夜间排放刺鼻废气，周边居民无法开窗，请求执法检查。",
        "{village}河道有生活垃圾和死鱼，水体发黑发臭，请求清理并查找污染源。",
        "{road}旁的建筑工地夜间施工噪声扰民，经常到凌晨一两点，请求依法处理。",
    )),
    DemoCategory("housing", "宅基地与农房建设", "Homesteads and rural housing", Kind.REQUEST, UnitKind.GOVERNMENT, Level.TOWNSHIP, 8, (
        "我在{village}申请宅基地已两年仍无审批结果，请求说明办理进度。",
        "{village}有村民未经审批在承包地上建房，已建到三层，请求依法查处。",
        "农房改造补助款{amount}元未按承诺时间拨付，请求协调解决。",
    )),
    DemoCategory("public_services", "公共服务", "Public services", Kind.REQUEST, UnitKind.GOVERNMENT, Level.TOWNSHIP, 8, (
        "{village}饮用水经常停水，水压不足，夏天用水高峰时段基本无水，请求改造供水管网。",
        "{village}路灯坏了{months}个月无人维修，晚上出行不安全，请求修复。",
        "{village}文化礼堂长期锁门，村民活动无处开展，请求按规定开放。",
    )),
    DemoCategory("suggestion", "意见建议", "Suggestions", Kind.SUGGESTION, UnitKind.GOVERNMENT, Level.COUNTY, 7, (
        "建议在{township}增设一处便民服务点，方便老年人办理社保认证和医保报销。",
        "建议将村级工程项目的招标结果和付款进度在阳光平台上公开，方便村民监督。",
        "建议{township}在农忙季节调整办事窗口时间，中午和傍晚增加值班人员。",
    )),
    DemoCategory("collective_assets", "村级集体三资管理", "Village collective funds, assets and resources", Kind.ACCUSATION, UnitKind.COMMISSION, Level.COUNTY, 9, (
        "反映{village}集体厂房出租未经村民代表会议讨论，租金明显低于市场价，承租人与村干部关系密切。",
        "反映{village}村集体账目长期未公开，{amount}元征地款使用情况不明，怀疑被挪用。",
        "反映{village}集体山林承包合同到期后未公开招标，直接续包给原承包人。",
    )),
    DemoCategory("cadre_conduct", "干部作风与廉洁", "Conduct and integrity of officials", Kind.ACCUSATION, UnitKind.COMMISSION, Level.COUNTY, 9, (
        "反映{village}党组织书记{person}在低保评定中优亲厚友，其亲属三户均被纳入低保。",
        "反映{village}村干部{person}在村道工程中指定其亲戚承包，工程款{amount}元未按合同支付给实际施工人。",
        "反映{township}有工作人员在办理宅基地审批时索要好处费。",
        "反映{village}报账员虚列误工补贴，多名村民名下的补贴本人并未领取。",
    )),
)

REPLY_TEXTS = {
    "support": (
        "经调查核实，您反映的问题属实。我们已责成有关单位限期整改，整改完成后将另行告知。感谢您的监督。",
        "经现场核查，情况基本属实，已安排有关单位于近期处理完毕，请您予以监督。",
    ),
    "explain": (
        "经调查了解，有关做法符合现行政策规定，现将政策依据和办理情况向您解释说明。如不服本答复，可在收到答复之日起30日内向上一级机关申请复查。",
        "经核实，相关补偿（补助）已按标准列入下一批次发放计划，具体时间将另行通知。",
    ),
    "reject": (
        "经调查核实，您的请求缺乏政策依据，不予支持。如不服本答复，可在收到答复之日起30日内向上一级机关申请复查。",
    ),
    "": (
        "感谢您提出的建议。经研究，我们将在今后的工作中予以参考采纳。",
        "您的建议已转有关部门研究，部分内容已纳入明年工作计划。",
    ),
}
FEEDBACK_TEXTS = (
    "经初步核实，您反映的问题部分属实，已对相关人员进行谈话提醒并责令整改。",
    "经核查，您反映的问题属实，已移送有关部门依规依纪处理。",
    "经核查，您反映的问题查无实据，现予了结。感谢您对纪检监察工作的支持。",
)
NOTICE_TEXT = "您反映的事项已受理，我们将在法定期限内办理并书面答复。"
NOT_ACCEPTED_TEXT = "该事项已通过诉讼程序处理，依据《信访工作条例》第三十一条，不予受理。"
REFERRED_TEXT = "该事项属于劳动人事争议，请向当地劳动人事争议仲裁委员会申请仲裁。"
EXTENSION_TEXTS = (
    "需委托第三方检测机构出具鉴定意见，申请延期。",
    "涉及多个部门，需召开协调会研究，申请延期。",
    "需调取历年账目进行核对，申请延期。",
)
REVIEW_TEXTS = ("对答复意见不满意，认为调查不全面。", "答复未解决实际问题，申请复查。")
RE_REVIEW_TEXTS = ("对复查意见仍不服，申请复核。",)
REVIEW_OPINIONS = ("经复查，原答复意见认定事实清楚，处理恰当，予以维持。",
                   "经复查，原处理意见部分不当，已责成原办理机关重新处理。")
RE_REVIEW_OPINION = "经复核，复查意见认定事实清楚，适用依据正确，予以维持。本复核意见为终结意见。"
RATING_COMMENTS = {5: "办理及时，态度很好。", 4: "问题已解决。", 3: "基本解决，但时间较长。",
                   2: "只是解释，没有解决问题。", 1: "答复敷衍，问题依旧。"}
VERIFICATION_NOTES = {
    "true": "经初步核实，反映的主要问题属实，已立案审查。",
    "partly_true": "经核实，反映的问题部分属实，已对相关人员谈话函询。",
    "untrue": "经核实，反映的问题查无实据，予以了结。",
}
ESCALATION_TEXT = "已超过办理期限，已报告单位负责人和纪检监察机关督办。"

# Supervision days.
DAY_PLACES = ("{unit}信访接待室", "{township}便民服务中心二楼会议室", "{township}社会治理中心接待大厅")
DAY_TOPICS = ("", "", "村级集体三资管理", "惠民资金发放", "农村人居环境整治", "征地拆迁补偿",
              "村级工程项目")
DAY_SUMMARIES = ("当日接待群众{visitors}人次，现场答复{answered}件，其余事项已登记转办。",
                 "接待来访群众{visitors}人次，登记诉求事项，交有关部门按期办理。")
# For a day on which every matter was answered on the spot and none was registered.
DAY_SUMMARY_ALL_ANSWERED = "当日接待群众{visitors}人次，所提事项均已现场答复。"
REGISTRATION_TOPICS = ("村道维修进度", "低保评定", "征地补偿款发放", "宅基地审批", "河道污染",
                       "村集体账目公开", "农房改造补助", "饮用水问题")
