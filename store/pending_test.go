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
	// hold, when set, makes Render announce itself on started and wait until release is closed.
	hold             atomic.Bool
	started, release chan struct{}
}

func (r *switchRenderer) Render(req cases.LetterRequest) ([]byte, []string, error) {
	if r.broken.Load() {
		return nil, nil, errors.New("font missing")
	}
	if r.hold.CompareAndSwap(true, false) {
		close(r.started)
		<-r.release
	}
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

// TestWritesDoNotWaitForRendering: while a registration's letters are being rendered, another
// case's note is written: rendering happens after the commit, outside the write lock. The
// renderer is held until the note has been written, so a note that had to wait for it would never
// be written (the test would fail at its deadline) — no timing is measured.
func TestWritesDoNotWaitForRendering(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		r := &switchRenderer{started: make(chan struct{}), release: make(chan struct{})}
		db.Renderer = r
		clerk := staff(t, db, "clerk1", "clerk")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-03-02")
		first, err := db.RegisterPaper(ctx, app, clerk)
		if err != nil {
			t.Fatal(err)
		}
		r.hold.Store(true)
		done := make(chan error, 1)
		go func() {
			_, err := db.RegisterPaper(ctx, app, clerk)
			done <- err
		}()
		<-r.started // the registration has committed and its letters are rendering
		noted := make(chan error, 1)
		go func() {
			_, err := fire(t, db, first.ID, clerk, "add_note", map[string]any{"text": "已电话联系申请人。"})
			noted <- err
		}()
		select {
		case err := <-noted:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(time.Minute):
			t.Fatal("add_note waited for another case's letters to render")
		}
		close(r.release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}
