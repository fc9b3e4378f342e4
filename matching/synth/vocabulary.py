"""Chinese words the text templates draw on: organisations, titles, job titles.

Crops and animals, with their words, units and plausible village quantities, are reference
data: `data/reference/crops.csv`.
"""

from __future__ import annotations

PROVINCE_ORGS = ("省农业科学院", "贵州大学农学院", "省农业农村厅", "省畜牧兽医研究所", "省植保站")
PREFECTURE_ORGS = ("农业农村局", "农科所", "畜牧站", "经作站", "农业技术推广站")
COUNTY_ORGS = ("农业农村局", "农技推广站", "畜牧兽医站", "农业服务中心", "电商服务中心", "供销社")
ANIMAL = "animal"
ANIMAL_INDUSTRIES = frozenset({"CATTLE", "PIG", "POULTRY", "FISH"})
# professional titles by kind of specialty: crops (featured), animals, the eight elements
TITLES: dict[str, tuple[str, ...]] = {
    "featured": ("研究员", "副研究员", "高级农艺师", "农艺师", "助理农艺师", "技术员"),
    ANIMAL: ("研究员", "高级兽医师", "兽医师", "高级畜牧师", "畜牧师", "水产技术员"),
    "element": ("研究员", "高级经济师", "经济师", "讲师", "助理研究员", "干部"),
}

# job skill name -> the title a posting for that skill carries
JOB_TITLES: dict[str, str] = {
    "电子装配": "电子装配工",
    "电子质量检验": "质检员",
    "贴片机操作": "SMT操作员",
    "设备操作": "设备操作员",
    "手工焊锡": "焊锡工",
    "包装入库": "包装工",
    "平车缝纫": "缝纫工",
    "服装裁剪": "裁剪工",
    "熨烫整理": "整烫工",
    "针织横机": "横机工",
    "服装查货": "查货员",
    "刺绣与民族服饰": "绣工",
    "钢筋工": "钢筋工",
    "木工支模": "木工",
    "砌筑抹灰": "砌筑工",
    "建筑电工": "电工",
    "电焊": "焊工",
    "架子工": "架子工",
    "装修油漆": "油漆工",
    "挖掘机操作": "挖掘机司机",
    "仓库分拣": "分拣员",
    "叉车驾驶": "叉车司机",
    "快递派送": "快递员",
    "货车驾驶": "货车司机",
    "仓储管理": "仓管员",
    "中式烹调": "厨师",
    "面点制作": "面点师",
    "餐厅服务": "服务员",
    "后厨帮工": "帮厨",
    "食品安全操作": "后厨操作员",
    "育婴": "育婴员",
    "养老护理": "养老护理员",
    "家庭保洁": "保洁员",
    "家庭烹饪": "家政厨师",
    "病患陪护": "护工",
    "安保巡逻": "保安员",
    "消防设施操作": "消控员",
    "物业维修": "物业维修工",
    "绿化养护": "绿化工",
    "数控车床操作": "数控车工",
    "冲压操作": "冲压工",
    "汽车零部件装配": "装配工",
    "钳工": "钳工",
    "喷涂": "喷涂工",
    "注塑操作": "注塑工",
    "流水线普工": "普工",
    "电脑基础操作": "文员",
    "小车驾驶": "司机",
    "搬运装卸": "搬运工",
}

# featured industries that are raised rather than grown (the verb 养 instead of 种)
RAISED = frozenset({"CATTLE", "PIG", "FISH", "POULTRY"})
