package workflow

import (
	"fmt"

	cases "foidesk/case"
)

// Who may fire an event. Staff roles are cases.Role*; these two name the other actor kinds.
const (
	roleApplicant = "applicant"
	roleSystem    = "system"
	stay          = Stay
)

// Transition is one row of the transition table: Event fired in any of From leads to To (Stay
// for a state-preserving event) and may be fired by any of Roles.
type Transition struct {
	Event cases.EventName
	From  []cases.State
	To    cases.State
	Roles []string
}

var (
	clerk      = []string{cases.RoleClerk}
	supervisor = []string{cases.RoleSupervisor}
	staffWork  = []string{cases.RoleClerk, cases.RoleSupervisor}
	allStaff   = []string{cases.RoleClerk, cases.RoleSupervisor, cases.RoleAdmin}
	// every state in which the application has been received (everything but submitted and discarded)
	received = []cases.State{cases.StateRegistered, cases.StateAwaitingCorrection, cases.StateInProgress, cases.StateConsulting,
		cases.StateAwaitingFee, cases.StatePendingApproval, cases.StateReplied, cases.StateClosed, cases.StateArchived}
	allStates = append([]cases.State{cases.StateSubmitted, cases.StateDiscarded}, received...)
)

// Table is the whole state machine of docs/design.md "The state machine", read off the event
// specs (spec.go) in spec order: one Transition per row of a spec.
var Table = func() []Transition {
	var out []Transition
	for _, s := range specs {
		for _, r := range s.Rows {
			out = append(out, Transition{Event: s.Name, From: r.From, To: r.To, Roles: r.Roles})
		}
	}
	return out
}()

// Events lists every event name of the table once, in table order, with its label.
var Events = codes(false)

// SystemEvents are recorded by foidesk itself, never fired through the table: creation of a case
// (submit for an online application, register for a paper one), the calendar recomputation, the
// ledger import, document issue and a new access code for the applicant (POST /track/recover).
var SystemEvents = codes(true)

func codes(system bool) cases.CodeList {
	var out cases.CodeList
	for _, s := range specs {
		if s.System == system {
			out = append(out, cases.Code{Code: string(s.Name), ZH: s.ZH, EN: s.EN})
		}
	}
	return out
}

// EventLabel labels any event name, table or system.
func EventLabel(name cases.EventName, lang string) string {
	if s, ok := byName[name]; ok {
		return s.Label(lang)
	}
	return string(name)
}

// rows returns the table rows of event.
func rows(event cases.EventName) []Transition {
	var out []Transition
	for _, t := range Table {
		if t.Event == event {
			out = append(out, t)
		}
	}
	return out
}

// FiniteStates are the states with no way out of the table except reopen or none at all.
var FiniteStates = []cases.State{cases.StateDiscarded}

// textf formats a Chinese and an English sentence with the same arguments.
func textf(zh, en string, args ...any) Text {
	return Text{fmt.Sprintf(zh, args...), fmt.Sprintf(en, args...)}
}
