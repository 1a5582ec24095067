package archive

import (
	"fmt"
	"strings"
	"unicode/utf8"

	cases "foidesk/case"
)

// Retention periods (保管期限, 《机关文件材料归档范围和文书档案保管期限规定》国家档案局令第8号 第八条;
// DA/T 22-2015 §6.3): 永久, 定期30年, 定期10年.
const (
	RetentionPermanent = "永久"
	Retention30        = "30年"
	Retention10        = "10年"
)

// Retention groups: the setting Settings.Retention maps each to a period.
const (
	GroupDecision   = "decision"   // 予以公开, 部分公开, 不予公开: a decision on the information itself
	GroupNotHeld    = "not_held"   // 无法提供: not held, would need creating, still unclear
	GroupRejected   = "rejected"   // 不予处理
	GroupProcedural = "procedural" // 其他处理: withdrawn, correction or fee lapsed
	GroupRemedy     = "remedy"     // any outcome once a reconsideration or lawsuit was filed
)

// RetentionGroups lists the groups with their labels, in the order of the settings page.
var RetentionGroups = cases.CodeList{
	{Code: GroupDecision, ZH: "予以公开、部分公开、不予公开", EN: "Disclosed, partly disclosed, withheld"},
	{Code: GroupNotHeld, ZH: "无法提供", EN: "Cannot be provided"},
	{Code: GroupRejected, ZH: "不予处理", EN: "Not processed"},
	{Code: GroupProcedural, ZH: "其他处理（撤回、逾期未补正、逾期未缴费）", EN: "Other (withdrawn, lapsed)"},
	{Code: GroupRemedy, ZH: "提起行政复议或者行政诉讼的", EN: "Reconsideration or lawsuit filed"},
}

// DefaultRetention is the period of each group when the agency has set none (docs/operations.md
// "Archive" gives the reasons): a decision on disclosure is an administrative act the applicant
// may challenge for up to five years (最高人民法院关于适用《行政诉讼法》的解释 第六十五条) and that later
// applications are measured against (Art. 36(六), a repeated application), hence 30年; the other
// outcomes are routine business kept beyond the remedy periods, 10年; once a remedy was filed the
// file is evidence in a contentious matter, 永久.
var DefaultRetention = map[string]string{
	GroupDecision:   Retention30,
	GroupNotHeld:    Retention10,
	GroupRejected:   Retention10,
	GroupProcedural: Retention10,
	GroupRemedy:     RetentionPermanent,
}

// ValidRetention reports whether p is one of the three periods.
func ValidRetention(p string) bool {
	return p == RetentionPermanent || p == Retention30 || p == Retention10
}

// RetentionGroup is the group of an outcome; remedy wins when one was filed.
func RetentionGroup(outcome string, remedyFiled bool) string {
	switch {
	case remedyFiled:
		return GroupRemedy
	case outcome == cases.OutcomeDisclose || outcome == cases.OutcomePartial || strings.HasPrefix(outcome, "withhold."):
		return GroupDecision
	case strings.HasPrefix(outcome, "unavailable."):
		return GroupNotHeld
	case strings.HasPrefix(outcome, "rejected."):
		return GroupRejected
	default:
		return GroupProcedural
	}
}

// RetentionFor is the 保管期限 of a case: the agency's setting for its group, else the default.
func RetentionFor(s cases.Settings, outcome string, remedyFiled bool) string {
	g := RetentionGroup(outcome, remedyFiled)
	if p := s.Retention[g]; ValidRetention(p) {
		return p
	}
	return DefaultRetention[g]
}

// RetentionCode is the 保管期限代码 of DA/T 22-2015 §7.2: Y (永久), D30, D10.
func RetentionCode(p string) string {
	switch p {
	case RetentionPermanent:
		return "Y"
	case Retention30:
		return "D30"
	default:
		return "D10"
	}
}

// RetentionYears is the number of years of a period, 0 for 永久.
func RetentionYears(p string) int {
	switch p {
	case Retention30:
		return 30
	case Retention10:
		return 10
	}
	return 0
}

// RetentionEnds is the day a period has passed: it counts from 1 January of the year after the
// 年度 (DA/T 22-2015: 保管期限从文件形成年度的次年1月1日起算); zero for 永久.
func RetentionEnds(year int, p string) cases.Date {
	n := RetentionYears(p)
	if n == 0 {
		return cases.Date{}
	}
	return cases.NewDate(year+1+n, 1, 1)
}

// Metadata is the archival description of one case (one 件) after GB/T 18894-2016 §7 (电子文件
// 元数据: 题名, 责任者, 日期, 档号, 保管期限…) and DA/T 22-2015 §7 (归档文件的排列、编号、编目).
type Metadata struct {
	Format         string     `json:"format"`         // "foidesk-archive/1"
	ArchivalCode   string     `json:"archival_code"`  // 档号: 全宗号-WS·年度-保管期限代码-机构代码-件号
	FondsNo        string     `json:"fonds_no"`       // 全宗号
	Category       string     `json:"category"`       // 档案门类代码: WS (文书)
	Year           int        `json:"year"`           // 年度: the conclusion year
	Retention      string     `json:"retention"`      // 保管期限: 永久, 30年, 10年
	RetentionCode  string     `json:"retention_code"` // Y, D30, D10
	RetentionEnds  cases.Date `json:"retention_ends"` // the day the period has passed (null for 永久)
	Organisation   string     `json:"organisation"`   // 机构（问题）: the agency's name
	OrgCode        string     `json:"org_code"`       // 机构（问题）代码: the agency's code
	ItemNo         int        `json:"item_no"`        // 件号: yearly per agency, assigned at archiving
	Title          string     `json:"title"`          // 题名
	Responsible    string     `json:"responsible"`    // 责任者: the agency answering in its own name
	DocumentNo     string     `json:"document_no"`    // 文号: the reply's letter number
	Date           cases.Date `json:"date"`           // 日期: the conclusion date (the reply's date)
	Pages          int        `json:"pages"`          // 页数: pages of every document of the 件
	Documents      int        `json:"documents"`      // number of documents
	TrackingNo     string     `json:"tracking_no"`    // 申请编号
	Applicant      string     `json:"applicant"`      // the applicant's name
	Outcome        string     `json:"outcome"`        // outcome code
	OutcomeLabel   string     `json:"outcome_label"`  // its label in table 三
	ReceivedOn     cases.Date `json:"received_on"`    // 收到申请日期
	ConcludedOn    cases.Date `json:"concluded_on"`   // 办结日期
	ArchivedOn     cases.Date `json:"archived_on"`    // 归档日期 (of this version)
	Version        int        `json:"version"`        // package version: 1, then +1 per archiving after a reopen
	Remedies       int        `json:"remedies"`       // reconsiderations and lawsuits recorded
	Agency         string     `json:"agency"`         // the agency's code in foidesk
	Language       string     `json:"language"`       // 语种: zh
	Carrier        string     `json:"carrier"`        // 载体: 电子
	Classification string     `json:"classification"` // 密级: foidesk holds no classified files
	TimeZone       string     `json:"time_zone"`      // the agency's zone, in which times are shown
}

// ArchivalCode is the 档号 of DA/T 22-2015 §7.1: 全宗号-档案门类代码·年度-保管期限代码-机构（问题）代码-件号,
// e.g. Z001-WS·2026-D30-WJ-0007 (件号 four digits).
func ArchivalCode(fonds string, year int, retention, org string, item int) string {
	code := fmt.Sprintf("WS·%d-%s-%s-%04d", year, RetentionCode(retention), strings.ToUpper(org), item)
	if fonds == "" { // no 全宗号 set yet: the rest of the code still orders the files
		return code
	}
	return fonds + "-" + code
}

// Title is the 题名 of a case: what was asked, by whom, and the outcome, e.g.
// 关于张三申请公开某路段拓宽工程批复文件的答复（予以公开）.
func Title(c *cases.Case) string {
	desc := strings.Join(strings.Fields(c.Description), " ")
	desc = strings.TrimPrefix(strings.TrimPrefix(desc, "申请公开"), "申请")
	desc = strings.TrimRight(desc, "。；;，,.！!")
	if utf8.RuneCountInString(desc) > 40 {
		desc = string([]rune(desc)[:40]) + "……"
	}
	o, _ := cases.FindOutcome(c.Outcome)
	kind := "答复"
	if !o.Decision {
		kind = "办理"
	}
	label := OutcomeLabel(c.Outcome)
	return fmt.Sprintf("关于%s申请公开“%s”的%s（%s）", c.Applicant.Name, desc, kind, label)
}

// OutcomeLabel is the label of an outcome without its group's number, e.g. 不予公开：属于国家秘密.
func OutcomeLabel(code string) string {
	if o, ok := cases.FindOutcome(code); ok {
		return o.Short()
	}
	return code
}

// Due is an archived case whose 保管期限 has passed: it awaits the office's 鉴定 (appraisal);
// foidesk never deletes it.
type Due struct {
	CaseID        int64      `json:"id"`
	TrackingNo    string     `json:"tracking_no"`
	Agency        string     `json:"agency"`
	ArchivalCode  string     `json:"archival_code"`
	Year          int        `json:"year"`
	ItemNo        int        `json:"item_no"`
	Retention     string     `json:"retention"`
	RetentionEnds cases.Date `json:"retention_ends"`
	Outcome       string     `json:"outcome"`
	ConcludedOn   cases.Date `json:"concluded_on"`
	ArchivedOn    cases.Date `json:"archived_on"`
}
