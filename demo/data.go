package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	cases "foidesk/case"
)

// The lists the demo generator draws from. Every place, company and person is fictional: the
// district is 清溪区 of 江州市, and e-mail addresses use example.com.

var demoSurnames = []string{
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
	"郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡",
	"余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
	"石", "廖", "贾", "夏", "韦", "付", "方", "邹", "熊", "秦", "邱", "江", "尹", "薛", "段", "雷", "侯", "龙", "陶", "贺",
	"欧阳", "司马",
}

var demoGivenNames = []string{
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞", "平", "刚",
	"秀英", "桂英", "建华", "建国", "志强", "晓东", "海燕", "雪梅", "子涵", "浩然", "欣怡", "宇轩", "思远", "雨桐", "梓萱",
	"俊杰", "文博", "春生", "玉兰", "国庆", "红梅", "立新", "德明", "淑珍", "振华", "晓燕", "嘉怡", "一鸣", "诗琪", "家豪",
	"永红", "金凤", "长青", "卫东", "丽华", "秋菊", "建军", "小龙", "美玲", "志刚", "新民", "慧敏", "天佑", "若曦", "博文",
	"桂兰", "翠花", "光辉", "世杰", "玉梅", "正阳", "晨曦", "佳慧", "泽宇", "梦瑶",
}

// demoRegions are 6-digit administrative division codes of the first part of a resident ID.
var demoRegions = []string{
	"430102", "430103", "430104", "430105", "430111", "430112", "430121", "430181", "430202", "430302", "430602",
	"430702", "431002", "432501", "110105", "310115", "440106", "420106", "360102", "500103", "510107", "450103",
}

var (
	demoVillages   = []string{"桃花村", "杨柳村", "新塘村", "石门村", "白沙村", "枫林村", "青山村", "双河村", "黄土岭村", "莲花村"}
	demoRoads      = []string{"清溪大道", "滨江路", "枫林路", "建设北路", "金星路", "望湖路", "玉兰路", "长庆路", "人民东路", "桐梓坡路"}
	demoEstates    = []string{"翠湖苑", "金域华府", "清溪花园", "滨江一号", "枫林小区", "铁路新村", "纺织厂宿舍", "望湖春晓", "玉兰山庄", "城南佳苑"}
	demoSchools    = []string{"清溪区第二实验小学", "清溪区枫林中学", "清溪区滨江幼儿园", "清溪区白沙镇中心小学", "江州市第十五中学清溪校区"}
	demoStreets    = []string{"城东街道", "城西街道", "枫林街道", "望湖街道", "白沙镇", "新塘镇", "莲花镇"}
	demoProjects   = []string{"清溪区生活垃圾焚烧发电", "滨江湿地公园", "城南污水处理厂提质改造", "清溪大道快速化改造", "枫林片区棚户区改造", "清溪区人民医院新院区", "白沙工业园标准厂房", "望湖路综合管廊"}
	demoCompanyTag = []string{"恒信", "华泰", "鑫源", "瑞丰", "中诚", "金桥", "博远", "宏达", "安居", "天宇", "新城", "绿源", "德润", "嘉禾", "顺通", "永安"}
	demoTrades     = []string{"房地产开发", "建筑工程", "物流", "环保科技", "食品", "物业管理", "建材", "医药连锁", "新能源科技", "网络科技", "混凝土", "商贸"}
)

// demoOrgs are the organisations of each category of table 三, with the first two characters of
// their 统一社会信用代码 (registration authority and kind, GB 32100-2015).
var demoOrgs = map[string][]struct{ Name, Prefix string }{
	"research": {
		{"江州大学公共管理学院", "12"}, {"江州大学法学院政府法治研究中心", "12"}, {"江州市社会科学院", "12"},
		{"江州理工大学城市规划研究所", "12"}, {"江州市农业科学研究所", "12"}, {"江州师范学院教育发展研究中心", "12"},
	},
	"public_interest": {
		{"江州市清源环保公益服务中心", "52"}, {"清溪区夕阳红志愿者协会", "51"}, {"江州市残疾人互助协会", "51"},
		{"江州市绿色出行促进会", "51"}, {"江州市消费者权益保护志愿者协会", "51"}, {"江州市春苗儿童关爱基金会", "53"},
	},
	"legal_service": {
		{"湖南江信律师事务所", "31"}, {"湖南正衡律师事务所江州分所", "31"}, {"江州市清溪区公证处", "32"},
		{"清溪区城南基层法律服务所", "33"}, {"湖南明理律师事务所", "31"},
	},
	"other": {
		{"清溪区城东街道桃花村股份经济合作社", "N2"}, {"清溪区枫林街道望湖社区居民委员会", "57"}, {"江州市个体劳动者协会清溪分会", "51"},
		{"清溪区白沙镇石门村村民委员会", "54"}, {"江州市清溪区翠湖苑业主委员会", "59"},
	},
}

// demoCompany returns a business name: 江州市 + trade name + trade + 有限公司.
func demoCompany(r *rand.Rand) string {
	suffix := "有限公司"
	if r.IntN(5) == 0 {
		suffix = "股份有限公司"
	}
	place := pick(r, []string{"江州市", "江州", "湖南", "清溪区"})
	return place + pick(r, demoCompanyTag) + pick(r, demoTrades) + suffix
}

func pick[T any](r *rand.Rand, l []T) T { return l[r.IntN(len(l))] }

func demoPersonName(r *rand.Rand) string {
	return pick(r, demoSurnames) + pick(r, demoGivenNames)
}

// ResidentID returns (tests use it too) a valid 18-character 居民身份证 number (GB 11643-1999, ISO 7064 MOD 11-2).
func ResidentID(r *rand.Rand, birth cases.Date) string {
	body := fmt.Sprintf("%s%04d%02d%02d%03d", pick(r, demoRegions), birth.Year(), int(birth.Month()), birth.Day(), r.IntN(999)+1)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(body[i]-'0') * w
	}
	return body + string("10X98765432"[sum%11])
}

const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// CreditCode returns (tests use it too) a valid 统一社会信用代码 (GB 32100-2015): the two-character prefix, a
// division code, a 9-character organisation code (GB 11714 with its own check character) and the
// check character.
func CreditCode(r *rand.Rand, prefix string) string {
	org := make([]byte, 8)
	for i := range org {
		org[i] = byte('0' + r.IntN(10))
	}
	ow := []int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range ow {
		sum += int(org[i]-'0') * w
	}
	c9 := 11 - sum%11
	check9 := "0"
	switch c9 {
	case 10:
		check9 = "X"
	case 11:
		check9 = "0"
	default:
		check9 = string(rune('0' + c9))
	}
	body := prefix + pick(r, []string{"430112", "430100", "430102", "430103"}) + string(org) + check9
	weights := []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	sum = 0
	for i, w := range weights {
		sum += strings.IndexByte(creditAlphabet, body[i]) * w
	}
	return body + string(creditAlphabet[(31-sum%31)%31])
}

func demoMobile(r *rand.Rand) string {
	return fmt.Sprintf("1%d%d%08d", 3+r.IntN(7), r.IntN(10), r.IntN(100000000))
}

func demoLandline(r *rand.Rand) string { return fmt.Sprintf("0736-72%05d", r.IntN(100000)) }

func demoAddress(r *rand.Rand) string {
	return fmt.Sprintf("江州市清溪区%s%d号%s%d栋%d室", pick(r, demoRoads), 1+r.IntN(400), pick(r, demoEstates), 1+r.IntN(20), 100*(1+r.IntN(18))+1+r.IntN(4))
}

// demoApplicant returns an applicant: mostly people with a resident ID, some with other
// documents, and organisations of every category of table 三.
func demoApplicant(r *rand.Rand, today cases.Date) cases.Applicant {
	if r.IntN(100) < 22 {
		cat := pick(r, []string{"business", "business", "business", "research", "public_interest", "legal_service", "other"})
		var name, prefix string
		if cat == "business" {
			name, prefix = demoCompany(r), "91"
		} else {
			o := pick(r, demoOrgs[cat])
			name, prefix = o.Name, o.Prefix
		}
		return cases.Applicant{Kind: cases.KindOrganization, Name: name, IDType: cases.IDCredit, IDNumber: CreditCode(r, prefix),
			OrgCategory: cat, LegalRep: demoPersonName(r), ContactName: demoPersonName(r), Phone: pick(r, []string{demoLandline(r), demoMobile(r)})}
	}
	p := cases.Applicant{Kind: cases.KindPerson, Name: demoPersonName(r), Phone: demoMobile(r)}
	switch n := r.IntN(100); {
	case n < 94:
		birth := cases.NewDate(today.Year()-20-r.IntN(55), 1, 1).AddDays(r.IntN(365))
		p.IDType, p.IDNumber = cases.IDResident, ResidentID(r, birth)
	case n < 96:
		p.IDType, p.IDNumber = cases.IDPassport, fmt.Sprintf("E%08d", r.IntN(100000000))
	case n < 98:
		p.IDType, p.IDNumber = cases.IDHKMacau, fmt.Sprintf("H%08d", r.IntN(100000000))
	default:
		p.IDType, p.IDNumber = cases.IDTaiwan, fmt.Sprintf("%08d", r.IntN(100000000))
	}
	return p
}

// demoTopic is a kind of request: the descriptions that lead to its outcomes.
type demoTopic struct {
	outcomes []string // the outcomes this description fits
	text     func(r *rand.Rand, year int) string
}

func fixed(s string) func(*rand.Rand, int) string { return func(*rand.Rand, int) string { return s } }

var demoTopics = []demoTopic{
	{[]string{"disclose", "partial", "unavailable.not_held"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请公开清溪区%s集体土地征收的征地批复文件、征地补偿安置方案及补偿标准。", pick(r, demoVillages))
	}},
	{[]string{"disclose", "partial", "withhold.process_info"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请公开%s片区国有土地上房屋征收决定、征收补偿方案及社会稳定风险评估报告。", pick(r, demoRoads))
	}},
	{[]string{"disclose", "unavailable.not_held"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请公开%s项目的建设工程规划许可证及附图、规划设计条件通知书。", pick(r, demoEstates))
	}},
	{[]string{"disclose", "partial"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请公开清溪区%d年度一般公共预算执行情况及区本级“三公”经费支出明细。", y)
	}},
	{[]string{"disclose", "partial", "withhold.third_party"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请公开%s（%s）项目的环境影响评价报告书及审批意见。", pick(r, demoProjects), demoCompany(r))
	}},
	{[]string{"disclose", "unavailable.not_held"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请公开%s新建工程项目的立项批复、招标文件及中标结果公告。", pick(r, demoSchools))
	}},
	{[]string{"disclose", "partial", "unavailable.not_held"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请公开%s道路拓宽改造工程的立项批复、资金来源及施工合同。", pick(r, demoRoads))
	}},
	{[]string{"disclose", "unavailable.not_held"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请公开%s老旧小区改造项目的实施方案、改造资金预算及竣工验收报告。", pick(r, demoEstates))
	}},
	{[]string{"disclose", "partial"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请公开%d年度清溪区农机购置补贴的发放对象名单及补贴金额。", y)
	}},
	{[]string{"disclose", "withhold.law_prohibited"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请公开%s%d年度城乡居民最低生活保障对象的审批程序、审批结果及公示材料。", pick(r, demoStreets), y)
	}},
	{[]string{"disclose", "unavailable.not_held", "unavailable.needs_creation"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请公开%s项目的财政投资评审报告及工程结算审计报告。", pick(r, demoProjects))
	}},
	{[]string{"disclose", "partial"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请公开清溪区%d年度政府集中采购目录及采购限额标准的文件。", y)
	}},
	{[]string{"disclose"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请公开清溪区人民政府关于%s区域控制性详细规划调整的批复文件。", pick(r, demoStreets))
	}},
	{[]string{"withhold.enforcement_file"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请公开区城市管理和综合执法局对本人位于%s的房屋作出《限期拆除决定书》所依据的调查笔录、现场勘验记录等案卷材料。", demoAddress(r))
	}},
	{[]string{"rejected.petition"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("要求区政府对%s物业服务企业违规收取停车费的问题进行调查处理，并将处理结果书面答复申请人。", pick(r, demoEstates))
	}},
	{[]string{"rejected.petition"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("举报%s附近的餐饮店油烟扰民、占道经营，要求有关部门依法查处并告知处理结果。", pick(r, demoRoads))
	}},
	{[]string{"rejected.publication"}, fixed("申请提供《清溪区志（2001—2020）》及《清溪年鉴》各一册。")},
	{[]string{"rejected.publication"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请获取《江州市统计年鉴（%d）》中关于清溪区人口和经济的全部内容。", y)
	}},
	{[]string{"withhold.internal_affairs"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请公开区人民政府办公室%d年度内部考勤管理制度、工作人员年度考核结果及公务用车内部调度记录。", y)
	}},
	{[]string{"withhold.process_info"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请公开%s项目决策过程中的区政府常务会议讨论记录、专家论证意见及各部门内部请示报告。", pick(r, demoProjects))
	}},
	{[]string{"withhold.admin_query"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请查询%s房屋的不动产登记信息，包括权利人、抵押登记及查封登记情况。", demoAddress(r))
	}},
	{[]string{"withhold.admin_query"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请获取%s的企业工商登记档案，包括股东名册及历次变更登记材料。", demoCompany(r))
	}},
	{[]string{"unavailable.not_held"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请公开清溪区%d年关于%s地下管网改造工程的专项审计报告。", y, pick(r, demoRoads))
	}},
	{[]string{"unavailable.not_held"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请公开江州市自然资源和规划局核发的%s地块国有建设用地使用权出让合同。", pick(r, demoEstates))
	}},
	{[]string{"unavailable.needs_creation"}, fixed("申请公开清溪区近十年全部征地项目的汇总统计表，要求按年度、村组、征收面积和补偿金额分列。")},
	{[]string{"unavailable.needs_creation"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("请对清溪区%d年以来各街道违法建设查处情况进行分析，并形成对比报告后提供给申请人。", y-3)
	}},
	{[]string{"unavailable.unclear", "other.correction_lapsed", "disclose"}, fixed("申请公开与本人房屋有关的所有政府文件。")},
	{[]string{"unavailable.unclear", "other.correction_lapsed", "unavailable.not_held"}, fixed("申请公开区政府关于我们村那块地的全部材料。")},
	{[]string{"rejected.confirmation"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("请求区政府确认申请人此前获取的《关于%s集体土地征收补偿安置方案的批复》复印件与原件一致，并重新出具加盖公章的文本。", pick(r, demoVillages))
	}},
	{[]string{"rejected.duplicate"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("再次申请公开%s集体土地征收的征地批复文件（此前已申请并获答复）。", pick(r, demoVillages))
	}},
	{[]string{"withhold.state_secret"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请公开清溪区人民武装部%d年度民兵训练计划及武器装备配备情况。", y)
	}},
	{[]string{"withhold.security_stability"}, fixed("申请公开清溪区重点目标安全防范部署方案及突发事件应急处置预案中的具体点位和力量配置。")},
	{[]string{"withhold.law_prohibited"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请公开%s在第五次全国经济普查中填报的原始调查表。", demoCompany(r))
	}},
	{[]string{"withhold.third_party", "partial"}, func(r *rand.Rand, y int) string {
		return fmt.Sprintf("申请公开%s向区发展和改革局报送的%s项目可行性研究报告全文，包括财务测算数据。", demoCompany(r), pick(r, demoProjects))
	}},
	{[]string{"rejected.excessive"}, fixed("申请公开清溪区人民政府自2000年以来印发的全部文件，以及每份文件起草、审核、签发的全部过程材料。")},
}

// demoDescription returns a description fitting outcome.
func demoDescription(r *rand.Rand, outcome string, year int) string {
	var fit []demoTopic
	for _, t := range demoTopics {
		for _, o := range t.outcomes {
			if o == outcome {
				fit = append(fit, t)
				break
			}
		}
	}
	if len(fit) == 0 {
		fit = demoTopics[:13]
	}
	return pick(r, fit).text(r, year)
}

var demoPurposes = []string{"", "", "", "了解征收补偿标准，维护自身合法权益", "学术研究", "了解本村集体资产情况", "用于行政复议、诉讼", "监督财政资金使用", "了解周边规划建设情况"}

// demoReasons are the reasons of a drafted reply, per outcome.
var demoReasons = map[string]string{
	"disclose":                    "经查，您申请获取的政府信息属于公开范围，现予以提供，详见附件。",
	"partial":                     "经审查，您申请获取的信息中含有涉及第三方商业秘密和个人隐私的内容，对可以区分处理的部分予以提供，其余内容不予公开。",
	"withhold.state_secret":       "经审查，您申请获取的信息经依法确定属于国家秘密，不予公开。",
	"withhold.law_prohibited":     "经审查，您申请获取的信息属于统计调查中能够识别单个统计调查对象的资料，依照《中华人民共和国统计法》的规定不得对外提供，不予公开。",
	"withhold.security_stability": "经审查，公开该信息可能危及公共安全和社会稳定，不予公开。",
	"withhold.third_party":        "经书面征求第三方意见，第三方不同意公开，该信息涉及其商业秘密，不公开不会对公共利益造成重大影响，不予公开。",
	"withhold.internal_affairs":   "经审查，您申请获取的信息属于人事管理、后勤管理、内部工作流程等内部事务信息，不予公开。",
	"withhold.process_info":       "经审查，您申请获取的信息属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、请示报告等过程性信息，不予公开。",
	"withhold.enforcement_file":   "经审查，您申请获取的信息属于行政执法案卷信息，不予公开。您作为当事人，可以依照有关法律、法规的规定申请查阅案卷材料。",
	"withhold.admin_query":        "经审查，您申请获取的信息属于有关法律、行政法规规定了专门查询程序的行政查询事项，请依照相关规定向登记机构申请查询。",
	"unavailable.not_held":        "经检索本机关档案和业务系统，本机关未制作、获取您申请的政府信息。",
	"unavailable.needs_creation":  "您申请获取的信息需要本机关对现有信息进行汇总、加工、分析后另行制作，本机关不予提供。",
	"unavailable.unclear":         "本机关已向您发出补正告知，您补正后的申请内容仍不明确，本机关无法确定您所需的政府信息。",
	"rejected.petition":           "您提出的要求属于信访、投诉、举报事项，不属于政府信息公开申请，请通过清溪区人民来访接待中心或12345政务服务便民热线反映。",
	"rejected.duplicate":          "您此前已提出相同内容的申请，本机关已依法作出答复，您重复申请公开相同政府信息，本机关不予重复处理。",
	"rejected.publication":        "您申请获取的是公开出版物，请通过新华书店、江州市图书馆等渠道获取。",
	"rejected.excessive":          "您在短时间内反复提出大量政府信息公开申请，经本机关要求说明理由，您提出的理由不合理，本机关不予处理。",
	"rejected.confirmation":       "您要求本机关对已获取的政府信息进行确认并重新出具，不属于政府信息公开申请的处理范围，本机关不予处理。",
}

var demoCorrectionItems = [][]string{
	{"请明确所需政府信息的名称、文号或者其他便于查询的特征性描述。"},
	{"请明确所需信息涉及的具体时间范围。", "请明确所需信息涉及的具体地址或项目名称。"},
	{"请提供申请人有效身份证件的复印件。", "请明确所需政府信息的名称或者其他特征性描述。"},
}

var demoAgencies = []string{"江州市自然资源和规划局清溪分局", "清溪区发展和改革局", "江州市生态环境局清溪分局", "清溪区住房和城乡建设局", "清溪区财政局"}

var demoExtensionReasons = []string{
	"申请内容涉及多个部门，需协调核实",
	"所需信息形成时间较早，需调取档案逐卷检索",
	"申请获取的信息数量较大，需逐项进行保密审查",
}

var demoReturnComments = []string{
	"答复所引依据不准确，请核实后修改。",
	"请补充说明检索的范围和方式。",
	"拟提供的附件须先完成保密审查，请补充审查意见。",
}

var demoWithdrawReasons = []string{"申请人已通过其他途径获取所需信息", "申请人书面申请撤回", "申请人表示不再需要该信息"}

var demoDiscardReasons = []string{"同一申请人重复提交的相同申请", "内容与政府信息公开无关的测试提交", "无实际内容的垃圾信息"}

var demoConsultTexts = map[string]string{
	"agree":  "经研究，同意公开。",
	"object": "该信息涉及本单位商业秘密，公开后可能对本单位合法权益造成损害，不同意公开。",
}
