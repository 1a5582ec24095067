package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/looplab/fsm"

	cases "foidesk/case"
)

// Request is one event asked for a case (see cases.EventRequest).
type Request = cases.EventRequest

// Env is everything Apply needs besides the case: the instant, the agency's today, the calendar,
// the agency settings and the facts the store looked up for this case.
type Env struct {
	Now      time.Time
	Today    cases.Date
	Cal      *Calendar
	Settings cases.Settings
	// FeeMonthCount is the applicant's number of requests received in this case's receipt month,
	// this one included (国办函〔2020〕109号, per request).
	FeeMonthCount int
	// UserExists reports whether a staff user of the case's agency has this name.
	UserExists func(name string) bool
	// FileComplete reports whether every document issued for the case is present.
	FileComplete bool
	// Releasable maps the ids of the case's documents that staff uploaded as information to
	// release to their titles: the only documents a drafted reply may attach (its 附件).
	Releasable map[int64]string
	// CaseByTracking returns another case of the agency by its tracking number (ENOTFOUND):
	// rejected.duplicate names an earlier concluded case of the same applicant.
	CaseByTracking func(trackingNo string) (*cases.Case, error)
	// HasDocument reports whether the document is one of this case's (a delivery proof).
	HasDocument func(id int64) bool
}

// Result is what an event does: the case after it, the event to append (seq and hashes are the
// store's), the letters to issue and the remedy to record.
type Result struct {
	Case    *cases.Case
	Event   cases.Event
	Letters []cases.LetterRequest
	Remedy  *cases.Remedy
}

// The machine's events and callbacks, built once from the specs. The callbacks find the work of
// one Apply in the event's first argument (*exec): before_<event> runs the spec's guard and check
// (an error cancels the event), enter_state moves the case to the new state, after_<event> runs
// the spec's effect (for a state-preserving event too: looplab/fsm calls it, then answers
// NoTransitionError).
var (
	fsmEvents = func() []fsm.EventDesc {
		var descs []fsm.EventDesc
		for _, t := range Table {
			for _, from := range t.From {
				to := t.To
				if to == Stay {
					to = from
				}
				descs = append(descs, fsm.EventDesc{Name: string(t.Event), Src: []string{string(from)}, Dst: string(to)})
			}
		}
		return descs
	}()
	fsmCallbacks = func() fsm.Callbacks {
		cb := fsm.Callbacks{
			"enter_state": func(_ context.Context, e *fsm.Event) {
				if x, ok := work(e); ok {
					x.c.State = cases.State(e.Dst)
				}
			},
		}
		for i := range specs {
			s := &specs[i]
			if s.System {
				continue
			}
			cb["before_"+string(s.Name)] = func(_ context.Context, e *fsm.Event) {
				if x, ok := work(e); ok {
					if err := s.Run.before(x, x.raw); err != nil {
						e.Cancel(err)
					}
				}
			}
			cb["after_"+string(s.Name)] = func(_ context.Context, e *fsm.Event) {
				if x, ok := work(e); ok {
					s.Run.after(x)
				}
			}
		}
		return cb
	}()
)

// work is the Apply an event of the machine belongs to (none when the machine is only asked).
func work(e *fsm.Event) (*exec, bool) {
	if len(e.Args) == 0 {
		return nil, false
	}
	x, ok := e.Args[0].(*exec)
	return x, ok
}

// Machine returns a looplab/fsm machine for a case in state, built from the event specs with
// their rules as callbacks.
func Machine(state cases.State) *fsm.FSM {
	return fsm.NewFSM(string(state), fsmEvents, fsmCallbacks)
}

// machines are machines built once and handed out again, each to one Apply at a time: pprof of
// add_note over HTTP found building one (its ~200 transitions and ~80 callbacks put into maps)
// 6 % of serve's CPU, for every event. SetState puts a machine in the case's state. A machine
// goes back only after its event returned (looplab/fsm then holds no transition in progress:
// there are no asynchronous leave callbacks); one whose event panicked is dropped.
var machines = sync.Pool{New: func() any { return Machine(cases.StateSubmitted) }}

func machineIn(state cases.State) *fsm.FSM {
	m := machines.Get().(*fsm.FSM)
	m.SetState(string(state))
	return m
}

// actorRoles are the roles the actor holds in table terms.
func actorRoles(a cases.Actor) []string {
	switch a.Kind {
	case cases.ActorApplicant:
		return []string{roleApplicant}
	case cases.ActorSystem:
		return []string{roleSystem}
	}
	return a.Roles
}

func anyRole(have, allowed []string) bool {
	for _, h := range have {
		if slices.Contains(allowed, h) {
			return true
		}
	}
	return false
}

// Allowed lists the table events that actor may fire on case c in its current state (the guards
// of history and payload are not checked, the relation to the case is): the actions a page offers.
func Allowed(c *cases.Case, actor cases.Actor) []cases.EventName {
	var out []cases.EventName
	for _, t := range Table {
		if slices.Contains(t.From, c.State) && anyRole(actorRoles(actor), t.Roles) && !slices.Contains(out, t.Event) {
			if s := byName[t.Event]; s.Relation != nil && s.Relation(c, actor) != nil {
				continue
			}
			out = append(out, t.Event)
		}
	}
	return out
}

// Apply fires req on a copy of c as actor. It checks, in this order: an unknown event (EINVALID),
// the actor's role or relation (EFORBIDDEN), the state and history (ECONFLICT), the payload
// (EINVALID). The roles and the relation are checked before the machine is asked; the machine
// (looplab/fsm, built from the specs) answers the state, then runs the spec's guard and check
// (before_<event>) and its effect (after_<event>). On success it returns the changed copy and
// the event; c is never modified.
func Apply(c *cases.Case, req Request, actor cases.Actor, env Env) (*Result, error) {
	spec, ok := byName[req.Event]
	rs := rows(req.Event)
	if !ok || len(rs) == 0 {
		if slices.Contains(cases.RecordedEvents, req.Event) { // a known event only foidesk records (docs/design.md)
			return nil, forbidden(fmt.Sprintf("“%s”由系统自动记录，不能作为操作提交。", req.Event), string(req.Event)+" is recorded by foidesk itself")
		}
		return nil, invalid("event", fmt.Sprintf("未知的操作“%s”。", req.Event), fmt.Sprintf("Unknown event %q.", req.Event))
	}
	roles := actorRoles(actor)
	if !anyRole(roles, allRolesOf(rs)) {
		return nil, forbidden(fmt.Sprintf("您无权执行“%s”操作。", spec.ZH), "you may not "+string(req.Event))
	}
	if actor.Kind == cases.ActorStaff && !actor.MayActFor(c.AgencyID) {
		return nil, cases.Errorf(cases.EFORBIDDEN, "该案件不属于您所在的机关。", "this case belongs to another agency")
	}
	m := machineIn(c.State)
	done := false // the machine is back at rest: it goes back to the pool
	defer func() {
		if done {
			machines.Put(m)
		}
	}()
	done = true
	if !m.Can(string(req.Event)) {
		return nil, cases.E(cases.ECONFLICT, fmt.Sprintf("案件当前状态为“%s”，不能执行“%s”操作。", c.State.Label("zh"), spec.ZH),
			fmt.Sprintf("%s is not allowed in state %s", req.Event, c.State))
	}
	row := rowFor(rs, c.State)
	if !anyRole(roles, row.Roles) {
		return nil, forbidden(fmt.Sprintf("您无权在当前状态下执行“%s”操作。", spec.ZH), "you may not "+string(req.Event)+" in this state")
	}
	if spec.Relation != nil {
		if err := spec.Relation(c, actor); err != nil {
			return nil, err
		}
	}
	if req.ExpectedVersion != nil && *req.ExpectedVersion != c.Version {
		return nil, cases.Errorf(cases.ECONFLICT, "案件已被他人修改，请刷新后重试。", "the case has changed (version %d, expected %d); reload and retry", c.Version, *req.ExpectedVersion)
	}
	n := Clone(c)
	// Only a case that is open (or not yet received) follows the current calendar: a concluded
	// case keeps the deadline in force when it was concluded, as the calendar recomputation
	// leaves it (docs/rules.md §3), so a note or a delivery record never moves it. The event records
	// the stored deadline as the one before.
	live := c.State == cases.StateSubmitted || cases.IsOpen(c.State)
	if live {
		Recompute(n, env.Cal)
	}
	before := c.ReplyDue
	x := &exec{c: n, from: c.State, actor: actor, env: env, raw: req.Payload, payload: map[string]any{}}
	done = false
	err := m.Event(context.Background(), string(req.Event), x)
	done = true
	if err != nil {
		var noTransition fsm.NoTransitionError
		var canceled fsm.CanceledError
		var ce *cases.Error
		switch {
		case errors.As(err, &ce): // a guard or check refused it
			return nil, ce
		case errors.As(err, &canceled) && canceled.Err != nil:
			return nil, canceled.Err
		case errors.As(err, &noTransition):
			// a state-preserving event: done
		default:
			return nil, cases.Errorf(cases.ECONFLICT, "案件当前状态不允许该操作。", "%s is not allowed in state %s: %v", req.Event, c.State, err)
		}
	}
	n.State = cases.State(m.Current())
	if live || cases.IsOpen(n.State) {
		Recompute(n, env.Cal)
	}
	n.Version++
	payload, err := Canonical(x.payload)
	if err != nil {
		return nil, err
	}
	ev := cases.Event{CaseID: c.ID, Event: req.Event, Actor: actor.Name, At: env.Now.UTC().Truncate(time.Microsecond),
		FromState: c.State, ToState: n.State, Payload: payload, ReplyDueBefore: before, ReplyDueAfter: n.ReplyDue}
	return &Result{Case: n, Event: ev, Letters: x.letters, Remedy: x.remedy}, nil
}

func allRolesOf(rs []Transition) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Roles...)
	}
	return out
}

func rowFor(rs []Transition, state cases.State) Transition {
	for _, r := range rs {
		if slices.Contains(r.From, state) {
			return r
		}
	}
	return Transition{}
}

// Clone returns a deep copy of the mutable parts of c.
func Clone(c *cases.Case) *cases.Case {
	n := *c
	n.Clock.Pauses = slices.Clone(c.Clock.Pauses)
	n.Parties = slices.Clone(c.Parties)
	n.CorrectionItems = slices.Clone(c.CorrectionItems)
	if c.Draft != nil {
		d := *c.Draft
		d.Documents = slices.Clone(d.Documents)
		n.Draft = &d
	}
	if c.Fee != nil {
		f := *c.Fee
		n.Fee = &f
	}
	return &n
}

// Canonical returns the canonical JSON of v: objects with sorted keys, no insignificant space
// (encoding/json sorts map keys; structs are turned into maps first).
func Canonical(v any) (json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		return nil, err
	}
	return json.Marshal(generic)
}

// exec carries one event's work through the machine's callbacks.
type exec struct {
	c       *cases.Case // the copy being changed
	from    cases.State // the state before the event
	actor   cases.Actor
	env     Env
	raw     json.RawMessage // the payload asked for
	p       any             // the decoded payload (a pointer to the spec's payload type)
	payload map[string]any  // what the event records
	letters []cases.LetterRequest
	remedy  *cases.Remedy
}

func (x *exec) letter(l cases.LetterRequest) {
	l.Date = x.env.Today
	x.letters = append(x.letters, l)
}

func (x *exec) conclude(outcome string) {
	x.c.Outcome = outcome
	x.c.ConcludedOn = x.env.Today
}

// decode reads the payload into v, refusing unknown fields (a misspelt field must not be
// silently ignored); an empty payload is "{}". The API body carries the event's name and
// expected_version beside the payload: those two keys are ignored.
func decode(raw json.RawMessage, v any) error {
	if len(strings.TrimSpace(string(raw))) == 0 {
		raw = json.RawMessage("{}")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return cases.Errorf(cases.EINVALID, "提交的内容格式不正确。", "malformed payload: %v", err)
	}
	delete(obj, "event")
	delete(obj, "expected_version")
	clean, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(clean)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var ce *cases.Error
		if errors.As(err, &ce) {
			if len(ce.Fields) == 0 { // a value its type refused (e.g. a date): name its field
				if name := failingKey(obj, v); name != "" {
					return invalid(name, name+"："+ce.Message, name+": "+cases.ErrorMessage(ce, "en"))
				}
			}
			return ce
		}
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			name = strings.Trim(name, `"`)
			return invalid(name, "不接受字段“"+name+"”。", "Unknown field "+name+".")
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return invalid(te.Field, "字段“"+te.Field+"”的值类型不正确。", "The field "+te.Field+" has a value of the wrong kind.")
		}
		return invalid("body", "提交的内容格式不正确。", "The payload is malformed.")
	}
	return nil
}

// failingKey returns the key of obj whose value alone fails to decode into a new value of v's
// type (for errors of UnmarshalJSON methods, which carry no field), "" when none does alone.
func failingKey(obj map[string]json.RawMessage, v any) string {
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Pointer {
		return ""
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		one, _ := json.Marshal(map[string]json.RawMessage{k: obj[k]})
		if json.Unmarshal(one, reflect.New(t.Elem()).Interface()) != nil {
			return k
		}
	}
	return ""
}

func conflict(zh, en string, args ...any) error {
	return cases.Errorf(cases.ECONFLICT, zh, en, args...)
}

func invalid(field, zh, en string) error {
	var f cases.FieldErrors
	f.Add(field, zh, en)
	e := f.Err().(*cases.Error)
	e.Message, e.MessageEN = zh, en
	return e
}

func required(field, s, zh, en string) error {
	if strings.TrimSpace(s) == "" {
		return invalid(field, zh, en)
	}
	return nil
}

func forbidden(zh, en string) error {
	return &cases.Error{Code: cases.EFORBIDDEN, Message: zh, MessageEN: en}
}
