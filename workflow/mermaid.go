package workflow

import (
	"fmt"
	"slices"
	"strings"

	cases "foidesk/case"
)

// Mermaid returns the transition table as a Mermaid stateDiagram-v2, in a deterministic order:
// the states in the order of cases.States, then one arrow per (event, from-state) row of Table in
// table order, labelled "event (roles)". Events that keep the state (extend, set_reply_period,
// record_delivery, reassign, add_note, record_remedy) are not drawn as self-loops: StayEvents
// lists them. The two entry points are drawn from [*]: submit (an online application) into
// submitted and register (a paper application) into registered; the final state discarded leads
// to [*]. docs/state-machine.md holds the output; a test keeps it current.
func Mermaid() string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	for _, s := range cases.States {
		fmt.Fprintf(&b, "    state \"%s %s\" as %s\n", s.ZH, s.Code, s.Code)
	}
	fmt.Fprintf(&b, "    [*] --> %s : submit (applicant, online)\n", cases.StateSubmitted)
	fmt.Fprintf(&b, "    [*] --> %s : register (clerk, paper)\n", cases.StateRegistered)
	for _, t := range Table {
		if t.To == stay {
			continue
		}
		for _, from := range t.From {
			fmt.Fprintf(&b, "    %s --> %s : %s (%s)\n", from, t.To, t.Event, strings.Join(t.Roles, ", "))
		}
	}
	for _, s := range FiniteStates {
		fmt.Fprintf(&b, "    %s --> [*]\n", s)
	}
	return b.String()
}

// StayEvent is an event of Table that keeps the state, with the states it may be fired in.
type StayEvent struct {
	Event cases.EventName
	From  []cases.State
	Roles []string
}

// StayEvents lists the state-preserving rows of Table in table order (the events Mermaid does
// not draw).
func StayEvents() []StayEvent {
	var out []StayEvent
	for _, t := range Table {
		if t.To == stay {
			out = append(out, StayEvent{Event: t.Event, From: slices.Clone(t.From), Roles: slices.Clone(t.Roles)})
		}
	}
	return out
}
