"""What the demo tickets say: requests, replies and ready answers as owners and a 物业 service
desk in Shanghai write them (mostly Chinese, some English). Data, not interface text: not
translated."""

# Teams by the first part of a demo staff member's job title (portal/demo/plans.py).
TEAMS = {
    "维修组": "维修组 Repair",
    "客服组": "客服组 Service desk",
    "安保组": "保安组 Security",
    "保洁组": "保洁组 Cleaning",
    "绿化组": "绿化组 Landscaping",
}
LEAD_MARKS = ("组长", "主管")
# Category kind → team (by the team's key above).
DEFAULT_TEAMS = {
    "repair": "维修组", "complaint": "客服组", "inquiry": "客服组", "suggestion": "客服组",
    "praise": "客服组",
}

# (title, description) per category kind, for a unit.
UNIT_REQUESTS = {
    "repair": [
        ("厨房水龙头漏水", "厨房水龙头关紧了还一直滴水，下面柜子都湿了，麻烦师傅来看看。"),
        ("卫生间下水道堵塞", "卫生间地漏下水很慢，有异味，自己疏通过没用。"),
        ("马桶水箱一直进水", "马桶冲完水后水箱一直在响，停不下来，浪费水。"),
        ("客厅插座没电", "客厅电视墙的两个插座突然没电了，空开没有跳。"),
        ("阳台推拉门卡住", "阳台推拉门滑轨变形，推不动，担心晚上关不上。"),
        ("热水器打不着火", "燃气热水器打火几次就熄灭，洗不了澡，请尽快处理。"),
        ("空调外机支架松动", "空调外机支架有一颗螺丝掉了，刮风时外机晃动，怕掉下去。"),
        ("天花板渗水", "卫生间天花板有水渍，还在往下滴，可能是楼上漏水。"),
        ("入户门锁坏了", "入户门锁芯转不动，钥匙插进去拧不开，现在只能从里面开。"),
        ("Bathroom exhaust fan broken",
         "The exhaust fan in the bathroom makes a loud rattling noise and then stops."),
        ("Water leaking under the kitchen sink",
         "There is a small puddle under the sink every morning. Could someone check the pipe?"),
        ("可视对讲不响", "楼下按门铃家里对讲机没有声音，快递员进不来。"),
    ],
    "complaint": [
        ("楼上装修噪音太大", "周末早上八点不到就开始电钻，违反了装修管理规定，请物业管一管。"),
        ("楼道堆放杂物", "我们这层楼道有人堆了纸箱和旧家具，挡住消防通道，存在安全隐患。"),
        ("邻居空调滴水", "楼上空调冷凝水一直滴在我家阳台上，晚上声音很吵。"),
        ("楼上深夜噪音", "楼上每天晚上十二点以后还在拖动家具，影响休息。"),
        ("Dog barking all day",
         "The dog next door barks for hours while the owners are out. Please talk to them."),
    ],
    "inquiry": [
        ("物业费怎么缴", "请问今年的物业费可以在线缴纳吗？能开电子发票吗？"),
        ("装修需要办什么手续", "准备下个月装修厨房和卫生间，需要提前办理哪些手续？押金多少？"),
        ("门禁卡丢了怎么补办", "家里老人的门禁卡丢了，补办需要带什么证件？费用多少？"),
        ("How do I register my car?",
         "We bought a second car. How can we get a parking permit for it?"),
    ],
    "suggestion": [
        ("建议加装电动车充电桩", "小区电动车越来越多，很多人从家里拉电线充电，建议增加充电桩。"),
        ("建议延长物业服务中心开放时间", "上班族工作日很难赶上五点半前去办事，建议周六也开放。"),
    ],
    "praise": [
        ("感谢维修师傅",
         "上周报修的水管问题，师傅半小时就到了，修得很仔细，还帮忙清理了现场，点赞！"),
        ("保安很负责", "昨天晚上老人忘带钥匙，值班保安一直陪着等家人回来，非常感谢。"),
        ("Thank you to the cleaning team",
         "The lobby and the lift have been spotless lately. Thank you!"),
    ],
}

# Requests about equipment, by Asset.kind; "{asset}" is the asset's name.
ASSET_REQUESTS = {
    "elevator": [
        ("{asset}运行有异响", "{asset}上下行时有明显的摩擦声，坐着有点害怕，请安排检查。", "high"),
        ("{asset}困人", "{asset}停在两层之间，里面有人被困，已按了警铃！", "urgent"),
        ("{asset}按钮失灵", "{asset}里 12 楼的按钮按了没反应。", "normal"),
    ],
    "pump": [
        ("高层水压太低", "最近早上用水高峰期水压很低，热水器都打不着火，是不是{asset}有问题？",
         "high"),
        ("停水了", "从早上九点开始家里没水，也没看到停水通知。", "urgent"),
    ],
    "gate": [
        ("{asset}不抬杆", "{asset}识别不了我的车牌，每次都要等保安手动开。", "normal"),
        ("{asset}刷卡没反应", "在{asset}刷门禁卡没有反应，换了几张卡都不行。", "normal"),
    ],
    "fire": [
        ("{asset}报警", "听到{asset}那边一直有报警声，不知道是不是故障。", "high"),
    ],
}

# Common areas of a property (no unit, no asset).
COMMON_AREA_REQUESTS = [
    ("小区路灯不亮", "2号楼和3号楼之间的路灯坏了好几天，晚上很黑，老人走路不安全。", "repair"),
    ("地下车库积水", "下雨后地下车库 B2 入口处积水很深，车开过去溅得到处都是。", "repair"),
    ("儿童游乐区设施损坏", "滑梯侧面的挡板松了，有尖角露出来，小孩玩容易划伤。", "repair"),
    ("垃圾没有及时清运", "东门垃圾房的垃圾已经堆了两天，气味很大，夏天招苍蝇。", "complaint"),
    ("外来车辆乱停", "消防通道上经常停着外来车辆，晚上保安也不管。", "complaint"),
    ("Broken bench in the garden", "One of the benches near the pond has a broken slat.",
     "repair"),
]

ACCEPT_REPLIES = [
    "您好，您的报修已受理，维修师傅将在今天下午上门处理，请保持电话畅通。",
    "您好，已收到您的反馈，我们马上安排人员核实处理。",
    "您好，已安排师傅明天上午九点到十点之间上门，如时间不方便请回复。",
    "Hello, we have received your request and a technician will contact you shortly.",
]
WAIT_REASONS = [
    "请问您哪天方便上门？需要进户查看。",
    "请补充一张漏水位置的照片，方便师傅准备工具和配件。",
    "需要更换的配件有两种型号，价格不同，请您确认选择哪一种。",
    "联系不上您，请回复方便的联系时间。",
    "Could you tell us when someone will be at home so that we can come in?",
]
OWNER_ANSWERS = [
    "明天上午家里有人，九点以后都可以。",
    "照片已经上传了，麻烦尽快。",
    "选便宜一点的那个就行。",
    "Tomorrow after 6 pm works for us.",
]
INTERNAL_NOTES = [
    "配件需要采购，预计明天到货。",
    "已和楼上住户沟通，对方同意配合检查。",
    "业主情绪比较激动，回访时注意语气。",
    "需要电梯维保公司配合，已电话通知。",
]
RESOLVE_NOTES = {
    "repair": [
        "已更换新的配件，试用正常，请您确认。",
        "已疏通完毕，排水恢复正常。",
        "已修复，如再有问题请随时联系我们。",
        "Fixed and tested. Please let us know if anything is still wrong.",
    ],
    "complaint": [
        "已与相关住户沟通，对方表示会注意，我们会持续关注。",
        "杂物已清理，已在楼道张贴提示。",
    ],
    "inquiry": [
        "已电话答复业主，相关流程见物业服务中心公告栏。",
        "可在小程序“缴费”页面在线缴纳，电子发票会发送到您的邮箱。",
    ],
    "suggestion": ["感谢您的建议，已提交项目经理，在下季度计划中考虑。"],
    "praise": ["感谢您的认可，我们会继续努力！"],
}
CANCEL_REASONS = ["问题已经自己解决了，谢谢。", "重复提交了，取消这一条。", "Sorted it out myself."]
RATING_COMMENTS = {
    5: ["师傅很专业，速度很快！", "非常满意，谢谢！", "Quick and tidy, thank you."],
    4: ["处理得不错，就是等得有点久。", "挺好的。"],
    3: ["问题解决了，但是上门时间一改再改。"],
    2: ["修了两次才好。", "沟通不太顺畅。"],
    1: ["拖了一个星期才处理，很不满意。"],
}

FAQ = [
    ("停水怎么办？ What if the water is cut off?",
     "计划停水会提前一天在公告栏和小程序发布通知。临时停水请先查看公告，如无通知请直接提交报修或"
     "拨打物业服务中心电话，维修组会尽快查明原因。\nPlanned cuts are announced a day ahead; "
     "for an unannounced cut, submit a repair request.",
     "停水 没水 水压 自来水 water cut", "repair"),
    ("门禁卡丢了怎么补办？ How do I replace a lost access card?",
     "请本人携带身份证到物业服务中心办理，补办费用 20 元/张，当场可取。家庭成员需由业主陪同或"
     "提供业主授权。\nBring your ID to the service centre; a new card costs ¥20.",
     "门禁 门禁卡 补办 丢失 access card", "inquiry"),
    ("物业可以代收快递吗？ Can the service centre take in parcels?",
     "物业服务中心可代收小件快递，保管 7 天，凭取件码领取。生鲜和贵重物品请使用快递柜或本人签收。"
     "\nSmall parcels are kept for 7 days; perishables and valuables are not accepted.",
     "快递 代收 包裹 parcel delivery", "inquiry"),
    ("装修需要办理什么手续？ What do I need before renovating?",
     "装修前请到物业服务中心办理装修申请：提交装修方案、施工单位资质和装修承诺书，缴纳装修押金"
     "2000 元（验收合格后退还）。施工时间为工作日 8:00–12:00、14:00–18:00，周末及节假日禁止"
     "噪音施工。\nApply at the service centre with your plans; noisy work only on weekdays.",
     "装修 申请 押金 施工时间 renovation", "inquiry"),
    ("物业费怎么缴纳？ How do I pay the management fee?",
     "可在小程序“缴费”页面在线缴纳，也可到物业服务中心刷卡或扫码缴纳。电子发票会发送到您预留的"
     "邮箱。\nPay online in the mini-program or at the service centre.",
     "物业费 缴费 发票 fee payment invoice", "inquiry"),
    ("电梯困人怎么办？ What if I am stuck in a lift?",
     "请保持冷静，按下电梯内的警铃或拨打轿厢内的紧急电话，值班人员 24 小时响应，不要强行扒门。"
     "\nStay calm and press the alarm button; do not force the doors.",
     "电梯 困人 警铃 紧急 lift elevator stuck", "repair"),
    ("家里跳闸了怎么办？ The power tripped at home.",
     "先检查户内配电箱的空气开关，把跳下的开关推上去；如反复跳闸，请拔掉大功率电器后再试，仍不行"
     "请提交报修。\nCheck the breaker box first; if it keeps tripping, submit a repair request.",
     "跳闸 停电 没电 空开 power breaker", "repair"),
    ("车辆怎么办理停车证？ How do I register a car?",
     "携带行驶证、身份证和房产证明到物业服务中心登记，月租车位和产权车位需提供相应合同。"
     "\nBring the vehicle licence, your ID and proof of residence.",
     "停车 车位 停车证 车牌 car parking", "inquiry"),
    ("宠物有什么规定？ Rules for pets",
     "遛狗请牵绳并及时清理粪便，大型犬和烈性犬请勿进入电梯高峰时段。犬只需办理登记和免疫。"
     "\nDogs on a lead, clean up after them, registration and vaccination required.",
     "宠物 狗 遛狗 牵绳 pet dog", "complaint"),
    ("装修垃圾怎么处理？ Where does renovation rubble go?",
     "装修垃圾需装袋后堆放到指定的装修垃圾临时堆放点，由物业统一清运，清运费按袋收取。"
     "\nBag it and leave it at the marked rubble point; removal is charged per bag.",
     "装修垃圾 建筑垃圾 清运 rubble", "inquiry"),
]

CANNED = [
    ("受理 Accepted",
     "{owner_name} 您好，您的工单 #{ticket_number} 已受理，{staff_name} 将尽快为您处理。"),
    ("预约上门 Visit",
     "{owner_name} 您好，维修师傅将于今天下午上门（{unit}），请保持电话畅通。"),
    ("需要照片 Photo please",
     "{owner_name} 您好，请在工单中补充一张问题部位的照片，方便我们准备工具和配件。"),
    ("已完成 Done",
     "{owner_name} 您好，工单 #{ticket_number} 已处理完毕，请确认，如有问题可直接回复。"),
    ("装修噪音 Renovation noise",
     "您好，已联系相关装修住户，提醒其遵守施工时间（工作日 8:00–12:00、14:00–18:00）。"),
    ("回访 Follow-up",
     "{owner_name} 您好，我是物业客服 {staff_name}，"
     "想了解一下工单 #{ticket_number} 的处理您是否满意？"),
]
