package workflow

import (
	"strings"
	"unicode/utf8"

	cases "foidesk/case"
)

// The reply: drafted by a clerk, returned or approved by a supervisor who did not draft it (the
// 保密审查 and legal check), then delivered (国办公开办函〔2016〕235号).
var replySpecs = []Spec{
	{
		Name: cases.EventDraftReply, ZH: "拟稿答复", EN: "Draft reply",
		Rows: []Row{{From: []cases.State{cases.StateRegistered, cases.StateInProgress}, To: cases.StatePendingApproval, Roles: clerk}},
		Run:  on(nil, draftReplyCheck, draftReplyEffect),
		Rank: 90,
	},
	{
		Name: cases.EventReturn, ZH: "退回修改", EN: "Return",
		Rows: []Row{{From: []cases.State{cases.StatePendingApproval}, To: cases.StateInProgress, Roles: supervisor}},
		Run:  on(nil, returnCheck, returnEffect),
		Rank: 110,
	},
	{
		Name: cases.EventWithdrawDraft, ZH: "撤回拟稿", EN: "Withdraw the draft",
		Rows:     []Row{{From: []cases.State{cases.StatePendingApproval}, To: cases.StateInProgress, Roles: clerk}},
		Run:      on(nil, withdrawDraftCheck, withdrawDraftEffect),
		Relation: theDrafter,
		Rank:     105,
	},
	{
		Name: cases.EventApprove, ZH: "审批通过", EN: "Approve",
		Rows:     []Row{{From: []cases.State{cases.StatePendingApproval}, To: cases.StateReplied, Roles: supervisor}},
		Run:      on(nil, approveCheck, approveEffect),
		Relation: notTheDrafter,
		Letters:  []string{cases.DocReply, cases.DocObjectionOverride},
		Public: &Public{Label: Text{"作出答复", "Replied"}, Detail: func(e cases.Event, p Payload) Text {
			if o, ok := cases.FindOutcome(p.Str("outcome")); ok {
				return Text{o.Label(), o.EN}
			}
			return Text{}
		}},
		Notice: cases.NoticeReply,
		SMS:    cases.SMSReplied,
		Rank:   100,
	},
	{
		Name: cases.EventRecordDelivery, ZH: "送达登记", EN: "Record delivery",
		Rows: []Row{{From: []cases.State{cases.StateReplied}, To: Stay, Roles: clerk}},
		Run:  on(nil, recordDeliveryCheck, recordDeliveryEffect),
		Public: &Public{Label: Text{"答复送达", "Reply delivered"}, Detail: func(e cases.Event, p Payload) Text {
			return Text{
				"送达方式：" + cases.DeliveryWays.Label(p.Str("way"), "zh") + "，日期：" + p.Str("delivered_on"),
				cases.DeliveryWays.Label(p.Str("way"), "en") + ", on " + p.Str("delivered_on"),
			}
		}},
		SignedDates: []string{"delivered_on"},
		Rank:        120,
		Bulk:        true,
	},
}

// DraftReplyPayload is the payload of draft_reply: the reply the clerk drafts (cases.Draft).
type DraftReplyPayload struct {
	Outcome           string  `json:"outcome" form:"text"`
	Reasons           string  `json:"reasons" form:"text"`
	LegalBasis        string  `json:"legal_basis,omitempty" form:"opt"`
	ResponsibleAgency string  `json:"responsible_agency,omitempty" form:"opt"`
	WherePublic       string  `json:"where_public,omitempty" form:"opt"`
	Documents         []int64 `json:"documents,omitempty" form:"ids"`
	DraftedBy         string  `json:"drafted_by,omitempty" form:"-"` // accepted and ignored: the drafter is the actor
	// DuplicateOf is the tracking number of the same applicant's earlier concluded case
	// (rejected.duplicate, Art. 36(六)).
	DuplicateOf string `json:"duplicate_of,omitempty" form:"opt"`

	earlier *cases.Case
}

func draftReplyCheck(x *exec, p *DraftReplyPayload) error {
	if _, ok := cases.FindOutcome(p.Outcome); !ok {
		return invalid("outcome", "请从目录中选择答复结果。", "Choose an outcome from the catalogue.")
	}
	if p.Outcome == cases.OutcomeCorrectionLapsed || p.Outcome == cases.OutcomeFeeLapsed {
		return invalid("outcome", "逾期未补正、逾期未缴费只能由系统在期限届满时登记。", "The lapse outcomes are recorded only by their lapse events.")
	}
	if p.Outcome == cases.OutcomeUnclear && x.c.Clock.CorrectedOn.IsZero() {
		return conflict("只有在申请人补正后内容仍不明确时才能作出该答复（第三十条）。", "unavailable.unclear requires a received correction (Art. 30)")
	}
	// Art. 35: 不予处理 for excessive requests only after the applicant was asked for the reasons.
	if p.Outcome == "rejected.excessive" && x.c.Clock.ReasonsOn.IsZero() {
		return conflict("只有在要求申请人说明理由后才能作出该答复（第三十五条）。", "rejected.excessive requires that reasons were asked (Art. 35)")
	}
	if p.Outcome == cases.OutcomeDuplicate {
		if err := duplicateCheck(x, p); err != nil {
			return err
		}
	}
	if err := required("reasons", p.Reasons, "请填写答复理由。", "Give the reasons."); err != nil {
		return err
	}
	if utf8.RuneCountInString(p.Reasons) > 5000 {
		return invalid("reasons", "答复理由不能超过5000字。", "The reasons may not exceed 5000 characters.")
	}
	// A reply attaches only information staff uploaded to this case for release: never the
	// applicant's own identity proof, a working paper or another case's document.
	seen := map[int64]bool{}
	for _, id := range p.Documents {
		if _, ok := x.env.Releasable[id]; !ok || seen[id] {
			return invalid("documents", "只能附上本案件中作为拟公开信息上传的文件（每个文件一次）。", "Attach only documents uploaded to this case as information to release, each once.")
		}
		seen[id] = true
	}
	return nil
}

// duplicateCheck: Art. 36(六) — rejected.duplicate names the same applicant's earlier concluded case.
func duplicateCheck(x *exec, p *DraftReplyPayload) error {
	p.DuplicateOf = strings.TrimSpace(p.DuplicateOf)
	if p.DuplicateOf == "" {
		return invalid("duplicate_of", "以重复申请不予处理的，请填写此前已答复的申请编号（第三十六条第（六）项）。", "Give the tracking number of the earlier case already answered (Art. 36(6)).")
	}
	var e *cases.Case
	if x.env.CaseByTracking != nil {
		e, _ = x.env.CaseByTracking(p.DuplicateOf)
	}
	switch {
	case e == nil || e.AgencyID != x.c.AgencyID:
		return invalid("duplicate_of", "本机关没有该申请编号的申请。", "This agency has no case with that tracking number.")
	case e.ID == x.c.ID:
		return invalid("duplicate_of", "不能以本申请作为此前的申请。", "The earlier case cannot be this one.")
	case e.Applicant.IDType != x.c.Applicant.IDType || e.Applicant.IDNumber != x.c.Applicant.IDNumber:
		return invalid("duplicate_of", "该申请不是同一申请人（同一证件）提出的。", "That case is not the same applicant's (same identity document).")
	case e.ConcludedOn.IsZero() || e.Outcome == "" || e.LetterNo == "":
		return invalid("duplicate_of", "该申请尚未作出答复。", "That case has not been answered.")
	}
	p.earlier = e
	return nil
}

func draftReplyEffect(x *exec, p *DraftReplyPayload) {
	x.c.Draft = &cases.Draft{Outcome: p.Outcome, Reasons: p.Reasons, LegalBasis: p.LegalBasis, ResponsibleAgency: p.ResponsibleAgency,
		WherePublic: p.WherePublic, Documents: p.Documents, DraftedBy: x.actor.Name}
	if e := p.earlier; e != nil {
		x.c.Draft.DuplicateOf, x.c.Draft.DuplicateLetterNo, x.c.Draft.DuplicateOn = e.TrackingNo, e.LetterNo, e.ConcludedOn
		x.payload["duplicate_of"], x.payload["duplicate_letter_no"] = e.TrackingNo, e.LetterNo
	}
	if x.c.Assignee == "" {
		x.c.Assignee = x.actor.Name
	}
	x.payload["outcome"], x.payload["reasons"] = p.Outcome, p.Reasons
	for k, v := range map[string]string{"legal_basis": p.LegalBasis, "responsible_agency": p.ResponsibleAgency, "where_public": p.WherePublic} {
		if v != "" {
			x.payload[k] = v
		}
	}
	if len(p.Documents) > 0 {
		x.payload["documents"] = p.Documents
	}
}

// ReturnPayload is the payload of return: the supervisor's comments.
type ReturnPayload struct {
	Comment string `json:"comment" form:"text"`
}

func returnCheck(x *exec, p *ReturnPayload) error {
	return required("comment", p.Comment, "请填写退回意见。", "Give your comments.")
}

func returnEffect(x *exec, p *ReturnPayload) { x.payload["comment"] = p.Comment }

// notTheDrafter: the clerk who drafted a reply may not approve it (审核 by another person).
func notTheDrafter(c *cases.Case, actor cases.Actor) error {
	if c.Draft != nil && c.Draft.DraftedBy == actor.Name {
		return cases.Errorf(cases.EFORBIDDEN, "拟稿人不能审批本人起草的答复。", "the clerk who drafted a reply may not approve it")
	}
	return nil
}

// theDrafter: only the clerk who drafted a reply may take it back.
func theDrafter(c *cases.Case, actor cases.Actor) error {
	if c.Draft == nil || c.Draft.DraftedBy != actor.Name {
		return cases.Errorf(cases.EFORBIDDEN, "只有拟稿人可以撤回本人起草的答复。", "only the clerk who drafted the reply may take it back")
	}
	return nil
}

// WithdrawDraftPayload is the payload of withdraw_draft: why the drafter takes the draft back.
type WithdrawDraftPayload struct {
	Reason string `json:"reason,omitempty" form:"opt"`
}

func withdrawDraftCheck(x *exec, p *WithdrawDraftPayload) error {
	if utf8.RuneCountInString(p.Reason) > 2000 {
		return invalid("reason", "撤回理由不能超过2000字。", "The reason may not exceed 2000 characters.")
	}
	return nil
}

// withdrawDraftEffect: the draft leaves approval (no supervisor has acted: the case is still
// pending) and the clerk works on it again.
func withdrawDraftEffect(x *exec, p *WithdrawDraftPayload) {
	x.payload["outcome"] = x.c.Draft.Outcome
	if p.Reason != "" {
		x.payload["reason"] = p.Reason
	}
	x.c.Draft = nil
}

// ApprovePayload is the payload of approve: the supervisor's optional 审批意见, kept in the event.
type ApprovePayload struct {
	Opinion string `json:"opinion,omitempty" form:"opt"`
}

func approveCheck(x *exec, p *ApprovePayload) error {
	if x.c.Draft == nil {
		return conflict("没有待审批的答复。", "there is no drafted reply")
	}
	if utf8.RuneCountInString(p.Opinion) > 2000 {
		return invalid("opinion", "审批意见不能超过2000字。", "The opinion may not exceed 2000 characters.")
	}
	return nil
}

// approveEffect: the supervisor's 保密审查 and legal check; the reply letter is numbered and frozen.
func approveEffect(x *exec, p *ApprovePayload) {
	x.conclude(x.c.Draft.Outcome)
	x.payload["outcome"] = x.c.Draft.Outcome
	if o := strings.TrimSpace(p.Opinion); o != "" {
		x.payload["opinion"] = o
	}
	x.letter(cases.LetterRequest{Kind: cases.DocReply})
	// Art. 32: a third party that objected is told, with the content and the reasons, that the
	// agency discloses all the same (in the public interest).
	if o := x.c.Draft.Outcome; o == cases.OutcomeDisclose || o == cases.OutcomePartial {
		for _, pt := range x.c.Parties {
			if pt.Kind == "third_party" && pt.Answer == "object" {
				x.letter(cases.LetterRequest{Kind: cases.DocObjectionOverride, Party: &pt, Reason: x.c.Draft.Reasons})
			}
		}
	}
}

// RecordDeliveryPayload is the payload of record_delivery.
type RecordDeliveryPayload struct {
	Way         string         `json:"way" form:"text"`
	DeliveredOn cases.Date     `json:"delivered_on" form:"date"`
	Proof       *DeliveryProof `json:"proof,omitempty" form:"-"`
}

// DeliveryProof is the proof of a delivery: an EMS number, a scanned 送达回证 (a document of the
// case), an e-mail, or another (the domain's type, shown on the case page and in the ledger).
type DeliveryProof = cases.DeliveryProof

func recordDeliveryCheck(x *exec, p *RecordDeliveryPayload) error {
	if !cases.DeliveryWays.Has(p.Way) {
		return invalid("way", "请选择送达方式。", "Choose the way of delivery.")
	}
	if p.DeliveredOn.IsZero() || p.DeliveredOn.After(x.env.Today) || p.DeliveredOn.Before(x.c.ConcludedOn) {
		return invalid("delivered_on", "送达日期应在答复日期与今天之间。", "The delivery date must lie between the reply date and today.")
	}
	if pr := p.Proof; pr != nil {
		pr.Number = strings.TrimSpace(pr.Number)
		switch {
		case !cases.ProofKinds.Has(pr.Kind):
			return invalid("proof.kind", "送达凭证的类型应为EMS单号、送达回证、电子邮件或其他。", "The kind of proof must be ems, receipt_card, email or other.")
		case pr.Kind == "ems" && pr.Number == "":
			return invalid("proof.number", "请填写EMS单号。", "Give the EMS tracking number.")
		case utf8.RuneCountInString(pr.Number) > 100:
			return invalid("proof.number", "凭证编号不能超过100个字符。", "The number may not exceed 100 characters.")
		case pr.DocumentID != 0 && (x.env.HasDocument == nil || !x.env.HasDocument(pr.DocumentID)):
			return invalid("proof.document_id", "该文件不是本案卷中的文件。", "That document is not in this case file.")
		case pr.Kind == "receipt_card" && pr.DocumentID == 0:
			return invalid("proof.document_id", "请选择扫描的送达回证。", "Choose the scanned service receipt.")
		}
	}
	return nil
}

// recordDeliveryEffect: the deadline is met on the day of signature or of posting (国办公开办函〔2016〕235号).
func recordDeliveryEffect(x *exec, p *RecordDeliveryPayload) {
	x.c.DeliveredOn, x.c.DeliveryWay = p.DeliveredOn, p.Way
	x.payload["way"], x.payload["delivered_on"], x.payload["on_time"] = p.Way, p.DeliveredOn, !p.DeliveredOn.After(x.c.ReplyDue)
	if p.Proof != nil {
		x.payload["proof"] = p.Proof
	}
}
