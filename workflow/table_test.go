package workflow

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	cases "foidesk/case"
)

var update = flag.Bool("update", false, "rewrite docs/state-machine.md from the transition table")

// knownRoles are the actor kinds a table row may name: the staff roles and the two non-staff actors.
func knownRoles() []string {
	out := []string{roleApplicant, roleSystem}
	for _, r := range cases.Roles {
		out = append(out, r.Code)
	}
	return out
}

// docs/design.md "The state machine": every destination and every source is a state of cases.States.
func TestTableStatesKnown(t *testing.T) {
	for _, tr := range Table {
		if tr.To != stay {
			if _, ok := cases.States.Find(string(tr.To)); !ok {
				t.Errorf("%s: unknown destination %q", tr.Event, tr.To)
			}
		}
		if len(tr.From) == 0 {
			t.Errorf("%s: no source state", tr.Event)
		}
		for _, f := range tr.From {
			if _, ok := cases.States.Find(string(f)); !ok {
				t.Errorf("%s: unknown source %q", tr.Event, f)
			}
		}
	}
}

// Every state can be reached from the two entry points: submitted (an online application) and
// registered (a paper application, Art. 31).
func TestTableEveryStateReachable(t *testing.T) {
	seen := map[cases.State]bool{cases.StateSubmitted: true, cases.StateRegistered: true}
	queue := []cases.State{cases.StateSubmitted, cases.StateRegistered}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, tr := range Table {
			if tr.To != stay && slices.Contains(tr.From, s) && !seen[tr.To] {
				seen[tr.To] = true
				queue = append(queue, tr.To)
			}
		}
	}
	for _, s := range cases.States {
		if !seen[cases.State(s.Code)] {
			t.Errorf("state %s is unreachable from submitted/registered", s.Code)
		}
	}
	// submitted itself is reachable only as the entry point of an online application.
	if !seen[cases.StateSubmitted] {
		t.Error("submitted unreachable")
	}
}

// Every state but the final ones (discarded) has a way out; archived leaves only by reopen.
func TestTableWayOut(t *testing.T) {
	for _, code := range cases.States {
		s := struct{ Code cases.State }{cases.State(code.Code)}
		var outs []cases.EventName
		for _, tr := range Table {
			if tr.To != stay && tr.To != s.Code && slices.Contains(tr.From, s.Code) {
				outs = append(outs, tr.Event)
			}
		}
		final := slices.Contains(FiniteStates, s.Code)
		switch {
		case final && len(outs) > 0:
			t.Errorf("final state %s has ways out: %v", s.Code, outs)
		case !final && len(outs) == 0:
			t.Errorf("state %s has no way out", s.Code)
		}
		if s.Code == cases.StateArchived && !slices.Equal(outs, []cases.EventName{"reopen"}) {
			t.Errorf("archived leaves by %v, want only reopen (Art. 45: archived cases are read-only)", outs)
		}
	}
	for _, s := range FiniteStates {
		if _, ok := cases.States.Find(string(s)); !ok {
			t.Errorf("final state %q unknown", s)
		}
	}
}

// Each (event, from-state) pair appears once: the machine is deterministic.
func TestTablePairsUnique(t *testing.T) {
	seen := map[[2]string]bool{}
	for _, tr := range Table {
		for _, f := range tr.From {
			k := [2]string{string(tr.Event), string(f)}
			if seen[k] {
				t.Errorf("(%s, %s) appears twice", tr.Event, f)
			}
			seen[k] = true
		}
	}
}

// Every table event has rules (its spec's Run) and a label; every event with rules belongs to
// the table.
func TestTableHandlersAndLabels(t *testing.T) {
	for _, tr := range Table {
		if s, ok := Lookup(tr.Event); !ok || s.Run.before == nil {
			t.Errorf("%s has no handler", tr.Event)
		}
		if _, ok := Events.Find(string(tr.Event)); !ok {
			t.Errorf("%s has no label in Events", tr.Event)
		}
	}
	for _, s := range Specs() {
		if s.Run.before != nil && len(rows(s.Name)) == 0 {
			t.Errorf("handler %s has no table row", s.Name)
		}
	}
	for _, e := range Events {
		if len(rows(cases.EventName(e.Code))) == 0 {
			t.Errorf("Events lists %s, which is not in the table", e.Code)
		}
		if _, ok := SystemEvents.Find(e.Code); ok {
			t.Errorf("%s is both a table event and a system event", e.Code)
		}
	}
}

// Every role a row names is a staff role (cases.Roles) or one of the actor kinds applicant and
// system; every row names at least one.
func TestTableRolesKnown(t *testing.T) {
	known := knownRoles()
	for _, tr := range Table {
		if len(tr.Roles) == 0 {
			t.Errorf("%s: no role may fire it", tr.Event)
		}
		for _, r := range tr.Roles {
			if !slices.Contains(known, r) {
				t.Errorf("%s: unknown role %q", tr.Event, r)
			}
		}
	}
}

// The rows of docs/design.md "The state machine" that carry a legal rule, spelled out so that an edit
// of the table that breaks one is caught here and not in production.
func TestTableDesignRows(t *testing.T) {
	type row struct {
		event    cases.EventName
		from, to cases.State
		roles    []string
	}
	applicantOrClerk := []string{roleApplicant, cases.RoleClerk}
	want := []row{
		{"register", cases.StateSubmitted, cases.StateRegistered, clerk},                                           // Art. 31
		{"discard", cases.StateSubmitted, cases.StateDiscarded, clerk},                                             // never received
		{"withdraw", cases.StateSubmitted, cases.StateDiscarded, []string{roleApplicant}},                          // never received
		{"request_correction", cases.StateRegistered, cases.StateAwaitingCorrection, clerk},                        // Art. 30
		{"request_correction", cases.StateInProgress, cases.StateAwaitingCorrection, clerk},                        // Art. 30
		{"submit_correction", cases.StateAwaitingCorrection, cases.StateRegistered, applicantOrClerk},              // Art. 30
		{"correction_lapsed", cases.StateAwaitingCorrection, cases.StateClosed, []string{roleSystem}},              // Art. 30
		{"accept", cases.StateRegistered, cases.StateInProgress, staffWork},                                        // assignment
		{"consult", cases.StateInProgress, cases.StateConsulting, clerk},                                           // Art. 32, 34
		{"consultation_done", cases.StateConsulting, cases.StateInProgress, []string{cases.RoleClerk, roleSystem}}, // Art. 32, 34
		{"request_fee", cases.StateInProgress, cases.StateAwaitingFee, clerk},                                      // Art. 42
		{"fee_paid", cases.StateAwaitingFee, cases.StateInProgress, clerk},                                         // 国办函〔2020〕109号
		{"fee_lapsed", cases.StateAwaitingFee, cases.StateClosed, []string{roleSystem}},                            // 国办函〔2020〕109号
		{"set_reply_period", cases.StateInProgress, stay, supervisor},                                              // Art. 35
		{"draft_reply", cases.StateRegistered, cases.StatePendingApproval, clerk},                                  // Art. 33
		{"draft_reply", cases.StateInProgress, cases.StatePendingApproval, clerk},                                  // Art. 33
		{"return", cases.StatePendingApproval, cases.StateInProgress, supervisor},                                  // 审核
		{"approve", cases.StatePendingApproval, cases.StateReplied, supervisor},                                    // 保密审查
		{"record_delivery", cases.StateReplied, stay, clerk},                                                       // 国办公开办函〔2016〕235号
		{"archive", cases.StateReplied, cases.StateArchived, staffWork},                                            // Art. 45
		{"archive", cases.StateClosed, cases.StateArchived, staffWork},                                             // Art. 45
		{"reopen", cases.StateReplied, cases.StateInProgress, supervisor},                                          // §8
		{"reopen", cases.StateClosed, cases.StateInProgress, supervisor},                                           // §8
		{"reopen", cases.StateArchived, cases.StateInProgress, supervisor},                                         // §8
		{"record_remedy", cases.StateArchived, stay, staffWork},                                                    // table 四
		{"add_note", cases.StateDiscarded, stay, allStaff},                                                         // Art. 45
	}
	for _, s := range cases.OpenStates { // other.other: withdrawn by the applicant
		want = append(want, row{"withdraw", s, cases.StateClosed, applicantOrClerk}, row{"reassign", s, stay, supervisor})
	}
	for _, s := range []cases.State{cases.StateRegistered, cases.StateInProgress, cases.StateConsulting, cases.StateAwaitingFee, cases.StatePendingApproval} {
		want = append(want, row{"extend", s, stay, supervisor}) // Art. 33
	}
	for _, w := range want {
		r := rowFor(rows(w.event), w.from)
		if r.Event == "" {
			t.Errorf("%s is not allowed in %s", w.event, w.from)
			continue
		}
		if r.To != w.to || !slices.Equal(r.Roles, w.roles) {
			t.Errorf("%s in %s: → %q by %v, want → %q by %v", w.event, w.from, r.To, r.Roles, w.to, w.roles)
		}
	}
	// What docs/design.md forbids: no event but reopen, add_note and record_remedy in archived
	// (Art. 45: archived cases are read-only except for a reopen, remedy records and notes);
	// nothing but add_note in discarded (never received).
	for _, tr := range Table {
		if slices.Contains(tr.From, cases.StateArchived) && !slices.Contains([]cases.EventName{"reopen", "add_note", "record_remedy"}, tr.Event) {
			t.Errorf("%s allowed on archived cases", tr.Event)
		}
		if slices.Contains(tr.From, cases.StateDiscarded) && tr.Event != "add_note" {
			t.Errorf("%s allowed on discarded cases", tr.Event)
		}
	}
}

// docPath is the committed diagram of the table.
var docPath = filepath.Join("..", "docs", "state-machine.md")

// stateMachineDoc is the whole of docs/state-machine.md, generated from the table.
func stateMachineDoc() string {
	var b strings.Builder
	b.WriteString(`# The state machine

This file is generated from the transition table ` + "`workflow.Table`" + ` (workflow/table.go) by
` + "`workflow.Mermaid()`" + `; do not edit it by hand. After changing the table, run
` + "`go test ./workflow -run TestMermaidDoc -update`" + ` and commit the result (the test fails while the
committed file differs from the table). docs/design.md "The state machine" states the rules and the
guards; docs/rules.md §4 the periods.

Each arrow is one row of the table for one source state, labelled with the event and the roles
that may fire it (` + "`applicant`" + ` acts through the access code, ` + "`system`" + ` is the scheduler). An online
application enters at ` + "`submitted`" + `; a paper, post, fax or in-person application is created directly in
` + "`registered`" + ` with the receipt date the clerk enters (Art. 31). ` + "`discarded`" + ` is final; ` + "`archived`" + ` leaves
only by ` + "`reopen`" + `.

Events that keep the state are not drawn as self-loops (they would hide the arrows that matter);
they are listed in the table below the diagram.

` + "```mermaid\n")
	b.WriteString(Mermaid())
	b.WriteString("```\n\n## Events that keep the state\n\n| event | label | states | roles |\n|---|---|---|---|\n")
	for _, s := range StayEvents() {
		var from []string
		for _, f := range s.From {
			from = append(from, string(f))
		}
		b.WriteString("| `" + string(s.Event) + "` | " + Events.Label(string(s.Event), "zh") + " | " + strings.Join(from, ", ") + " | " + strings.Join(s.Roles, ", ") + " |\n")
	}
	b.WriteString("\nRecorded by foidesk itself, outside the table: ")
	var sys []string
	for _, e := range SystemEvents {
		sys = append(sys, "`"+e.Code+"` ("+e.ZH+")")
	}
	b.WriteString(strings.Join(sys, ", ") + ".\n")
	return b.String()
}

// The committed docs/state-machine.md is the diagram of the current table (-update rewrites it).
func TestMermaidDoc(t *testing.T) {
	got := stateMachineDoc()
	if *update {
		if err := os.WriteFile(docPath, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatalf("%v (run go test ./workflow -run TestMermaidDoc -update)", err)
	}
	if string(b) != got {
		t.Fatalf("%s differs from the transition table: run go test ./workflow -run TestMermaidDoc -update and commit it", docPath)
	}
}

// Mermaid is deterministic and draws every state-changing row once per source state.
func TestMermaidDiagram(t *testing.T) {
	m := Mermaid()
	if m != Mermaid() {
		t.Fatal("Mermaid is not deterministic")
	}
	if !strings.HasPrefix(m, "stateDiagram-v2\n") {
		t.Fatalf("not a stateDiagram-v2: %q", m[:min(40, len(m))])
	}
	arrows := 0
	for _, tr := range Table {
		if tr.To == stay {
			continue
		}
		for _, f := range tr.From {
			arrows++
			line := "    " + string(f) + " --> " + string(tr.To) + " : " + string(tr.Event) + " ("
			if !strings.Contains(m, line) {
				t.Errorf("missing arrow %q", line)
			}
		}
	}
	if n := strings.Count(m, " --> ") - 2 - len(FiniteStates); n != arrows {
		t.Errorf("%d arrows drawn, want %d", n, arrows)
	}
	for _, s := range cases.States {
		if !strings.Contains(m, " as "+s.Code+"\n") {
			t.Errorf("state %s not declared", s.Code)
		}
	}
	for _, s := range StayEvents() {
		if strings.Contains(m, " : "+string(s.Event)+" (") {
			t.Errorf("stay event %s drawn", s.Event)
		}
	}
}
