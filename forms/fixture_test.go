package forms

import (
	"time"

	cases "foidesk/case"
)

// The fixtures: one agency, one sibling agency and one case, fixed in every detail so that the
// golden files change only when a letter does.

func fixtureAgency() cases.Agency {
	s := cases.DefaultSettings()
	s.LetterPrefixes = map[string]string{cases.DocReply: "望政公开"}
	s.ReconsiderationBody = "望城区人民政府"
	s.Court = "望城区人民法院"
	s.Address = "望城区高塘岭街道郭亮中路8号政务服务中心三楼"
	s.Postcode = "410200"
	s.Phone = "0731-88080000"
	s.Email = "gk@wangcheng.example.gov.cn"
	s.SealText = "望城区人民政府办公室（政府信息公开专用章）"
	return cases.Agency{ID: 1, Code: "wcbgs", Name: "望城区人民政府办公室", Settings: s}
}

func fixtureSibling() cases.Agency {
	s := cases.DefaultSettings()
	s.Address = "望城区雷锋大道1号"
	s.Phone = "0731-88089999"
	return cases.Agency{ID: 2, Code: "wczjj", Name: "望城区住房和城乡建设局", Settings: s}
}

// fixtureCase returns a registered case of a natural person received online, changed by opts.
func fixtureCase(opts ...func(*cases.Case)) *cases.Case {
	c := &cases.Case{
		ID:         123,
		AgencyID:   1,
		Agency:     "wcbgs",
		TrackingNo: "GK2026000123",
		State:      cases.StateInProgress,
		Applicant: cases.Applicant{
			Kind:     cases.KindPerson,
			Name:     "张三",
			IDType:   cases.IDResident,
			IDNumber: "11010519491231002X",
			Phone:    "13800138000",
			Email:    "zhangsan@example.com",
			Address:  "望城区月亮岛街道银星路18号",
			Postcode: "410200",
		},
		Description: "2025年度望城区旧城改造项目（含喆园小区、堃苑片区）房屋征收补偿方案及其审批文件，包括文号、发布日期和批准机关。",
		Purpose:     "了解本人房屋的补偿标准",
		Channel:     cases.ChannelOnline,
		Delivery:    cases.DeliveryEmail,
		Carrier:     "electronic",
		ReceivedOn:  cases.MustDate("2026-10-12"),
		ClockStart:  cases.MustDate("2026-10-12"),
		ReplyDue:    cases.MustDate("2026-11-09"),
		Assignee:    "clerk1",
		Handling:    1,
		CreatedAt:   time.Date(2026, 10, 11, 14, 30, 0, 0, time.UTC),
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// fixtureRequest returns an issued letter of kind for c, dated 2026-11-03, changed by opts.
func fixtureRequest(kind string, c *cases.Case, opts ...func(*cases.LetterRequest)) cases.LetterRequest {
	r := cases.LetterRequest{
		Kind:     kind,
		Case:     c,
		Agency:   fixtureAgency(),
		Number:   "望政公开〔2026〕12号",
		Date:     cases.MustDate("2026-11-03"),
		Siblings: []cases.Agency{fixtureSibling()},
	}
	for _, o := range opts {
		o(&r)
	}
	return r
}

// withDraft sets the drafted reply of a case.
func withDraft(outcome, reasons string, f ...func(*cases.Draft)) func(*cases.Case) {
	return func(c *cases.Case) {
		d := &cases.Draft{Outcome: outcome, Reasons: reasons, DraftedBy: "clerk1"}
		for _, g := range f {
			g(d)
		}
		c.Draft = d
		c.State = cases.StatePendingApproval
	}
}

// fixtureReasons are the clerk's reasons for each outcome in the golden files.
var fixtureReasons = map[string]string{
	"disclose":                    "",
	"partial":                     "其中涉及被征收人姓名、身份证号码和银行账号的内容属于个人隐私，公开会对第三方合法权益造成损害，已作遮盖处理。",
	"withhold.state_secret":       "该文件已由定密机关依法确定为秘密级国家秘密，保密期限尚未届满。",
	"withhold.law_prohibited":     "《中华人民共和国档案法》规定，该类档案自形成之日起满二十五年方向社会开放。",
	"withhold.security_stability": "该信息涉及重大突发事件应急处置中的安保部署。",
	"withhold.third_party":        "该信息涉及被征收企业的经营数据和技术秘密。",
	"withhold.internal_affairs":   "您申请的会议值班安排属于本机关内部工作流程信息。",
	"withhold.process_info":       "该方案仍处于征求意见阶段，尚未最终定稿。",
	"withhold.enforcement_file":   "该信息为行政处罚案件卷宗中的调查询问笔录。",
	"withhold.admin_query":        "不动产登记资料的查询应当依照《不动产登记资料查询暂行办法》的规定向不动产登记机构申请。",
	"unavailable.not_held":        "",
	"unavailable.needs_creation":  "您要求按街道汇总统计2016年至2025年的征收户数，本机关没有现成的统计结果。",
	"unavailable.unclear":         "",
	"rejected.petition":           "您在申请中要求本机关查处某物业公司的违规收费行为。",
	"rejected.duplicate":          "本机关已于2026年9月1日就相同内容作出答复（望政公开〔2026〕8号）。",
	"rejected.publication":        "",
	"rejected.excessive":          "您于2026年10月共提交同类申请52件。",
	"rejected.confirmation":       "您要求本机关确认您已取得的征收决定书复印件与原件一致。",
}
