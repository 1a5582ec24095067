package store

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
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

// countingRenderer counts the letters it renders, each taking pause (so that two renderers working
// at once overlap).
type countingRenderer struct {
	n     atomic.Int64
	pause time.Duration
}

func (r *countingRenderer) Render(req cases.LetterRequest) ([]byte, []string, error) {
	r.n.Add(1)
	time.Sleep(r.pause)
	return fakeRenderer{}.Render(req)
}

// deferLetters makes db's transitions leave their letters to a background renderer without
// starting one: the letters stay pending until rendered by hand.
func deferLetters(db *DB) {
	db.pendMu.Lock()
	db.wake = make(chan struct{}, 1)
	db.pendMu.Unlock()
}

// waitNoPending waits (up to a minute, then fails) until no letter is pending.
func waitNoPending(t *testing.T, db *DB) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		var n int
		if err := db.R.Get(&n, `SELECT COUNT(*) FROM pending_letters`); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d letters still pending after a minute", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRegistrationAnswersBeforeItsLetters: with the background renderer running (serve), a
// registration returns after its commit while its letters are still being rendered — the renderer
// is held until the registration has returned, so a registration that rendered them itself would
// never return (the test would fail at its deadline; no timing is measured). Its documents are
// listed, numbered, without bodies; the e-mail attaching the receipt is not sent meanwhile; then
// the background renderer stores both letters and the e-mail goes out with the receipt.
func TestRegistrationAnswersBeforeItsLetters(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		r := &switchRenderer{started: make(chan struct{}), release: make(chan struct{})}
		r.hold.Store(true)
		db.Renderer = r
		errs := make(chan error, 16)
		stop := db.StartLetterRenderer(ctx, func(err error) { errs <- err })
		defer stop()
		release := sync.OnceFunc(func() { close(r.release) })
		defer release() // before stop, should the test fail while the renderer is held
		clerk := staff(t, db, "clerk1", "clerk")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-03-02")
		registered := make(chan *cases.Case, 1)
		go func() {
			c, err := db.RegisterPaper(ctx, app, clerk)
			if err != nil {
				errs <- err
			}
			registered <- c
		}()
		var c *cases.Case
		select {
		case c = <-registered:
		case err := <-errs:
			t.Fatal(err)
		case <-time.After(time.Minute):
			t.Fatal("the registration waited for its letters to be rendered")
		}
		if c == nil {
			t.Fatal(<-errs)
		}
		<-r.started // the background renderer has the first letter
		full, err := db.Case(ctx, c.ID)
		if err != nil || len(full.Documents) != 2 {
			t.Fatalf("documents of the registered case: %+v %v", full, err)
		}
		var receipt cases.Document
		for _, d := range full.Documents {
			if d.SHA256 != "" || d.Size != 0 {
				t.Errorf("%s rendered while the renderer is held: %+v", d.Kind, d)
			}
			if d.Kind == cases.DocReceipt {
				receipt = d
			}
		}
		if receipt.Number == "" || receipt.URL == "" {
			t.Fatalf("receipt listed without its number or URL: %+v", receipt)
		}
		if msgs, err := db.ClaimMessages(ctx, cases.MessageEmail, 10, time.Minute); err != nil || len(msgs) != 0 {
			t.Fatalf("an e-mail claimed before the letter it attaches exists: %+v %v", msgs, err)
		}
		release()
		waitNoPending(t, db)
		full, _ = db.Case(ctx, c.ID)
		for _, d := range full.Documents {
			if d.SHA256 == "" || d.Size == 0 {
				t.Errorf("%s not rendered by the background renderer: %+v", d.Kind, d)
			}
		}
		msgs, err := db.ClaimMessages(ctx, cases.MessageEmail, 10, time.Minute)
		if err != nil || len(msgs) != 1 || msgs[0].DocumentID != receipt.ID {
			t.Fatalf("the registration's e-mail with its receipt: %+v %v", msgs, err)
		}
		att, err := db.OutboxDocument(ctx, msgs[0].DocumentID)
		if want, _, _ := (fakeRenderer{}).Render(cases.LetterRequest{Kind: cases.DocReceipt, Number: receipt.Number, Case: full}); err != nil || string(att.Body) != string(want) {
			t.Errorf("attachment %q, want %q (%v)", att.Body, want, err)
		}
		select {
		case err := <-errs:
			t.Errorf("background renderer: %v", err)
		default:
		}
	})
}

// TestPendingAttachmentRenderedWhenSent: an e-mail's letter still pending when the e-mail is sent
// (claimed before the hand-off, say) is rendered by OutboxDocument, never sent empty.
func TestPendingAttachmentRenderedWhenSent(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		deferLetters(db)
		clerk := staff(t, db, "clerk1", "clerk")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-03-02")
		c, err := db.RegisterPaper(ctx, app, clerk)
		if err != nil {
			t.Fatal(err)
		}
		var receiptID int64
		if err := db.R.Get(&receiptID, db.R.Rebind(`SELECT id FROM documents WHERE case_id = ? AND kind = ?`), c.ID, cases.DocReceipt); err != nil {
			t.Fatal(err)
		}
		d, err := db.OutboxDocument(ctx, receiptID)
		if err != nil || d.SHA256 == "" || len(d.Body) == 0 {
			t.Fatalf("pending attachment: %+v %v", d, err)
		}
		db.Renderer = nil // a tool without the font: the other letter is refused, not sent empty
		var formID int64
		db.R.Get(&formID, db.R.Rebind(`SELECT id FROM documents WHERE case_id = ? AND kind = ?`), c.ID, cases.DocApplicationForm)
		if d, err := db.OutboxDocument(ctx, formID); err == nil {
			t.Errorf("a pending letter returned without rendering: %+v", d)
		}
	})
}

// TestTwoInstancesRenderEachLetterOnce: two instances on one database drain the same pending
// letters at the same time; each letter is claimed, rendered and stored by exactly one of them.
func TestTwoInstancesRenderEachLetterOnce(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		deferLetters(db)
		clerk := staff(t, db, "clerk1", "clerk")
		const regs = 6
		for range regs {
			app := sampleApplication()
			app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-03-02")
			if _, err := db.RegisterPaper(ctx, app, clerk); err != nil {
				t.Fatal(err)
			}
		}
		other, err := Open(db.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		other.Now = db.Now
		ra, rb := &countingRenderer{pause: 5 * time.Millisecond}, &countingRenderer{pause: 5 * time.Millisecond}
		db.Renderer, other.Renderer = ra, rb
		type res struct {
			n   int
			err error
		}
		out := make(chan res, 2)
		for _, inst := range []*DB{db, other} {
			go func() {
				n, err := inst.RenderPendingLetters(ctx)
				out <- res{n, err}
			}()
		}
		stored := 0
		for range 2 {
			r := <-out
			if r.err != nil {
				t.Fatal(r.err)
			}
			stored += r.n
		}
		if rendered := ra.n.Load() + rb.n.Load(); rendered != 2*regs || stored != 2*regs {
			t.Errorf("rendered %d (%d + %d), stored %d; want each of the %d letters once", rendered, ra.n.Load(), rb.n.Load(), stored, 2*regs)
		}
		waitNoPending(t, db)
		var empty int
		db.R.Get(&empty, `SELECT COUNT(*) FROM documents WHERE sha256 = '' OR size = 0`)
		if empty != 0 {
			t.Errorf("%d letters without their PDF", empty)
		}
	})
}

// cancellingRenderer cancels a context when it renders its first letter.
type cancellingRenderer struct {
	cancel context.CancelFunc
	n      atomic.Int64
}

func (r *cancellingRenderer) Render(req cases.LetterRequest) ([]byte, []string, error) {
	if r.n.Add(1) == 1 {
		r.cancel()
	}
	return fakeRenderer{}.Render(req)
}

// TestStoppedRendererReleasesItsClaims: a renderer stopped in the middle of a batch finishes the
// letter it began and gives up its claims on the others, so that the next renderer (another
// instance, the next start) takes them at once instead of after the lease.
func TestStoppedRendererReleasesItsClaims(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		deferLetters(db)
		clerk := staff(t, db, "clerk1", "clerk")
		for range 2 {
			app := sampleApplication()
			app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-03-02")
			if _, err := db.RegisterPaper(context.Background(), app, clerk); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		r := &cancellingRenderer{cancel: cancel}
		db.Renderer = r
		if n, err := db.RenderPendingLetters(ctx); n != 1 || err != nil || r.n.Load() != 1 {
			t.Fatalf("stopped renderer stored %d letters (rendered %d), %v; want the one it began", n, r.n.Load(), err)
		}
		var pending, claimed int
		db.R.Get(&pending, `SELECT COUNT(*) FROM pending_letters`)
		db.R.Get(&claimed, `SELECT COUNT(*) FROM pending_letters WHERE claimed_until IS NOT NULL`)
		if pending != 3 || claimed != 0 {
			t.Errorf("%d letters pending, %d of them still claimed; want 3 and 0", pending, claimed)
		}
		db.Renderer = fakeRenderer{}
		if n, err := db.RenderPendingLetters(context.Background()); n != 3 || err != nil {
			t.Errorf("the next renderer stored %d, %v; want the 3 left", n, err)
		}
	})
}

// TestArchivePackageRendersPendingLetters: an archive package holds every letter's PDF — a letter
// still pending when the package is made is rendered first; without a renderer the package is
// refused (409), never made with an empty letter.
func TestArchivePackageRendersPendingLetters(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		g := newGX(t, db)
		c := g.replied("2026-03-02", "2026-03-10")
		deferLetters(db) // the archive event's letters (if any) and those below stay pending
		c = g.ok(c.ID, g.clerk, "archive", nil)
		// Leave the reply letter pending, as a renderer that had not got to it would.
		if _, err := db.W.ExecContext(ctx, db.W.Rebind(`INSERT INTO documents (case_id, event_seq, kind, number, title, filename, content_type, sha256, size, to_applicant, for_release, warnings, body, created_at)
			SELECT case_id, event_seq, kind, number || '-x', title, filename, content_type, '', 0, to_applicant, for_release, warnings, ?, created_at FROM documents WHERE case_id = ? AND kind = ?`), []byte{}, c.ID, cases.DocReply); err != nil {
			t.Fatal(err)
		}
		var docID int64
		db.R.Get(&docID, db.R.Rebind(`SELECT MAX(id) FROM documents WHERE case_id = ?`), c.ID)
		req, _ := json.Marshal(cases.LetterRequest{Kind: cases.DocReceipt, Number: "x", Date: cases.MustDate("2026-03-10"), Case: c})
		if _, err := db.W.ExecContext(ctx, db.W.Rebind(`INSERT INTO pending_letters (document_id, case_id, agency_id, request, created_at) VALUES (?, ?, ?, ?, ?)`),
			docID, c.ID, c.AgencyID, string(req), time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		renderer := db.Renderer
		db.Renderer = nil
		if _, err := db.ArchiveCase(ctx, c.ID); cases.ErrorCode(err) != cases.ECONFLICT {
			t.Errorf("package with a pending letter and no renderer: %v; want ECONFLICT", err)
		}
		db.Renderer = renderer
		in, err := db.ArchiveCase(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range in.Case.Documents {
			if len(d.Body) == 0 || d.SHA256 == "" {
				t.Errorf("document %d (%s) in the package without its PDF", d.ID, d.Kind)
			}
		}
	})
}

// clockRenderer records the clock of the case each letter is rendered from.
type clockRenderer struct {
	mu     sync.Mutex
	clocks map[string]cases.Clock
}

func (r *clockRenderer) Render(req cases.LetterRequest) ([]byte, []string, error) {
	r.mu.Lock()
	r.clocks[req.Kind] = req.Case.Clock
	r.mu.Unlock()
	return fakeRenderer{}.Render(req)
}

// TestPendingLetterKeepsTheClock: a letter rendered from its pending row (by the background
// renderer, at start-up or on demand) is rendered from the case's clock as it was at the event,
// like the letter rendered right after the commit — the case's JSON leaves the clock out, and the
// 终止办理告知书 rendered without it lost "已于…向您发出补正告知书" (the correction notice's date,
// Art. 30), the extension notice its period.
func TestPendingLetterKeepsTheClock(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		broken := &switchRenderer{}
		broken.broken.Store(true)
		db.Renderer = broken
		clerk := staff(t, db, "clerk1", "clerk")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-03-02")
		db.RegisterPaper(ctx, app, clerk) // its letters stay pending
		list, _, err := db.FindCases(ctx, cases.CaseFilter{})
		if err != nil || len(list) != 1 {
			t.Fatalf("%d cases, %v", len(list), err)
		}
		c, err := db.Case(ctx, list[0].ID)
		if err != nil || c.Clock.Start.IsZero() || c.Clock.Days == 0 {
			t.Fatalf("the registered case's clock: %+v, %v", c.Clock, err)
		}
		r := &clockRenderer{clocks: map[string]cases.Clock{}}
		db.Renderer = r
		if n, err := db.CompletePendingLetters(ctx); err != nil || n != 2 {
			t.Fatalf("completed %d, %v", n, err)
		}
		got := r.clocks[cases.DocReceipt]
		if got.Start != c.Clock.Start || got.Days != c.Clock.Days {
			t.Errorf("receipt rendered from the clock %+v, the case's is %+v", got, c.Clock)
		}
	})
}
