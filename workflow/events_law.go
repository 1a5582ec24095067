package workflow

import (
	cases "foidesk/case"
)

// Corrections of the record (docs/rules.md §2): a typo or a wrong receipt date, with a reason.
var lawSpecs = []Spec{
	{
		Name: cases.EventAmend, ZH: "更正登记信息", EN: "Correct the record",
		Rows:        []Row{{From: correctable, To: Stay, Roles: staffWork}},
		Run:         on(nil, amendCheck, amendEffect),
		SignedDates: []string{"received_on"},
		Rank:        176,
	},
}

// correctable are the states in which staff correct the record: received, not archived (an
// archived case is read-only but for a reopen, remedies and notes; Art. 45).
var correctable = []cases.State{cases.StateRegistered, cases.StateAwaitingCorrection, cases.StateInProgress, cases.StateConsulting,
	cases.StateAwaitingFee, cases.StatePendingApproval, cases.StateReplied, cases.StateClosed}

// AmendPayload corrects the record of a registered case: applicant fields and the receipt date,
// with a reason (docs/rules.md §2).
type AmendPayload struct {
	Applicant  map[string]string `json:"applicant,omitempty" form:"-"`
	ReceivedOn cases.Date        `json:"received_on,omitempty" form:"date"`
	Reason     string            `json:"reason" form:"text"`

	after cases.Applicant
}

// amendable are the applicant fields amend may correct (the kind is not: a new application).
var amendable = map[string]func(a *cases.Applicant) *string{
	"name":         func(a *cases.Applicant) *string { return &a.Name },
	"id_type":      func(a *cases.Applicant) *string { return &a.IDType },
	"id_number":    func(a *cases.Applicant) *string { return &a.IDNumber },
	"org_category": func(a *cases.Applicant) *string { return &a.OrgCategory },
	"legal_rep":    func(a *cases.Applicant) *string { return &a.LegalRep },
	"contact_name": func(a *cases.Applicant) *string { return &a.ContactName },
	"phone":        func(a *cases.Applicant) *string { return &a.Phone },
	"email":        func(a *cases.Applicant) *string { return &a.Email },
	"address":      func(a *cases.Applicant) *string { return &a.Address },
	"postcode":     func(a *cases.Applicant) *string { return &a.Postcode },
	"fax":          func(a *cases.Applicant) *string { return &a.Fax },
}

func amendCheck(x *exec, p *AmendPayload) error {
	if err := required("reason", p.Reason, "请填写更正理由。", "Give the reason for the correction."); err != nil {
		return err
	}
	if len(p.Applicant) == 0 && p.ReceivedOn.IsZero() {
		return invalid("applicant", "请填写需要更正的内容。", "Give what is to be corrected.")
	}
	a := x.c.Applicant
	for k, v := range p.Applicant {
		f, ok := amendable[k]
		if !ok {
			return invalid("applicant."+k, "该项不能更正。", "This field cannot be corrected.")
		}
		*f(&a) = v
	}
	app := cases.Application{Applicant: a, Description: x.c.Description, Purpose: x.c.Purpose, Delivery: x.c.Delivery, Carrier: x.c.Carrier}
	app.Normalize()
	received := x.c.ReceivedOn
	if !p.ReceivedOn.IsZero() {
		received = p.ReceivedOn
		switch {
		case p.ReceivedOn.After(x.env.Today):
			return invalid("received_on", "收到申请的日期不得晚于今天。", "The date of receipt must not be after today.")
		case p.ReceivedOn.Before(cases.RegulationsInForce):
			return invalid("received_on", "收到申请的日期不得早于2019年5月15日（《条例》施行之日）。", "The date of receipt must not be before 15 May 2019, when the Regulations took effect.")
		case !cases.IsOpen(x.c.State):
			return conflict("案件已办结，收到申请的日期不能再更正（答复期限以办结时为准）。", "the case is concluded: its receipt date can no longer be corrected")
		case x.c.Handling > 1 || x.c.Clock.Epoch > 0:
			return conflict("补正或重新办理后，答复期限已另行起算，不能再更正收到申请的日期。", "the reply period restarted (correction or reopen): the receipt date can no longer be corrected")
		}
	}
	// Only the corrected fields are judged: an older record (an import) is not refused for
	// fields nobody touches.
	if err := app.Validate(received, false); err != nil {
		var fe cases.FieldErrors
		if e, ok := err.(*cases.Error); ok {
			for k := range p.Applicant {
				if m, bad := e.Fields["applicant."+k]; bad {
					fe.Add("applicant."+k, m, e.FieldsEN["applicant."+k])
				}
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
	}
	p.after = app.Applicant
	return nil
}

// amendEffect: the record corrected, before and after kept in the event; a new receipt date
// restarts the count of every deadline from it (docs/rules.md §2).
func amendEffect(x *exec, p *AmendPayload) {
	before, after := map[string]any{}, map[string]any{}
	for k := range p.Applicant {
		b, a := *amendable[k](&x.c.Applicant), *amendable[k](&p.after)
		if b != a {
			before["applicant."+k], after["applicant."+k] = b, a
		}
	}
	x.c.Applicant = p.after
	if !p.ReceivedOn.IsZero() && !p.ReceivedOn.Equal(x.c.ReceivedOn) {
		before["received_on"], after["received_on"] = x.c.ReceivedOn, p.ReceivedOn
		x.c.ReceivedOn = p.ReceivedOn
		x.c.Clock.Start = p.ReceivedOn
		Recompute(x.c, x.env.Cal)
	}
	x.payload["before"], x.payload["after"], x.payload["reason"] = before, after, p.Reason
}
