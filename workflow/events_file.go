package workflow

import (
	cases "foidesk/case"
	"slices"
)

// The case file: archiving (Art. 45), a new handling (docs/rules.md §8), reassignment, notes and
// the records of 行政复议 and 行政诉讼 (table 四).
var fileSpecs = []Spec{
	{
		Name: cases.EventArchive, ZH: "归档", EN: "Archive",
		Rows:   []Row{{From: []cases.State{cases.StateReplied, cases.StateClosed}, To: cases.StateArchived, Roles: staffWork}},
		Run:    on(nil, archiveCheck, archiveEffect),
		Public: &Public{Label: Text{"归档", "Archived"}},
		Rank:   130,
		Bulk:   true,
	},
	{
		Name: cases.EventReopen, ZH: "重新办理", EN: "Reopen",
		Rows:   []Row{{From: []cases.State{cases.StateReplied, cases.StateClosed, cases.StateArchived}, To: cases.StateInProgress, Roles: supervisor}},
		Run:    on(nil, reopenCheck, reopenEffect),
		Public: &Public{Label: Text{"重新办理", "Reopened"}, Detail: replyDue},
		Rank:   170,
	},
	{
		Name: cases.EventReassign, ZH: "改派", EN: "Reassign",
		Rows: []Row{{From: cases.OpenStates, To: Stay, Roles: supervisor}},
		Run:  on(nil, reassignCheck, reassignEffect),
		Rank: 160,
		Bulk: true,
	},
	{
		Name: cases.EventAddNote, ZH: "添加备注", EN: "Add note",
		Rows: []Row{{From: allStates, To: Stay, Roles: allStaff}},
		Run:  on(nil, addNoteCheck, addNoteEffect),
		Rank: 200,
	},
	{
		Name: cases.EventRecordRemedy, ZH: "登记救济", EN: "Record remedy",
		Rows: []Row{{From: received, To: Stay, Roles: staffWork}},
		Run:  on(nil, recordRemedyCheck, recordRemedyEffect),
		Rank: 210,
	},
	{
		Name: cases.EventSetCategory, ZH: "更正机构类别", EN: "Correct the category",
		// Received states but archived: an archived file is read-only but for a reopen, remedy
		// records and notes (Art. 45; docs/rules.md §8).
		Rows: []Row{{From: slices.DeleteFunc(slices.Clone(received), func(s cases.State) bool { return s == cases.StateArchived }), To: Stay, Roles: staffWork}},
		Run:  on(setCategoryGuard, setCategoryCheck, setCategoryEffect),
		Rank: 215,
	},
}

// SetCategoryPayload is the payload of set_category: an organisation's table 三 category as staff
// correct it (docs/rules.md §1), with the reason.
type SetCategoryPayload struct {
	OrgCategory string `json:"org_category" form:"text"`
	Reason      string `json:"reason" form:"text"`
}

func setCategoryGuard(x *exec) error {
	if x.c.Applicant.Kind != cases.KindOrganization {
		return conflict("只有法人或其他组织的申请才有机构类别。", "only an organisation's application has a category")
	}
	return nil
}

func setCategoryCheck(x *exec, p *SetCategoryPayload) error {
	if !cases.OrgCategories.Has(p.OrgCategory) {
		return invalid("org_category", "请选择机构类别（商业企业、科研机构、社会公益组织、法律服务机构或其他）。", "Choose a category: business, research, public_interest, legal_service or other.")
	}
	if p.OrgCategory == x.c.Applicant.OrgCategory {
		return invalid("org_category", "机构类别没有变化。", "The category is unchanged.")
	}
	return required("reason", p.Reason, "请填写更正的理由。", "Give the reason for the correction.")
}

// setCategoryEffect: the annual report counts the case under the corrected category; the event
// keeps the category before and after, so that the report can be traced.
func setCategoryEffect(x *exec, p *SetCategoryPayload) {
	x.payload["before"], x.payload["after"], x.payload["reason"] = x.c.Applicant.OrgCategory, p.OrgCategory, p.Reason
	x.c.Applicant.OrgCategory = p.OrgCategory
}

// archiveCheck: Art. 45 — only a complete file is archived, a reply only once delivered.
func archiveCheck(x *exec, _ *Empty) error {
	if x.c.State == cases.StateReplied && x.c.DeliveredOn.IsZero() && !x.c.Imported {
		return conflict("答复尚未登记送达，不能归档。", "record the delivery of the reply before archiving")
	}
	if !x.env.FileComplete {
		return conflict("卷宗不完整，不能归档。", "the case file is incomplete")
	}
	return nil
}

func archiveEffect(x *exec, _ *Empty) { x.c.ArchivedOn = x.env.Today }

// ReopenPayload is the payload of reopen: the reason and, optionally, the new reply date.
type ReopenPayload struct {
	Reason string     `json:"reason" form:"text"`
	DueOn  cases.Date `json:"due_on,omitempty" form:"date"`
}

func reopenCheck(x *exec, p *ReopenPayload) error {
	if err := required("reason", p.Reason, "请填写重新办理的理由。", "Give the reason for reopening."); err != nil {
		return err
	}
	if !p.DueOn.IsZero() && !p.DueOn.After(x.env.Today) {
		return invalid("due_on", "答复期限应晚于今天。", "The due date must be after today.")
	}
	return nil
}

// reopenEffect starts a new handling of the case, received on the reopen's date (docs/rules.md §8).
func reopenEffect(x *exec, p *ReopenPayload) {
	c := x.c
	c.Handling++
	c.ReopenedOn = x.env.Today
	c.Outcome, c.ConcludedOn, c.LetterNo, c.Draft = "", cases.Date{}, "", nil
	c.DeliveredOn, c.DeliveryWay, c.ArchivedOn = cases.Date{}, "", cases.Date{}
	c.Parties, c.Fee, c.CorrectionItems = nil, nil, nil
	pauses := c.Clock.Pauses
	c.Clock = cases.Clock{Start: x.env.Today, Days: cases.ReplyDays, Base: p.DueOn, Epoch: c.Clock.Epoch + 1, Pauses: pauses,
		CorrectedOn: cases.Date{}}
	x.payload["reason"] = p.Reason
	if !p.DueOn.IsZero() {
		x.payload["due_on"] = p.DueOn
	}
}

// ReassignPayload is the payload of reassign: the new handling clerk.
type ReassignPayload struct {
	Assignee string `json:"assignee" form:"text"`
}

func reassignCheck(x *exec, p *ReassignPayload) error {
	if err := required("assignee", p.Assignee, "请选择经办人。", "Choose the clerk."); err != nil {
		return err
	}
	if x.env.UserExists != nil && !x.env.UserExists(p.Assignee) {
		return invalid("assignee", "经办人不存在。", "No such clerk.")
	}
	return nil
}

func reassignEffect(x *exec, p *ReassignPayload) {
	x.payload["from"], x.payload["assignee"] = x.c.Assignee, p.Assignee
	x.c.Assignee = p.Assignee
}

// NotePayload is the payload of add_note.
type NotePayload struct {
	Text string `json:"text" form:"text"`
}

func addNoteCheck(x *exec, p *NotePayload) error {
	return required("text", p.Text, "请填写备注内容。", "Enter the note.")
}

func addNoteEffect(x *exec, p *NotePayload) { x.payload["text"] = p.Text }

// RecordRemedyPayload is the payload of record_remedy: a 行政复议 or 行政诉讼 (table 四), or with
// remedy_id the decision of one already recorded on the case.
type RecordRemedyPayload struct {
	RemedyID  *int64     `json:"remedy_id,omitempty" form:"int"`
	Kind      string     `json:"kind" form:"text"`
	FiledOn   cases.Date `json:"filed_on" form:"date"`
	Result    string     `json:"result,omitempty" form:"opt"`
	DecidedOn cases.Date `json:"decided_on,omitempty" form:"date"`
	ID        int64      `json:"id,omitempty" form:"-"` // accepted and ignored: the store numbers remedies

	remedy cases.Remedy
}

// recordRemedyCheck validates a new remedy record, or with remedy_id the result of the case's
// remedy record: the same record is updated (never a second row), so table 四 counts it once
// (docs/api.md record_remedy).
func recordRemedyCheck(x *exec, p *RecordRemedyPayload) error {
	if p.RemedyID == nil {
		p.remedy = cases.Remedy{Kind: p.Kind, FiledOn: p.FiledOn, Result: p.Result, DecidedOn: p.DecidedOn}
		return ValidateRemedy(&p.remedy, x.env.Today)
	}
	var old *cases.Remedy
	for i := range x.c.Remedies {
		if x.c.Remedies[i].ID == *p.RemedyID {
			old = &x.c.Remedies[i]
		}
	}
	if old == nil {
		return invalid("remedy_id", "该案件没有这一行政复议或诉讼记录。", "This case has no such remedy record.")
	}
	if old.Result != "" && old.Result != cases.RemedyPending {
		return conflict("该行政复议或诉讼已登记结果。", "the result of this remedy is already recorded")
	}
	if (p.Kind != "" && p.Kind != old.Kind) || (!p.FiledOn.IsZero() && !p.FiledOn.Equal(old.FiledOn)) {
		return invalid("remedy_id", "登记结果时不能更改救济类型或申请日期。", "The kind and filing date of a recorded remedy cannot be changed.")
	}
	r := *old
	r.Result, r.DecidedOn = p.Result, p.DecidedOn
	if r.Result == "" || r.Result == cases.RemedyPending {
		return invalid("result", "请选择审结结果。", "Choose the result of the decision.")
	}
	if err := ValidateRemedy(&r, x.env.Today); err != nil {
		return err
	}
	p.remedy = r
	return nil
}

// recordRemedyEffect records a 行政复议 or 行政诉讼 (table 四), allowed on archived cases too.
func recordRemedyEffect(x *exec, p *RecordRemedyPayload) {
	r := p.remedy
	r.CaseID = x.c.ID
	x.remedy = &r
	if p.RemedyID != nil {
		x.payload["remedy_id"], x.payload["kind"], x.payload["filed_on"] = r.ID, r.Kind, r.FiledOn
		x.payload["result"], x.payload["decided_on"] = r.Result, r.DecidedOn
		return
	}
	x.payload["kind"], x.payload["filed_on"], x.payload["result"] = r.Kind, r.FiledOn, r.Result
	if !r.DecidedOn.IsZero() {
		x.payload["decided_on"] = r.DecidedOn
	}
}

// ValidateRemedy checks a remedy record: kind and result from table 四, dates not in the future,
// decided on or after filed; a pending remedy has no decision date.
func ValidateRemedy(r *cases.Remedy, today cases.Date) error {
	if r.Result == "" {
		r.Result = "pending"
	}
	if !cases.RemedyKinds.Has(r.Kind) {
		return invalid("kind", "请选择救济类型（行政复议或行政诉讼）。", "Choose the kind of remedy.")
	}
	if !cases.RemedyResults.Has(r.Result) {
		return invalid("result", "请选择结果。", "Choose the result.")
	}
	if r.FiledOn.IsZero() || r.FiledOn.After(today) {
		return invalid("filed_on", "请填写不晚于今天的申请（起诉）日期。", "Enter the filing date (not in the future).")
	}
	if r.Result == "pending" {
		if !r.DecidedOn.IsZero() {
			return invalid("decided_on", "尚未审结的案件不应填写审结日期。", "A pending remedy has no decision date.")
		}
	} else if r.DecidedOn.IsZero() || r.DecidedOn.Before(r.FiledOn) || r.DecidedOn.After(today) {
		return invalid("decided_on", "审结日期应在申请日期与今天之间。", "The decision date must lie between filing and today.")
	}
	return nil
}
