"""Chinese texts of the demo directives, duty lists, tasks and progress reports."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """A county directive's subject and the work each township breaks it into."""

    title: str
    short: str
    # The county department that leads the coordination task and cooperates on township work.
    department: str
    # Second-level tasks of each township; some are split again among its villages.
    parts: tuple[str, ...]
    village_part: str


TOPICS = (
    Topic("关于印发《{year}年农村人居环境整治提升工作方案》的通知", "农村人居环境整治提升",
          "agriculture", ("村庄清洁行动", "农村生活污水治理设施运维", "垃圾分类示范村创建",
                          "农村公厕改造提升"), "{village}环境卫生整治"),
    Topic("关于推进强村富民乡村集成改革的实施意见", "强村富民集成改革", "finance",
          ("村级集体经济增收", "闲置农房盘活利用", "低收入农户结对帮扶"), "{village}集体经济增收项目"),
    Topic("关于做好{year}年基层防汛防台体系建设的通知", "基层防汛防台体系建设", "transport",
          ("山塘水库隐患排查", "防汛物资储备检查", "应急转移演练"), "{village}危险区域排查"),
    Topic("关于开展城乡风貌整治提升行动的通知", "城乡风貌整治提升", "transport",
          ("沿线立面整治", "“三线”序化整治", "口袋公园建设"), "{village}风貌整治点位"),
)
COORDINATION_TASK = "{department}统筹协调和督导"
CITY_TOPIC = Topic("关于印发《{year}年台州市政府工作报告重点任务分解》的通知", "政府工作报告重点任务",
                   "government", ("重大项目建设", "民生实事项目", "营商环境优化"), "")

# Duty list items (权责清单) of a township government: name, category, basis, evidence.
TOWNSHIP_DUTIES = (
    ("农村宅基地审批", "行政许可", "《中华人民共和国土地管理法》第六十二条", "审批表、公示照片"),
    ("最低生活保障初审", "行政确认", "《社会救助暂行办法》第十一条", "入户调查表、公示记录"),
    ("农村人居环境日常监管", "公共服务", "《浙江省农村生活污水处理设施管理条例》第五条",
     "巡查记录、整改照片"),
    ("安全生产检查", "行政检查", "《中华人民共和国安全生产法》第九条", "检查记录、整改通知书"),
    ("防汛防台应急处置", "其他职责", "《中华人民共和国防洪法》第三十八条", "值班记录、转移台账"),
)
# Village "small and micro power" items (村级小微权力清单) and the steps of their procedure.
VILLAGE_DUTIES = (
    ("村级重大事项决策", "小微权力", "《中华人民共和国村民委员会组织法》第二十四条",
     ("村党组织提议", "村“两委”商议", "党员大会审议", "村民代表会议决议", "结果公开")),
    ("村级工程项目建设", "小微权力", "《浙江省村级小微权力清单三十六条》",
     ("立项申请", "公开招标或比选", "合同签订", "竣工验收", "结算公开")),
)
COUNTY_DUTIES = {
    "finance": (("财政专项资金监管", "行政检查", "《中华人民共和国预算法》第五十七条",
                 "资金拨付凭证、绩效评价报告"),),
    "agriculture": (("农村集体资产监督管理", "行政检查", "《浙江省村经济合作社组织条例》第三十三条",
                     "清产核资报表"),),
    "transport": (("农村公路养护管理", "公共服务", "《农村公路养护管理办法》第五条",
                   "养护检查记录"),),
}

PROGRESS_TEXTS = (
    "已召开专题部署会，明确责任分工和时间节点。",
    "完成现场摸排，建立问题清单和整改台账。",
    "已完成过半点位建设，正在推进剩余点位。",
    "主体工作完成，正在整理台账资料。",
    "已全部完成并通过验收，相关情况已公开。",
)
LATE_REASONS = ("受台风影响工期延误，已调整施工计划。", "资金到位滞后，已协调县财政加快拨付。",
                "群众意见分歧较大，经多次协商后推进。")
RETURN_REASONS = ("佐证材料不全，请补充现场照片。", "完成情况与台账不一致，请核实后重新报送。",
                  "未附验收记录，请补充后再报。")
LOCK_REASON = "第三季度执行率已通报，数据锁定。"
