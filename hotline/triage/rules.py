"""Rules that guarantee recall where a miss costs most: an emergency passed over (Art. 13),
a matter the hotline must not take (Art. 12) and a major incident not reported (Art. 17).

They are written from the regulation's own words and the catalogue, never from the labelled
evaluation file. The linear model (model.py) decides on its own where no rule speaks; a rule
that fires adds weight to its answer, and `hotline triage-eval` measures both together.
"""

import re
from dataclasses import dataclass


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# Art. 13: the five situations the hotline passes to the 110 desk at once.
EMERGENCY = {
    "public_facility": _any(
        r"(燃气|煤气|天然气|液化气)(味|泄漏|泄露|漏气|管.{0,4}(断|破|裂|漏))",
        r"(闻到|一股|好大的?|很浓的?)(煤气|燃气|天然气|液化气)?(味|臭味)",
        r"漏气",
        r"(水管|主管|管道|管网|供水管|自来水管).{0,6}(爆|炸裂|破裂|断裂)",
        r"(热水|暖气水|蒸汽).{0,4}(喷|冒|涌)",
        r"(电线|高压线|电缆|线缆).{0,8}(掉|断|落|垂|耷拉|搭|冒火|打火|起火|着火)",
        r"(井盖|窨井).{0,8}(没了|丢了|不见|被偷|掉下去|塌)",
        r"(爆炸|炸了|着火|起火|失火|冒烟|火灾|烧起来)",
    ),
    "natural_disaster": _any(
        r"(泥石流|山体滑坡|滑坡|塌方|地震|地陷|塌陷|塌了个?大?坑|溃堤|决堤|决口|垮坝|溃坝|要垮)",
        r"(洪水|山洪|发大水|发水|河水|水位|沟水).{0,8}(涨|漫|冲|淹|决|灌)?",
        r"(水|雨).{0,6}(淹到|漫进|灌进|没过).{0,6}(腰|膝|屋|家|车)",
        r"(冰雹|暴雨|大雪|龙卷风|大风).{0,12}(困|压|塌|倒)",
    ),
    "life_danger": _any(
        r"(溺水|落水|掉进?.{0,4}(河|湖|水库|渠|池塘|水里)|淹着了)",
        r"(跳楼|要跳|想跳|坠楼|掉下来|摔下来|轻生|自杀|寻死|不想活|结束自己|割腕|喝农药|吃安眠药)",
        r"(晕倒|昏倒|昏迷|不省人事|没有?呼吸|没气了|抽搐|口吐白沫|倒地不起)",
        r"(触电|被电(到|击)|电倒)",
        r"(锁在车里|困在车里).{0,10}(孩子|小孩|宝宝)|(孩子|小孩|宝宝).{0,10}(锁在车里|困在车里)",
        r"(持刀|拿刀|砍人|捅人|打人流血|满身是血|血流不止)",
    ),
    "missing_person": _any(
        r"(走失|走丢|丢了|不见了|找不到|没回家|没回来|联系不上|失联|人没了)",
    ),
    "distress": _any(
        r"(被困|困在|困住|出不来|下不来|上不去).{0,12}(里|上|中|了)?",
        r"(救命|救救|求救|快来人|有人跟踪|被人跟着|被关|被锁|把我(锁|关)|围着我|不让(我)?走)",
    ),
}

# Who goes missing for Art. 13 (老人、儿童及智障人员、精神病患者): a lost dog or wallet does not.
MISSING_WHO = re.compile(
    r"(老人|老爷子|老太太|大爷|大娘|奶奶|爷爷|姥姥|姥爷|外婆|外公|母亲|父亲|我妈|我爸|老伴"
    r"|孩子|小孩|儿子|女儿|闺女|孙子|孙女|娃|学生|智障|智力|痴呆|老年痴呆|阿尔茨海默|精神病|精神(疾病|障碍)|患者)"
)
# Told as past, settled or hypothetical: not happening now.
NOT_NOW = re.compile(
    r"(已经(修好|找到|找回|回来|解决|处理|恢复|灭了)|找到了|回来了|修好了|恢复了|灭了"
    r"|上次|去年|以前|之前|前段时间|上个月|上周|那次|如果|万一|怎么(预防|防止|办理|申请|报销)"
    r"|咨询|请问|想问|问一下|是否|有没有|能不能|建议|感谢|谢谢|表扬|锦旗)"
)
URGENT = re.compile(r"(现在|正在|刚刚|刚才|马上|赶紧|快|急|救命|救救|危险|还在|一直在|越来越)")

# Art. 14(3): the professional line the caller is guided to besides 110.
LINES = {
    "119": _any(
        r"(着火|起火|失火|火灾|冒烟|爆炸|烧起来|浓烟)",
        r"(燃气|煤气|天然气|液化气).{0,6}(泄漏|泄露|漏|味)|漏气",
        r"(被困|困在|困住|出不来|出不去|下不来|撤不出|没撤出|救援|营救|埋|压在|卡住|坠井|掉进井|掉到?.{0,3}坑)",
        r"(洪水|山洪|发大水|发水|泥石流|滑坡|塌方|倒塌|坍塌|塌了|淹|决口|决堤|溃|冲走|冲断|冲垮|要垮)",
        r"(溺水|落水|掉水里|掉进?.{0,4}(河|湖|水库|渠|池塘|冰窟窿)|沉底|冰面)",
        r"(蒸汽|热水.{0,4}喷|锁在车里|车门锁)",
    ),
    "120": _any(
        r"(受伤|伤了|流血|出血|骨折|断了|晕倒|昏倒|昏迷|不省人事|没有?呼吸|不动|没有?动静|抽搐|中毒|烫伤|烧伤|触电|休克)",
        r"(溺水|落水|掉水里|沉底|割腕|喝农药|吃安眠药|结束自己|自杀|轻生|生病|发烧|心脏|犯病|喘不上气|不舒服|摔|掉下来|手术|瘫)",
        r"(伤者|伤员|病人|急救|救护车|孕妇)",
    ),
    "122": _any(
        r"(车祸|撞车|追尾|翻车|侧翻|撞了人|撞倒|被车撞|肇事|交通事故|逃逸|连环撞)",
    ),
}

# Art. 12: what the hotline does not take.
EXCLUSION = {
    "other_branch": _any(
        r"(法院|法官|判决书|执行庭|强制执行|检察院|检察官|人大代表|人大常委|政协委员|政协"
        r"|部队|军队|武警|军区|军人违纪)",
    ),
    "legal_channel": _any(
        r"(已经|正在|准备|打算|要去|去)(起诉|上诉|打官司|仲裁|申请仲裁|复议|行政复议|信访|上访)",
        r"(起诉了|在打官司|官司还没|仲裁(委|庭|裁决|结果)|复议(决定|结果)|信访(局|办|事项)|诉讼中|立案了)",
    ),
    "secret_privacy": _any(
        r"(查|告诉我|给我|提供|透露|要).{0,10}(住址|住哪|家庭住址|手机号|电话号码|身份证号|户籍信息|开房记录|行踪|银行流水|病历)",
        r"(商业秘密|技术秘密|配方|国家秘密|机密|绝密|涉密)",
    ),
    "discipline": _any(
        r"(贪污|受贿|行贿|索贿|收红包|收礼|吃回扣|拿回扣|挪用公款|公款吃喝|公款旅游|侵吞|中饱私囊|腐败|以权谋私|违纪)",
    ),
    "repeat_no_new": _any(
        r"(已经|早就|上次|之前|都)(回复|答复|处理|办结|说明|解释)(过|了).{0,30}(没有?新|还是那|同样|一样|再(反映|打|说)一(次|遍)|不服)",
        r"(没有?(新|别的)(情况|理由|问题)).{0,20}(再|还|又)",
    ),
    "malicious": _any(
        # Abuse and test calls; not words an ordinary request uses (「没事」, 「滚动」).
        r"(傻[逼瓜子]|蠢货|滚蛋|滚开|他妈的|操你|去死吧|废物|垃圾政府|狗官)",
        r"(测试一下|测试电话|打着玩|随便打打|无聊打|喂喂喂)",
        r"^[\W\d_a-zA-Z]{0,20}$",
    ),
}
# Another city, county or province (Art. 12(1)): the district's own places are not among them.
ELSEWHERE = re.compile(
    r"(西安|咸阳|宝鸡|渭南|铜川|延安|汉中|榆林|安康|商洛|武功|扶风|周至|眉县|兴平|乾县|礼泉|岐山|户县|鄠邑"
    r"|北京|上海|天津|重庆|广州|深圳|成都|郑州|兰州|太原|武汉|外省|外地|老家)"
    r".{0,8}(的|市|县|区|那边|那里|一家|有个|这家)"
)

# Art. 17: a matter that is or may be a major incident.
INCIDENT = {
    "disaster": _any(
        r"(大火|火势|整栋|整个(市场|仓库|厂)|多人被困|好多人被困|倒塌|坍塌|垮了|决堤|溃坝|被淹.{0,6}(村|户|家))",
    ),
    "epidemic": _any(
        r"(好多|很多|几十|十几|多名|一批|一个班|全班|集体|大面积|成批|陆续).{0,12}(发烧|发热|腹泻|拉肚子|呕吐|咳嗽|出疹|感染|传染|病倒|死亡|病死|死了)",
        r"(疫情|传染病|聚集性|禽流感|猪瘟|口蹄疫|鼠疫|霍乱|诺如)",
    ),
    "pollution": _any(
        r"(死鱼|鱼.{0,4}(死|翻白)|河水?.{0,6}(变红|变黑|变色|发臭|发黑|泛白)|化工.{0,6}(味|臭)|刺鼻)",
        r"(偷排|直排|倾倒|偷倒).{0,10}(污水|废水|废液|化学|危废|危险废物|废渣)",
    ),
    "food_safety": _any(
        r"(好多|很多|几十|十几|多名|一批|集体|一桌|全家|大批|陆续|都).{0,16}(中毒|拉肚子|腹泻|呕吐|上吐下泻|食物中毒|肚子疼)",
        r"(食物中毒|集体中毒)",
    ),
    "special_equipment": _any(
        r"(电梯|扶梯|升降机).{0,10}(坠|掉下|冲顶|蹲底|急停|夹人|夹伤|倒转|逆行|溜车)",
        r"(锅炉|压力容器|气瓶|储罐).{0,6}(爆|炸|漏)",
        r"(游乐|过山车|摩天轮|大摆锤|索道|缆车).{0,12}(停|卡|困|悬|掉|故障)",
        r"(塔吊|吊车|起重机).{0,6}(倒|塌|断)",
    ),
    "mass_incident": _any(
        r"(几十|上百|一百多|好几十|数十|上千|一大群|很多|好多).{0,6}(人|工人|村民|业主|家长|群众).{0,12}(聚集|围|堵|拉横幅|闹|静坐|讨说法|上访|冲突)",
        r"(堵路|堵门|拦路|围堵|集体讨薪|群体)",
    ),
}


@dataclass(frozen=True)
class RuleHits:
    emergency: tuple[str, ...]
    lines: tuple[str, ...]
    exclusions: tuple[str, ...]
    incidents: tuple[str, ...]
    not_now: bool
    urgent: bool


def rules_apply(text: str, *, elsewhere_ok: bool = False) -> RuleHits:
    """Which rules a request's text sets off (the model weighs them; see model.py)."""
    emergency = []
    for situation, pattern in EMERGENCY.items():
        if not pattern.search(text):
            continue
        if situation == "missing_person" and not MISSING_WHO.search(text):
            continue
        emergency.append(situation)
    exclusions = [reason for reason, pattern in EXCLUSION.items() if pattern.search(text)]
    if not elsewhere_ok and ELSEWHERE.search(text):
        exclusions.append("out_of_jurisdiction")
    return RuleHits(
        emergency=tuple(emergency),
        lines=tuple(line for line, pattern in LINES.items() if pattern.search(text)),
        exclusions=tuple(exclusions),
        incidents=tuple(kind for kind, pattern in INCIDENT.items() if pattern.search(text)),
        not_now=bool(NOT_NOW.search(text)),
        urgent=bool(URGENT.search(text)),
    )
