package forms

import (
	"fmt"
	"regexp"
	"strings"

	cases "foidesk/case"
)

// Every letter below follows the same order: agency, title, number; addressee; the request as
// received (date, channel, tracking number, the applicant's own words); the decision with the
// article cited; attachments; seal line and date. Only decision letters (replies, and the notice
// of disclosure over a third party's objection) carry a remedy clause; procedural notices do not.

// receipt is the 登记回执 (Art. 33: the reply period).
func receipt(l *letter) error {
	l.head()
	l.to(l.c.Applicant.Name)
	l.para(l.received() + "，已予登记。您申请获取" + l.quoted())
	l.Space(2)
	rows := [][]string{
		{"申请编号", l.c.TrackingNo},
		{"申请人", l.c.Applicant.Name},
		{"收到申请日期", l.c.ReceivedOn.Chinese()},
		{"申请方式", channel(l.c.Channel)},
		{"答复期限", l.c.ReplyDue.Chinese()},
	}
	l.Table(Table{Columns: []Column{{Width: 40, Shade: true, Bold: true}, {}}, Rows: rows, Size: 12})
	l.Space(2)
	due := "根据" + Regulation + "第三十三条的规定，本机关将在收到申请之日起20个工作日内"
	if !l.c.ReplyDue.IsZero() {
		due += "（即" + l.c.ReplyDue.Chinese() + "前）"
	}
	due += "予以答复；需要延长答复期限的，经本机关政府信息公开工作机构负责人同意，将另行告知，延长的期限最长不超过20个工作日。"
	if l.c.Provisional {
		due += "上述日期按尚未公布的节假日安排暂定计算，国家公布节假日安排后可能相应调整。"
	}
	l.para(due)
	l.para("申请内容需要补正的，答复期限自本机关收到补正后的申请之日起计算；征求第三方或者其他机关意见所需时间、缴纳信息处理费所需时间不计算在答复期限内。您可以凭申请编号和提交申请时取得的查询码，在本机关政府信息公开申请平台查询办理进度、下载答复文书；查询码遗失的，可以凭申请编号、身份证件号码和申请时留存的联系方式重新获取。")
	l.end("特此告知。")
	return nil
}

// correctionNotice is the 补正告知书 (Art. 30).
func correctionNotice(l *letter) error {
	items := l.req.Items
	if len(items) == 0 {
		items = l.c.CorrectionItems
	}
	if len(items) == 0 {
		return cases.Errorf(cases.EINVALID, "补正告知书须列明需要补正的事项。", "a correction notice needs the items to correct")
	}
	due := l.req.Due
	if due.IsZero() {
		due = l.c.CorrectionDue
	}
	period := l.c.Clock.CorrectionPeriod
	if period <= 0 {
		period = l.set.CorrectionPeriod
	}
	l.head()
	l.to(l.c.Applicant.Name)
	l.para(l.intro())
	l.para("经审查，您的申请内容需要补正。" + cite("第三十条", "") + "，请您对以下事项作出补正：")
	l.numbered(items)
	when := fmt.Sprintf("请您自本告知书发出之日起%d个工作日内", period)
	if !due.IsZero() {
		when += "（即" + due.Chinese() + "前）"
	}
	l.para(when + "向本机关提交补正后的申请，补正时请注明申请编号" + l.c.TrackingNo + "。答复期限自本机关收到补正后的申请之日起重新计算。")
	l.para("您无正当理由逾期未补正的，视为放弃申请，本机关不再处理该政府信息公开申请。")
	l.end("特此告知。")
	return nil
}

// extensionNotice is the 延期答复告知书 (Art. 33 第二款).
func extensionNotice(l *letter) error {
	if l.req.Days <= 0 || l.req.Due.IsZero() {
		return cases.Errorf(cases.EINVALID, "延期答复告知书须写明延长的天数和新的答复期限。", "an extension notice needs the days and the new deadline")
	}
	l.head()
	l.to(l.c.Applicant.Name)
	l.para(l.intro())
	s := "因"
	if r := clause(l.req.Reason); r != "" {
		s += r + "，"
	}
	s += "本机关不能在规定期限内作出答复。" + cite("第三十三条第二款", "") +
		fmt.Sprintf("，经本机关政府信息公开工作机构负责人同意，答复期限延长%d个工作日，本机关将于%s前作出答复。", l.req.Days, l.req.Due.Chinese())
	l.para(s)
	l.end("特此告知。")
	return nil
}

// consultationLetter is the 征求意见书 to a third party (Art. 32) or another agency (Art. 34).
// It names the request but not the applicant.
func consultationLetter(l *letter) error {
	p := l.req.Party
	if p == nil || p.Name == "" {
		return cases.Errorf(cases.EINVALID, "征求意见书须写明被征求意见的第三方或者机关。", "a consultation letter needs the consulted party")
	}
	due := l.req.Due
	if due.IsZero() {
		due = l.c.ConsultationDue
	}
	dueText := "自收到本征求意见书之日起15个工作日内"
	if !due.IsZero() {
		dueText += "（即" + due.Chinese() + "前）"
	}
	l.head()
	l.to(p.Name)
	l.para(l.introParty())
	if p.Kind == "agency" {
		l.para("该申请所涉政府信息系本机关与贵机关共同制作。" + cite("第三十四条", "") + "，现书面征求贵机关意见。")
		l.para("请贵机关" + dueText + "提出是否同意公开的意见，不同意公开的请说明理由。逾期未提出意见的，视为同意公开。")
	} else {
		l.para("经审查，该申请所涉政府信息公开可能损害你方合法权益。" + cite("第三十二条", "") + "，现书面征求你方意见。")
		l.para("请你方" + dueText + "提出是否同意公开的意见，不同意公开的请说明理由。逾期未提出意见的，由本机关依照" + Regulation + "的规定决定是否公开。")
		l.para("你方不同意公开且有合理理由的，本机关不予公开；本机关认为不公开可能对公共利益造成重大影响的，可以决定予以公开，并将决定公开的政府信息内容和理由书面告知你方。")
	}
	l.end("特此函询。")
	return nil
}

// consultationNotice tells the applicant that the clock stands still while the agency consults
// (Art. 32, 34; Art. 33 第三款).
func consultationNotice(l *letter) error {
	thirdParty, agency := false, false
	for _, p := range l.c.Parties {
		if p.Kind == "agency" {
			agency = true
		} else {
			thirdParty = true
		}
	}
	if !thirdParty && !agency {
		thirdParty = true
	}
	var whom, arts []string
	if thirdParty {
		whom, arts = append(whom, "第三方"), append(arts, "第三十二条")
	}
	if agency {
		whom, arts = append(whom, "其他机关"), append(arts, "第三十四条")
	}
	due := l.req.Due
	if due.IsZero() {
		due = l.c.ConsultationDue
	}
	l.head()
	l.to(l.c.Applicant.Name)
	l.para(l.intro())
	s := "因您申请获取的政府信息需要征求" + strings.Join(whom, "和") + "的意见，本机关" + cite(strings.Join(arts, "、"), "") + "，已书面征求意见"
	if !due.IsZero() {
		s += "，征求意见期限至" + due.Chinese() + "届满"
	}
	l.para(s + "。")
	l.para("根据" + Regulation + "第三十三条第三款的规定，征求意见所需时间不计算在答复期限内。本机关将在收到意见或者征求意见期限届满后继续办理，并依法作出答复。")
	l.end("特此告知。")
	return nil
}

// feeNotice is the 收费通知书 (Art. 42; 国办函〔2020〕109号).
func feeNotice(l *letter) error {
	fee := l.c.Fee
	if fee == nil {
		return cases.Errorf(cases.EINVALID, "收费通知书须有计收的信息处理费。", "a fee notice needs the case's fee")
	}
	due := l.req.Due
	if due.IsZero() {
		due = l.c.FeeDue
	}
	l.head()
	l.to(l.c.Applicant.Name)
	l.para(l.intro())
	l.para("经审查，您申请公开政府信息的数量、频次明显超过合理范围。根据" + Regulation + "第四十二条和" + FeeMeasures + "的规定，本机关决定收取信息处理费，计收方式为" + cases.FeeBases.Label(fee.Basis, "zh") + "，收费标准如下：")
	var rows [][]string
	var own string
	if fee.Basis == cases.FeePerPage {
		rows = [][]string{
			{"同一申请人一件申请30页以下（含30页）", "不收费"},
			{"31—100页（含100页）的部分", "每页10元"},
			{"101—200页（含200页）的部分", "每页20元"},
			{"201页以上的部分", "每页40元"},
		}
		own = fmt.Sprintf("您本件申请涉及的政府信息共%d页", fee.Pages)
	} else {
		rows = [][]string{
			{"同一申请人一个自然月内累计申请10件以下（含10件）", "不收费"},
			{"第11—30件（含30件）", "每件100元"},
			{"第31件起，每10件为一档", "每增加一档，每件加收100元（第31—40件每件200元，第41—50件每件300元，依此类推）"},
		}
		own = fmt.Sprintf("您本件申请为本自然月内提出的第%d件申请", fee.Count)
	}
	l.Table(Table{Columns: []Column{{Header: "计收档次", Width: 80}, {Header: "收费标准"}}, Rows: rows, Size: 11})
	l.Space(2)
	l.para(fmt.Sprintf("%s，应缴纳信息处理费人民币%d元。", own, fee.Amount))
	pay := strings.TrimSpace(l.set.PaymentInstructions)
	if pay == "" {
		pay = "请持本通知书到本机关政府信息公开受理窗口办理缴费，或者通过本机关告知的政府非税收入缴款渠道缴纳，缴纳时请注明申请编号" + l.c.TrackingNo
	}
	l.para("缴费方式：" + sentence(pay))
	when := "请您自收到本通知之日起20个工作日内"
	if !due.IsZero() {
		when += "（即" + due.Chinese() + "前）"
	}
	l.para(when + "缴纳。逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。自本通知发出之日至您缴纳费用之日的期间，不计算在答复期限内。")
	l.end("特此通知。")
	return nil
}

// objectionOverride tells a third party that the agency will disclose despite its objection,
// for the public interest, with the content and the reasons (Art. 32). It is a decision that
// affects the party, so it carries the ordinary remedy clause.
func objectionOverride(l *letter) error {
	p := l.req.Party
	if p == nil || p.Name == "" {
		return cases.Errorf(cases.EINVALID, "决定公开告知书须写明第三方。", "an objection override needs the third party")
	}
	if strings.TrimSpace(l.req.Reason) == "" {
		return cases.Errorf(cases.EINVALID, "决定公开告知书须写明决定公开的理由。", "an objection override needs the reasons")
	}
	l.head()
	l.to(p.Name)
	l.para(l.introParty())
	asked := "本机关已书面征求你方意见"
	if !l.c.Clock.ConsultOn.IsZero() {
		asked = "本机关已于" + l.c.Clock.ConsultOn.Chinese() + "书面征求你方意见"
	}
	l.para(asked + "，你方不同意公开。经审查，本机关认为不公开该政府信息可能对公共利益造成重大影响。" + cite("第三十二条", "") + "，本机关决定予以公开。现将决定公开的政府信息内容和理由告知如下：")
	content := l.quoted()
	if len(l.req.Attachments) > 0 {
		content = strings.TrimSuffix(content, "。") + "，具体内容见附件。"
	}
	l.para("一、决定公开的政府信息内容：" + content)
	l.para("二、决定公开的理由：" + sentence(l.req.Reason))
	l.para("如对本决定不服，可以自收到本告知书之日起六十日内向" + l.reconsideration() + "申请行政复议，或者自收到本告知书之日起六个月内向" + l.court() + "提起行政诉讼。")
	l.end("特此告知。")
	return nil
}

// replyPeriodNotice sets the longer reply period of Art. 35.
func replyPeriodNotice(l *letter) error {
	if l.req.Due.IsZero() {
		return cases.Errorf(cases.EINVALID, "答复期限告知书须写明答复期限。", "a reply period notice needs the due date")
	}
	l.head()
	l.to(l.c.Applicant.Name)
	l.para(l.intro())
	s := "经审查，您申请公开政府信息的数量、频次明显超过合理范围，本机关认为您说明的申请理由合理，但无法在" + Regulation + "第三十三条规定的期限内答复"
	if r := clause(l.req.Reason); r != "" {
		s += "（" + r + "）"
	}
	l.para(s + "。" + cite("第三十五条", "") + "，本机关确定延迟答复的合理期限，将于" + l.req.Due.Chinese() + "前作出答复。")
	l.end("特此告知。")
	return nil
}

// reasonsNotice is the 说明理由通知书 of Art. 35: the request seems beyond a reasonable number or
// frequency; the applicant is asked for the reasons within a period (policy: 15 working days),
// and told that unreasonable or missing reasons lead to 不予处理. The reply period keeps running.
// A procedural notice: no remedy clause.
func reasonsNotice(l *letter) error {
	if l.req.Due.IsZero() {
		return cases.Errorf(cases.EINVALID, "说明理由通知书须写明说明理由的期限。", "a request for reasons needs its due date")
	}
	l.head()
	l.to(l.c.Applicant.Name)
	l.para(l.intro())
	s := "经审查，您申请公开政府信息的数量、频次明显超过合理范围"
	if r := clause(l.req.Reason); r != "" {
		s += "（" + r + "）"
	}
	l.para(s + "。" + cite("第三十五条", "") + "，请您于" + l.req.Due.Chinese() + "前向本机关书面说明申请理由。")
	l.para("您逾期未说明理由，或者本机关认为理由不合理的，本机关将对您的申请不予处理；本机关认为理由合理，但无法在规定期限内答复的，将确定延迟答复的合理期限并告知您。")
	l.end("特此通知。")
	return nil
}

// terminationNotice is the 终止办理告知书 after a lapsed correction (Art. 30) or fee (Art. 42 and
// the fee measures). It decides nothing on the merits and carries no remedy clause.
func terminationNotice(l *letter) error {
	var body string
	switch l.c.Outcome {
	case cases.OutcomeCorrectionLapsed:
		s := "本机关"
		if on := l.c.Clock.CorrectionOn; !on.IsZero() {
			s += "已于" + on.Chinese()
		}
		s += "向您发出补正告知书"
		if !l.c.CorrectionDue.IsZero() {
			s += "，请您在" + l.c.CorrectionDue.Chinese() + "前作出补正"
		}
		body = s + "。您无正当理由逾期未补正。" + cite("第三十条", "") + "，视为您放弃申请，本机关不再处理该政府信息公开申请。"
	case cases.OutcomeFeeLapsed:
		s := "本机关"
		if on := l.c.Clock.FeeOn; !on.IsZero() {
			s += "已于" + on.Chinese()
		}
		s += "向您发出收费通知书"
		if l.c.Fee != nil {
			s += fmt.Sprintf("，告知您应缴纳信息处理费人民币%d元", l.c.Fee.Amount)
		}
		if !l.c.FeeDue.IsZero() {
			s += "，缴费期限至" + l.c.FeeDue.Chinese()
		}
		body = s + "。您逾期未缴纳。根据" + Regulation + "第四十二条和" + FeeMeasures + "的规定，视为您放弃申请，本机关不再处理该政府信息公开申请。"
	default:
		return &cases.Error{Code: cases.EINVALID, Message: "只有逾期未补正或者逾期未缴费的申请才出具终止办理告知书。", MessageEN: fmt.Sprintf("no termination notice for outcome %q", l.c.Outcome)}
	}
	l.head()
	l.to(l.c.Applicant.Name)
	l.para(l.intro())
	l.para(body)
	if r := strings.TrimSpace(l.req.Reason); r != "" {
		l.para("说明：" + sentence(r))
	}
	l.para("如您仍需获取相关政府信息，可以重新提出政府信息公开申请。")
	l.end("特此告知。")
	return nil
}

// replyText is what a reply letter says for one outcome: what the agency found, the article, and
// what it decides (with where to find the information or whom to ask).
type replyText struct {
	finding  string
	basis    string
	decision string
}

// replyFor composes the reply for the outcome of the case's draft.
func replyFor(l *letter, o cases.Outcome, d cases.Draft) (replyText, error) {
	attached := len(l.req.Attachments) > 0
	where := clause(d.WherePublic)
	switch o.Code {
	case "disclose":
		if where != "" { // Art. 36(一): already public
			return replyText{
				finding:  "经审查，您申请获取的政府信息本机关已经主动公开。",
				basis:    "第三十六条第（一）项",
				decision: "现告知您获取该政府信息的方式和途径：" + where,
			}, nil
		}
		r := replyText{finding: "经审查，您申请获取的政府信息属于可以公开的政府信息。", basis: "第三十六条第（二）项"}
		if attached {
			r.decision = "本机关予以公开，现将该政府信息随本答复书一并提供给您（见附件）"
		} else {
			r.decision = "本机关予以公开，将按照您选择的" + cases.DeliveryWays.Label(l.c.Delivery, "zh") + "方式，以" + cases.Carriers.Label(l.c.Carrier, "zh") + "形式向您提供该政府信息"
		}
		return r, nil
	case "partial":
		r := replyText{
			finding: "经审查，您申请获取的政府信息中含有不应当公开的内容，但是能够作区分处理。",
			basis:   "第三十七条",
		}
		if attached {
			r.decision = "本机关向您提供可以公开的政府信息内容（见附件），对其中不应当公开的内容不予公开"
		} else {
			r.decision = "本机关将按照您选择的" + cases.DeliveryWays.Label(l.c.Delivery, "zh") + "方式向您提供可以公开的政府信息内容，对其中不应当公开的内容不予公开"
		}
		return r, nil
	case "withhold.state_secret":
		return withhold("您申请获取的政府信息属于依法确定为国家秘密的政府信息。", o), nil
	case "withhold.law_prohibited":
		return withhold("您申请获取的政府信息属于法律、行政法规禁止公开的政府信息。", o), nil
	case "withhold.security_stability":
		return withhold("您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定。", o), nil
	case "withhold.third_party":
		f := "您申请获取的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害"
		for _, p := range l.c.Parties {
			if p.Kind != "agency" && p.Answer == "object" {
				f += "；经书面征求第三方意见，第三方不同意公开且有合理理由"
				break
			}
		}
		return withhold(f+"。", o), nil
	case "withhold.internal_affairs":
		return withhold("您申请获取的政府信息属于行政机关的内部事务信息，包括人事管理、后勤管理、内部工作流程等方面的信息。", o), nil
	case "withhold.process_info":
		return withhold("您申请获取的政府信息属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息。", o), nil
	case "withhold.enforcement_file":
		return withhold("您申请获取的政府信息属于行政执法案卷信息。", o), nil
	case "withhold.admin_query":
		return replyText{
			finding:  "经审查，您申请获取的信息属于工商、不动产登记资料等信息，有关法律、行政法规对信息的获取有特别规定。",
			basis:    o.Basis,
			decision: "本机关不作为政府信息公开申请提供，请您依照有关法律、行政法规的规定向相关登记机构申请查询",
		}, nil
	case "unavailable.not_held":
		if ra := clause(d.ResponsibleAgency); ra != "" { // Art. 36(五)
			dec := "现告知您：该政府信息由" + ra + "负责公开"
			if contact := siblingContact(l.req.Siblings, ra); contact != "" {
				dec += "，联系方式：" + contact
			}
			return replyText{
				finding:  "经审查，您申请获取的政府信息不属于本机关负责公开。",
				basis:    "第三十六条第（五）项",
				decision: dec + "。您可以向该机关提出申请",
			}, nil
		}
		return replyText{
			finding:  "经检索，本机关没有您申请公开的政府信息。",
			basis:    "第三十六条第（四）项",
			decision: "现告知您该政府信息不存在",
		}, nil
	case "unavailable.needs_creation":
		return replyText{
			finding:  "经审查，本机关没有您申请获取的现成信息，提供该信息需要本机关对现有政府信息进行加工、分析后另行制作。",
			basis:    o.Basis,
			decision: "本机关不予提供",
		}, nil
	case "unavailable.unclear":
		f := "本机关"
		if on := l.c.Clock.CorrectionOn; !on.IsZero() {
			f += "已于" + on.Chinese()
		}
		// The receipt of the corrected application is told in the opening paragraph; the finding
		// does not repeat it.
		f += "告知您对申请内容作出补正"
		return replyText{
			finding:  f + "。经审查，您补正后的申请内容仍不明确，本机关无法确定您所需的政府信息。",
			basis:    o.Basis,
			decision: "本机关无法向您提供该政府信息。您可以在明确所需政府信息的名称、文号或者其他特征描述后重新提出申请",
		}, nil
	case "rejected.petition":
		dec := "本机关不作为政府信息公开申请处理。您可以通过信访、投诉、举报等相应渠道提出"
		if where != "" {
			dec += "：" + where
		}
		return replyText{
			finding:  "经审查，您提出的申请实质是以政府信息公开申请的形式进行信访、投诉、举报等活动。",
			basis:    o.Basis,
			decision: dec,
		}, nil
	case "rejected.duplicate":
		f := "经审查，本机关已就您提出的政府信息公开申请作出答复"
		if d.DuplicateLetterNo != "" {
			f = "经审查，本机关已"
			if !d.DuplicateOn.IsZero() {
				f += "于" + d.DuplicateOn.Chinese()
			}
			f += "以" + d.DuplicateLetterNo + "答复您的政府信息公开申请"
			if d.DuplicateOf != "" {
				f += "（申请编号：" + d.DuplicateOf + "）"
			}
		}
		return replyText{
			finding:  f + "，您重复申请公开相同的政府信息。",
			basis:    o.Basis,
			decision: "本机关不予重复处理",
		}, nil
	case "rejected.publication":
		dec := "本机关不作为政府信息公开申请处理。"
		if where != "" {
			dec += "您可以通过以下途径获取：" + where
		} else {
			dec += "您可以通过公开发行渠道获取"
		}
		return replyText{
			finding:  "经审查，您申请获取的是政府公报、报刊、书籍等公开出版物。",
			basis:    o.Basis,
			decision: dec,
		}, nil
	case "rejected.excessive":
		return replyText{
			finding:  "经审查，您申请公开政府信息的数量、频次明显超过合理范围；经本机关要求说明理由，本机关认为您的申请理由不合理。",
			basis:    o.Basis,
			decision: "本机关不予处理",
		}, nil
	case cases.OutcomeOther: // （六）3.其他: a drafted reply outside the listed outcomes (Art. 36 in general)
		return replyText{
			finding:  "经审查，现将您的政府信息公开申请的处理情况告知如下。",
			basis:    "第三十六条",
			decision: "本机关对您的政府信息公开申请作上述处理",
		}, nil
	case "rejected.confirmation":
		return replyText{
			finding:  "经审查，您的申请实质是要求本机关确认或者重新出具您已获取的信息。",
			basis:    o.Basis,
			decision: "本机关不予处理",
		}, nil
	}
	return replyText{}, cases.Errorf(cases.EINVALID, "处理结果“%s”没有答复书。", "outcome %q has no reply letter", o.Code)
}

// withhold is the reply of the withhold.* outcomes: not disclosed, the article of the outcome.
func withhold(finding string, o cases.Outcome) replyText {
	return replyText{finding: "经审查，" + finding, basis: o.Basis, decision: "本机关决定不予公开"}
}

// siblingContact finds the contact details of a sibling agency by name or code.
func siblingContact(siblings []cases.Agency, name string) string {
	for _, a := range siblings {
		if a.Name != name && a.Code != name {
			continue
		}
		var parts []string
		if a.Settings.Address != "" {
			parts = append(parts, "地址"+a.Settings.Address)
		}
		if a.Settings.Phone != "" {
			parts = append(parts, "电话"+a.Settings.Phone)
		}
		return strings.Join(parts, "，")
	}
	return ""
}

// reply is the 政府信息公开申请答复书, one variant per decision outcome (docs/rules.md §6), with the
// remedy clause.
func reply(l *letter) error {
	var d cases.Draft
	if l.c.Draft != nil {
		d = *l.c.Draft
	}
	code := d.Outcome
	if code == "" {
		code = l.c.Outcome
	}
	o, ok := cases.FindOutcome(code)
	// The lapse outcomes have their termination notice instead; every other outcome can be drafted.
	if !ok || code == cases.OutcomeCorrectionLapsed || code == cases.OutcomeFeeLapsed {
		return cases.Errorf(cases.EINVALID, "处理结果“%s”没有答复书。", "outcome %q has no reply letter", code)
	}
	r, err := replyFor(l, o, d)
	if err != nil {
		return err
	}
	l.head()
	l.to(l.c.Applicant.Name)
	l.para(l.intro())
	for _, p := range findings(r.finding, d.Reasons) {
		l.para(p)
	}
	l.para(cite(r.basis, d.LegalBasis) + "，" + sentence(r.decision))
	l.para(l.remedy(o))
	l.end("")
	return nil
}

// findings is what a reply says the agency found, as one finding: the outcome's standard finding
// (经审查，…) followed by the clerk's reasons in the same paragraph, with the clerk's own opening
// (经查，经审查，…) dropped so that the letter does not say it twice. Further lines of the clerk's
// text are paragraphs of their own.
func findings(standard, reasons string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(reasons, "\r\n", "\n"), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, sentence(p))
		}
	}
	if len(out) == 0 {
		return []string{standard}
	}
	first := reFindingOpening.ReplaceAllString(out[0], "")
	return append([]string{standard + first}, out[1:]...)
}

// reFindingOpening is the clerk's own opening of a finding, which the standard finding already says.
var reFindingOpening = regexp.MustCompile(`^经(?:查|审查|核查|核实|检索|研究|调查)[，,：:]\s*`)

// applicationForm is the 政府信息公开申请表: every field of the application in a bordered table.
// It is the applicant's own form, so the identity number is shown in full.
func applicationForm(l *letter) error {
	c, a := l.c, l.c.Applicant
	l.Text(l.req.Agency.Name, Style{Size: 18, Bold: true, Align: AlignCenter, Leading: 10})
	l.Text(l.title, titleStyle)
	if l.req.Draft {
		l.Text("（草稿）", Style{Size: bodySize, Align: AlignRight})
	}
	l.Space(4)
	submitted := ""
	switch {
	case !c.CreatedAt.IsZero():
		submitted = cases.DateOf(c.CreatedAt, l.agencyLocation()).Chinese()
	case !c.ReceivedOn.IsZero():
		submitted = c.ReceivedOn.Chinese()
	}
	received := "尚未登记"
	if !c.ReceivedOn.IsZero() {
		received = c.ReceivedOn.Chinese()
	}
	org := ""
	if a.Kind == cases.KindOrganization {
		org = cases.OrgCategories.Label(a.OrgCategory, "zh")
	}
	nameLabel := "姓名"
	if a.Kind == cases.KindOrganization {
		nameLabel = "名称"
	}
	rows := [][]string{
		{"申请编号", c.TrackingNo, "提交日期", submitted},
		{"申请人类型", cases.ApplicantKinds.Label(a.Kind, "zh"), "机构类别", org},
		{nameLabel, a.Name, "法定代表人", a.LegalRep},
		{"证件类型", cases.IDTypes.Label(a.IDType, "zh"), "证件号码", a.IDNumber},
		{"联系人", a.ContactName, "联系电话", a.Phone},
		{"电子邮箱", a.Email, "传真", a.Fax},
		{"通信地址", a.Address, "邮政编码", a.Postcode},
		{"所需政府信息的内容描述", c.Description},
		{"用途（选填）", c.Purpose},
		{"获取信息方式", cases.DeliveryWays.Label(c.Delivery, "zh"), "信息载体形式", cases.Carriers.Label(c.Carrier, "zh")},
		{"申请方式", channel(c.Channel), "收到申请日期", received},
	}
	l.Table(Table{
		Columns: []Column{{Width: 30, Shade: true, Bold: true}, {}, {Width: 30, Shade: true, Bold: true}, {}},
		Rows:    rows,
		Size:    11,
		Padding: 2,
	})
	l.Space(10)
	l.Ensure(20)
	l.Text("申请人签名（盖章）：＿＿＿＿＿＿＿＿　　日期：＿＿＿＿＿＿＿＿", Style{Size: 12})
	l.Space(4)
	l.Text("说明：申请人无须说明申请用途。本表由申请人填写；口头申请的，由工作人员代为填写并经申请人确认。", Style{Size: 9, Gray: 96})
	return nil
}
