package store

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	cases "foidesk/case"
)

// switchRenderer fails while broken is set and sleeps delay per letter.
type switchRenderer struct {
	broken atomic.Bool
	delay  time.Duration
}

func (r *switchRenderer) Render(req cases.LetterRequest) ([]byte, []string, error) {
	if r.broken.Load() {
		return nil, nil, errors.New("font missing")
	}
	time.Sleep(r.delay)
	return fakeRenderer{}.Render(req)
}

// TestPendingLetterRenderedAfterCrash: a letter whose PDF was not stored after its transaction
// committed (here: the renderer failed) keeps its number and is rendered by
// CompletePendingLetters or when first asked for; once stored its body never changes.
func TestPendingLetterRenderedAfterCrash(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		r := &switchRenderer{}
		db.Renderer = r
		clerk := staff(t, db, "clerk1", "clerk")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-03-02")
		r.broken.Store(true)
		if _, err := db.RegisterPaper(ctx, app, clerk); err == nil {
			t.Fatal("no error from the broken renderer")
		}
		list, _, err := db.FindCases(ctx, cases.CaseFilter{})
		if err != nil || len(list) != 1 {
			t.Fatalf("the registration is committed: %d cases, %v", len(list), err)
		}
		c, _ := db.Case(ctx, list[0].ID)
		if len(c.Documents) != 2 {
			t.Fatalf("documents %+v", c.Documents)
		}
		for _, d := range c.Documents {
			if d.SHA256 != "" || d.Size != 0 {
				t.Errorf("%s rendered by a broken renderer: %+v", d.Kind, d)
			}
		}
		receipt := c.Documents[1]
		if receipt.Kind != cases.DocReceipt || receipt.Number == "" {
			t.Fatalf("receipt %+v", receipt)
		}
		r.broken.Store(false)
		// on demand
		d, err := db.Document(ctx, c.ID, receipt.ID)
		if err != nil || d.SHA256 == "" || len(d.Body) == 0 || d.Number != receipt.Number {
			t.Fatalf("document asked for: %+v, %v", d, err)
		}
		// at start-up
		n, err := db.CompletePendingLetters(ctx)
		if err != nil || n != 1 {
			t.Fatalf("completed %d, %v; want the application form", n, err)
		}
		if n, _ := db.CompletePendingLetters(ctx); n != 0 {
			t.Errorf("completed again: %d", n)
		}
		c, _ = db.Case(ctx, c.ID)
		for _, d := range c.Documents {
			if d.SHA256 == "" || d.Size == 0 {
				t.Errorf("%s still pending", d.Kind)
			}
		}
		// issued: never changes
		if _, err := db.W.ExecContext(ctx, db.W.Rebind(`UPDATE documents SET body = ?, sha256 = '' WHERE id = ?`), []byte("forged"), receipt.ID); err == nil {
			t.Error("an issued letter's body changed")
		}
		if _, broken, err := db.AuditVerify(ctx); err != nil || len(broken) != 0 {
			t.Errorf("audit: %v %v", broken, err)
		}
	})
}

// TestWritesDoNotWaitForRendering: while a registration's letters render (slowly), another
// case's note is written at once: rendering happens after the commit, outside the write lock.
func TestWritesDoNotWaitForRendering(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		r := &switchRenderer{}
		db.Renderer = r
		clerk := staff(t, db, "clerk1", "clerk")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-03-02")
		first, err := db.RegisterPaper(ctx, app, clerk)
		if err != nil {
			t.Fatal(err)
		}
		r.delay = 400 * time.Millisecond
		done := make(chan error, 1)
		go func() {
			_, err := db.RegisterPaper(ctx, app, clerk)
			done <- err
		}()
		time.Sleep(100 * time.Millisecond) // the registration has committed and is rendering
		start := time.Now()
		mustFire(t, db, first.ID, clerk, "add_note", map[string]any{"text": "已电话联系申请人。"})
		if took := time.Since(start); took > 250*time.Millisecond {
			t.Errorf("add_note waited %s for the other case's letters", took)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}
