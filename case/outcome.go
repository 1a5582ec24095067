package cases

import "strings"

// Outcome is one conclusion of a case (docs/rules.md §6, Art. 36–39): its code, the row of table 三 of
// the annual report (group and exact official label), the legal basis cited and the letter family.
type Outcome struct {
	Code     string `json:"code"`
	Group    string `json:"group"`    // e.g. "（三）不予公开"; "" for rows without a group
	Row      string `json:"row"`      // the exact official label printed in the CSV
	Basis    string `json:"basis"`    // article(s) of Decree 711 cited, e.g. "第十四条"
	Family   string `json:"family"`   // the letter family: disclose, partial, withhold, unavailable, rejected, other
	EN       string `json:"en"`       // an English description
	Decision bool   `json:"decision"` // true when the case ends with a reply letter (replied), false for closed
}

// Report groups of table 三 (国办公开办函〔2021〕30号).
const (
	GroupWithhold    = "（三）不予公开"
	GroupUnavailable = "（四）无法提供"
	GroupRejected    = "（五）不予处理"
	GroupOther       = "（六）其他处理"
)

// Outcomes is the catalogue in the order of table 三.
var Outcomes = []Outcome{
	{"disclose", "", "（一）予以公开", "第三十六条第（一）项、第（二）项", "disclose", "Disclosed", true},
	{"partial", "", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "第三十七条", "partial", "Partly disclosed", true},
	{"withhold.state_secret", GroupWithhold, "1.属于国家秘密", "第十四条", "withhold", "Withheld: state secret", true},
	{"withhold.law_prohibited", GroupWithhold, "2.其他法律行政法规禁止公开", "第十四条", "withhold", "Withheld: prohibited by other laws", true},
	{"withhold.security_stability", GroupWithhold, "3.危及“三安全一稳定”", "第十四条", "withhold", "Withheld: endangers national, public, economic security or social stability", true},
	{"withhold.third_party", GroupWithhold, "4.保护第三方合法权益", "第十五条、第三十二条", "withhold", "Withheld: protects a third party's lawful rights", true},
	{"withhold.internal_affairs", GroupWithhold, "5.属于三类内部事务信息", "第十六条第一款", "withhold", "Withheld: internal affairs", true},
	{"withhold.process_info", GroupWithhold, "6.属于四类过程性信息", "第十六条第二款", "withhold", "Withheld: process information", true},
	{"withhold.enforcement_file", GroupWithhold, "7.属于行政执法案卷", "第十六条第二款", "withhold", "Withheld: administrative enforcement file", true},
	{"withhold.admin_query", GroupWithhold, "8.属于行政查询事项", "第三十六条第（七）项", "withhold", "Withheld: administrative query matter", true},
	{"unavailable.not_held", GroupUnavailable, "1.本机关不掌握相关政府信息", "第三十六条第（四）项、第（五）项", "unavailable", "Not held by this agency", true},
	{"unavailable.needs_creation", GroupUnavailable, "2.没有现成信息需要另行制作", "第三十八条", "unavailable", "Would need to be newly created", true},
	{"unavailable.unclear", GroupUnavailable, "3.补正后申请内容仍不明确", "第三十条", "unavailable", "Still unclear after correction", true},
	{"rejected.petition", GroupRejected, "1.信访举报投诉类申请", "第三十九条第一款", "rejected", "Petition, report or complaint", true},
	{"rejected.duplicate", GroupRejected, "2.重复申请", "第三十六条第（六）项", "rejected", "Duplicate application", true},
	{"rejected.publication", GroupRejected, "3.要求提供公开出版物", "第三十九条第二款", "rejected", "Asks for public publications", true},
	{"rejected.excessive", GroupRejected, "4.无正当理由大量反复申请", "第三十五条", "rejected", "Excessive repeated requests without good reason", true},
	{"rejected.confirmation", GroupRejected, "5.要求行政机关确认或重新出具已获取信息", "第三十六条第（六）项、第三十八条", "rejected", "Asks to confirm or re-issue information already obtained", true},
	{"other.correction_lapsed", GroupOther, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "第三十条", "other", "Correction not made in time", false},
	{"other.fee_lapsed", GroupOther, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "第四十二条", "other", "Fee not paid in time", false},
	{"other.other", GroupOther, "3.其他", "", "other", "Other (e.g. withdrawn)", false},
}

// Outcome codes used by the workflow itself.
const (
	OutcomeCorrectionLapsed = "other.correction_lapsed"
	OutcomeFeeLapsed        = "other.fee_lapsed"
	OutcomeOther            = "other.other"
	OutcomeUnclear          = "unavailable.unclear"
	OutcomeNotHeld          = "unavailable.not_held"
	OutcomeDisclose         = "disclose"
	OutcomePartial          = "partial"
	OutcomeDuplicate        = "rejected.duplicate"
	OutcomeExcessive        = "rejected.excessive"
)

// FindOutcome returns the catalogue entry for code.
func FindOutcome(code string) (Outcome, bool) {
	for _, o := range Outcomes {
		if o.Code == code {
			return o, true
		}
	}
	return Outcome{}, false
}

// RemedyFirst reports whether a decision letter for this outcome must say that reconsideration
// comes first and must not offer a lawsuit as a direct alternative (行政复议法 Art. 23): every
// withhold.* outcome and partial.
func (o Outcome) RemedyFirst() bool {
	return o.Code == OutcomePartial || strings.HasPrefix(o.Code, "withhold.")
}

// Label returns the full row label with its group for display, e.g. "（三）不予公开 1.属于国家秘密".
func (o Outcome) Label() string {
	if o.Group == "" {
		return o.Row
	}
	return o.Group + " " + o.Row
}

// Short is a compact label of the outcome for lists and titles: the row's label without the
// group's and the row's numbering or notes, after the group's short name — 予以公开,
// 不予公开：属于国家秘密, 其他处理：逾期未补正.
func (o Outcome) Short() string {
	switch o.Code {
	case OutcomeCorrectionLapsed:
		return "其他处理：逾期未补正"
	case OutcomeFeeLapsed:
		return "其他处理：逾期未缴费"
	}
	strip := func(s string) string {
		if i := strings.Index(s, "）"); strings.HasPrefix(s, "（") && i > 0 {
			s = s[i+len("）"):]
		}
		if i := strings.Index(s, "."); i > 0 && i <= 2 {
			s = s[i+1:]
		}
		if i := strings.Index(s, "（"); i > 0 {
			s = s[:i]
		}
		return s
	}
	if o.Group == "" {
		return strip(o.Row)
	}
	return strip(o.Group) + "：" + strip(o.Row)
}
