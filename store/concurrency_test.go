package store

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	cases "foidesk/case"
)

const races = 20

// race fires the requests at once (goroutines released together by a barrier) and returns their
// errors in order.
func race(db *DB, id int64, reqs []cases.EventRequest, actors []cases.Actor) []error {
	errs := make([]error, len(reqs))
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i := range reqs {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			_, errs[i] = db.TransitionCase(context.Background(), id, reqs[i], actors[i], db.Now())
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	return errs
}

// exactlyOneWins checks that one request succeeded, the others lost with ECONFLICT, and the log
// holds exactly one new event.
func exactlyOneWins(t *testing.T, db *DB, id int64, before int, errs []error) {
	t.Helper()
	wins := 0
	for _, err := range errs {
		switch cases.ErrorCode(err) {
		case "":
			wins++
		case cases.ECONFLICT:
		default:
			t.Fatalf("a loser got %v, want ECONFLICT", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d winners: %v", wins, errs)
	}
	evs, err := db.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != before+1 {
		t.Fatalf("%d events, want %d", len(evs), before+1)
	}
}

func payload(v any) json.RawMessage { b, _ := json.Marshal(v); return b }

// docs/design.md: a transition is a compare-and-set on the case's state and version inside one
// transaction; of two concurrent transitions from the same state exactly one wins.
func TestConcurrentSameEvent(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		g := newGX(t, db)
		for range races {
			c := g.paper("2026-03-02")
			req := cases.EventRequest{Event: "accept", Payload: payload(map[string]any{})}
			errs := race(db, c.ID, []cases.EventRequest{req, req}, []cases.Actor{g.clerk, g.clerk2})
			exactlyOneWins(t, db, c.ID, c.EventCount, errs)
			got, err := db.Case(context.Background(), c.ID)
			if err != nil || got.State != cases.StateInProgress || got.Version != c.Version+1 {
				t.Fatalf("after the race: %v %s v%d", err, got.State, got.Version)
			}
		}
		assertVerified(t, db)
	})
}

// Two different events carrying the same expected_version: the second loses (409) even though it
// would be allowed in the new state.
func TestConcurrentExpectedVersion(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		g := newGX(t, db)
		for range races {
			c := g.paper("2026-03-02")
			v := c.Version
			reqs := []cases.EventRequest{
				{Event: "add_note", ExpectedVersion: &v, Payload: payload(map[string]any{"text": "已电话联系申请人"})},
				{Event: "extend", ExpectedVersion: &v, Payload: payload(map[string]any{"days": 5, "reason": "需要调取档案"})},
			}
			errs := race(db, c.ID, reqs, []cases.Actor{g.clerk, g.sup})
			exactlyOneWins(t, db, c.ID, c.EventCount, errs)
		}
		assertVerified(t, db)
	})
}

// Without expected_version, concurrent notes are all kept, in one gapless chain (the row lock
// serialises the appends; no duplicate seq).
func TestConcurrentNotesSerialised(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		g := newGX(t, db)
		c := g.paper("2026-03-02")
		const n = 8
		reqs := make([]cases.EventRequest, n)
		actors := make([]cases.Actor, n)
		for i := range reqs {
			reqs[i] = cases.EventRequest{Event: "add_note", Payload: payload(map[string]any{"text": "备注"})}
			actors[i] = []cases.Actor{g.clerk, g.clerk2, g.sup, g.both}[i%4]
		}
		for i, err := range race(db, c.ID, reqs, actors) {
			if err != nil {
				t.Fatalf("note %d: %v", i, err)
			}
		}
		got, err := db.Case(context.Background(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.EventCount != c.EventCount+n || got.Version != c.Version+n {
			t.Fatalf("events %d version %d", got.EventCount, got.Version)
		}
		assertVerified(t, db)
	})
}

func assertVerified(t *testing.T, db *DB) {
	t.Helper()
	n, broken, err := db.AuditVerify(context.Background())
	if err != nil || len(broken) != 0 || n == 0 {
		t.Fatalf("audit verify: %d %v %v", n, broken, err)
	}
}
