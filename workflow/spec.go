package workflow

// How to add an event
//
// An event is described once, by one Spec in one of the events_*.go files, next to the code of its
// guard and effect. To add one:
//
//  1. name it: a cases.Event* constant in case/events.go;
//  2. write its Spec in the events_*.go file of its group: the table rows (from states → to, or
//     Stay, and the roles), the labels zh/en, the payload struct (json tags are the API's field
//     names, form tags the staff form's field kinds), Run: on(guard, check, effect), the letters it
//     issues, Public (how the applicant's timeline shows it; nil: not at all), Notice and SMS (the
//     e-mail and the text message to the applicant), SignedDates (the payload dates the sign-off
//     check reads), Rank (its place among the actions of the staff case page) and Bulk (whether
//     POST /cases/bulk may fire it);
//  3. put it in its group's slice (receiptSpecs, …; specs concatenates the groups, and spec order
//     is table order: it fixes the arrows of docs/state-machine.md);
//  4. add what is not data: its letter template (package forms) and e-mail text (store's
//     notices.Applicant) if it has them, its form markup on the staff case page
//     (web/templates/staff/case.html), its request sketch in web/openapi.yaml's EventRequest, and
//     tests; then regenerate the diagram with `go test ./workflow -run TestMermaidDoc -update`.
//
// Nothing else keys on the event's name: the machine (looplab/fsm), Allowed, the labels, the staff
// form and the order of its actions, the public timeline, the applicant's e-mails and text
// messages, the sign-off check, the scheduler's lapse events, the bulk events and the diagram are
// all derived from the specs (and web's TestOpenAPIDocumentsEventPayloads checks openapi.yaml
// against them).

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"

	cases "foidesk/case"
)

// Stay is a destination meaning "the state does not change".
const Stay cases.State = ""

// Row is one row of the transition table: the event fired in any of From leads to To (Stay for a
// state-preserving event) and may be fired by any of Roles (cases.Role*, applicant, system).
type Row struct {
	From  []cases.State
	To    cases.State
	Roles []string
}

// Text is a sentence in Chinese and in English.
type Text struct{ ZH, EN string }

// In returns the text in lang ("en" or Chinese).
func (t Text) In(lang string) string {
	if lang == "en" {
		return t.EN
	}
	return t.ZH
}

// Public is how the applicant's timeline (the tracking page and GET /api/v1/track) shows an event.
type Public struct {
	Label Text
	// Detail says in plain words what the event meant for the applicant, from the payload fields
	// meant for them only (never a party's name, an assignee or a note); nil: no detail.
	Detail func(e cases.Event, p Payload) Text
}

// Payload is a recorded event payload read back from its JSON.
type Payload map[string]any

// Str returns the string field k ("" when absent).
func (p Payload) Str(k string) string { s, _ := p[k].(string); return s }

// Num returns the number field k (0 when absent).
func (p Payload) Num(k string) int { n, _ := p[k].(float64); return int(n) }

// Spec is everything about one event, in one place.
type Spec struct {
	Name cases.EventName
	ZH   string // label on staff pages and in reports
	EN   string
	// Rows are the event's rows of the transition table; none for an event foidesk records
	// itself (System).
	Rows []Row
	// Run holds the payload type and the rules: on(guard, check, effect). The machine runs the
	// guard and the check in before_<event>, the effect in after_<event>.
	Run Rules
	// Relation refuses (EFORBIDDEN) an actor who holds the role but stands in the wrong relation
	// to the case (approve: the drafter); checked before the machine is asked, like the roles.
	Relation func(c *cases.Case, actor cases.Actor) error
	// Letters are the kinds of the documents the event may issue (cases.Doc*).
	Letters []string
	// Public is how the applicant sees the event; nil: the office's internal work.
	Public *Public
	// Notice is the e-mail the event sends the applicant who gave an address; "" none.
	Notice cases.NoticeKind
	// SMS is the kind of the text message (cases.SMS*) the event sends the applicant who gave a
	// mobile number, when it asks them to act or tells a decision; "" none.
	SMS string
	// SignedDates are the payload date fields by which the event writes a fact into the past:
	// the sign-off check refuses them inside a signed month, as it does the event's own date.
	SignedDates []string
	// Rank orders the actions of the staff case page: the usual next steps first.
	Rank int
	// Bulk: the event may be fired on many cases at once (POST /cases/bulk).
	Bulk bool
	// System marks an event foidesk records itself, outside the table (no Rows, no Run).
	System bool
}

// Label returns the event's label in lang.
func (s *Spec) Label(lang string) string { return Text{s.ZH, s.EN}.In(lang) }

// Payload returns the event's payload type (a struct), nil for a system event.
func (s *Spec) Payload() reflect.Type { return s.Run.payload }

// Applicant reports whether the applicant may fire the event (through the access code).
func (s *Spec) Applicant() bool {
	for _, r := range s.Rows {
		if slices.Contains(r.Roles, roleApplicant) {
			return true
		}
	}
	return false
}

// staff reports whether a staff user may fire the event (in some state).
func (s *Spec) staff() bool {
	for _, r := range s.Rows {
		if slices.ContainsFunc(r.Roles, func(role string) bool { return role != roleApplicant && role != roleSystem }) {
			return true
		}
	}
	return false
}

// Rules are the guard, check and effect of an event over its payload type.
type Rules struct {
	payload reflect.Type
	before  func(x *exec, raw json.RawMessage) error
	after   func(x *exec)
}

// on makes the rules of an event with payload P: guard checks the case's history before the
// payload is read (ECONFLICT), check the decoded payload against the case (EINVALID with fields,
// or ECONFLICT), and may normalise it; effect changes the case, records the payload and issues
// the letters. guard and check may be nil.
func on[P any](guard func(x *exec) error, check func(x *exec, p *P) error, effect func(x *exec, p *P)) Rules {
	return Rules{
		payload: reflect.TypeFor[P](),
		before: func(x *exec, raw json.RawMessage) error {
			if guard != nil {
				if err := guard(x); err != nil {
					return err
				}
			}
			p := new(P)
			if _, ignored := any(p).(*Ignored); !ignored {
				if err := decode(raw, p); err != nil {
					return err
				}
			}
			if check != nil {
				if err := check(x, p); err != nil {
					return err
				}
			}
			x.p = p
			return nil
		},
		after: func(x *exec) { effect(x, x.p.(*P)) },
	}
}

// Empty is the payload of an event that takes none: any field is refused.
type Empty struct{}

// Ignored is the payload of an event fired by the scheduler only: whatever is sent is not read.
type Ignored struct{}

// specs are every event, those of the table in table order (the order of docs/state-machine.md),
// then those foidesk records itself.
var specs = slices.Concat(receiptSpecs, consultSpecs, feeSpecs, periodSpecs, replySpecs, lawSpecs, fileSpecs, systemSpecs)

var byName = func() map[cases.EventName]*Spec {
	m := map[cases.EventName]*Spec{}
	for i := range specs {
		if _, dup := m[specs[i].Name]; dup {
			panic("workflow: event " + string(specs[i].Name) + " described twice")
		}
		m[specs[i].Name] = &specs[i]
	}
	return m
}()

// Specs returns every event's spec: the table's in table order, then the system events.
func Specs() []*Spec {
	out := make([]*Spec, len(specs))
	for i := range specs {
		out[i] = &specs[i]
	}
	return out
}

// Lookup returns the spec of an event (table or system).
func Lookup(name cases.EventName) (*Spec, bool) {
	s, ok := byName[name]
	return s, ok
}

// SignedDates returns the payload date fields of event that the sign-off check reads.
func SignedDates(name cases.EventName) []string {
	if s, ok := byName[name]; ok {
		return s.SignedDates
	}
	return nil
}

// Notice returns the applicant notice event sends ("" none).
func Notice(name cases.EventName) cases.NoticeKind {
	if s, ok := byName[name]; ok {
		return s.Notice
	}
	return ""
}

// SMS returns the kind of the text message event sends the applicant ("" none).
func SMS(name cases.EventName) string {
	if s, ok := byName[name]; ok {
		return s.SMS
	}
	return ""
}

// NoticeEvents lists the events that e-mail the applicant, in spec order.
func NoticeEvents() []cases.EventName {
	var out []cases.EventName
	for _, s := range specs {
		if s.Notice != "" {
			out = append(out, s.Name)
		}
	}
	return out
}

// ApplicantEvents lists the events the applicant may fire, in spec order.
func ApplicantEvents() []cases.EventName {
	var out []cases.EventName
	for i := range specs {
		if specs[i].Applicant() {
			out = append(out, specs[i].Name)
		}
	}
	return out
}

// PublicEvent returns how the applicant's timeline shows event; nil: not at all.
func PublicEvent(name cases.EventName) *Public {
	if s, ok := byName[name]; ok {
		return s.Public
	}
	return nil
}

// SchedulerEvents maps each state to the table event the scheduler (the system actor) fires in it.
func SchedulerEvents() map[cases.State]cases.EventName {
	out := map[cases.State]cases.EventName{}
	for _, s := range specs {
		for _, r := range s.Rows {
			if slices.Contains(r.Roles, roleSystem) {
				for _, f := range r.From {
					out[f] = s.Name
				}
			}
		}
	}
	return out
}

// BulkEvents lists the events POST /cases/bulk may fire, in spec order.
func BulkEvents() []cases.EventName {
	var out []cases.EventName
	for _, s := range specs {
		if s.Bulk {
			out = append(out, s.Name)
		}
	}
	return out
}

// ActionRank is the place of event among the actions of the staff case page (unknown: last).
func ActionRank(name cases.EventName) int {
	if s, ok := byName[name]; ok && s.Rank > 0 {
		return s.Rank
	}
	return 1 << 30
}

// StaffActions lists the events a staff user may fire, in the order of the staff case page.
func StaffActions() []cases.EventName {
	var out []cases.EventName
	for i := range specs {
		if specs[i].staff() {
			out = append(out, specs[i].Name)
		}
	}
	slices.SortStableFunc(out, func(a, b cases.EventName) int { return ActionRank(a) - ActionRank(b) })
	return out
}

// Form field kinds of a payload field (its `form` tag): how the staff case page's form makes the
// field's value.
const (
	FormText  = "text"  // a string, always sent (the workflow says when it is required)
	FormOpt   = "opt"   // a string, left out when empty
	FormDate  = "date"  // YYYY-MM-DD, left out when empty
	FormInt   = "int"   // an integer, left out when empty
	FormLines = "lines" // a textarea, one item per line → [text]
	FormIDs   = "ids"   // checkboxes of document ids → [id]
	FormNone  = "-"     // not on the form (built by the page's own code, or API only)
)

// FormField is one field of an event's staff form: the payload key and its kind.
type FormField struct {
	Name string
	Kind string
}

// FormFields returns the staff form fields of event, from its payload struct's json and form
// tags, in field order; ok is false for an unknown or system event.
func FormFields(name cases.EventName) (fields []FormField, ok bool) {
	s, found := byName[name]
	if !found || !s.staff() {
		return nil, false
	}
	for _, f := range PayloadFields(s.Payload()) {
		if f.Form != FormNone {
			fields = append(fields, FormField{f.JSON, f.Form})
		}
	}
	return fields, true
}

// PayloadField is one field of a payload struct: its JSON name, its form kind and its Go type.
type PayloadField struct {
	JSON string
	Form string
	Type reflect.Type
}

// PayloadFields lists the fields of a payload struct type.
func PayloadFields(t reflect.Type) []PayloadField {
	var out []PayloadField
	if t == nil {
		return nil
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, PayloadField{JSON: name, Form: f.Tag.Get("form"), Type: f.Type})
	}
	return out
}
