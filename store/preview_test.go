package store

import (
	"context"
	"reflect"
	"sync"
	"testing"

	cases "foidesk/case"
)

// recordingRenderer keeps every letter request it renders.
type recordingRenderer struct {
	mu   sync.Mutex
	reqs []cases.LetterRequest
}

func (r *recordingRenderer) Render(req cases.LetterRequest) ([]byte, []string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, req)
	return []byte("%PDF-1.4 " + req.Kind), nil, nil
}

// docs/rules.md §7: the reply preview is the letter the approval issues — built by the same code
// (the workflow's approval, the store's completion of the letter) — but a draft without a number;
// it stores nothing.
func TestPreviewReplyIsTheIssuedLetterAsDraft(t *testing.T) {
	forEachEngine(t, at("2026-11-03"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		r := &recordingRenderer{}
		db.Renderer = r
		clerk := staff(t, db, "clerk1", "clerk")
		sup := staff(t, db, "sup1", "supervisor")
		if _, err := db.CreateAgency(ctx, "edu", "区教育局", cases.DefaultSettings()); err != nil {
			t.Fatal(err)
		}
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-11-03")
		c, err := db.RegisterPaper(ctx, app, clerk)
		if err != nil {
			t.Fatal(err)
		}
		mustFire(t, db, c.ID, clerk, "accept", nil)
		if _, err := db.PreviewReply(ctx, c.ID, db.Now()); cases.ErrorCode(err) != cases.ECONFLICT {
			t.Fatalf("preview without a draft: %v", err)
		}
		mustFire(t, db, c.ID, clerk, "draft_reply", map[string]any{"outcome": "withhold.process_info", "reasons": "该信息属于内部讨论记录。"})
		before, _ := db.Case(ctx, c.ID)
		r.reqs = nil
		pdf, err := db.PreviewReply(ctx, c.ID, db.Now())
		if err != nil || string(pdf) != "%PDF-1.4 reply" || len(r.reqs) != 1 {
			t.Fatalf("preview: %v %q %d", err, pdf, len(r.reqs))
		}
		preview := r.reqs[0]
		after, _ := db.Case(ctx, c.ID)
		if after.Version != before.Version || len(after.Documents) != len(before.Documents) || after.State != cases.StatePendingApproval {
			t.Fatalf("the preview changed the case: version %d→%d, %d→%d documents", before.Version, after.Version, len(before.Documents), len(after.Documents))
		}

		r.reqs = nil
		mustFire(t, db, c.ID, sup, "approve", nil)
		var issued *cases.LetterRequest
		for i := range r.reqs {
			if r.reqs[i].Kind == cases.DocReply {
				issued = &r.reqs[i]
			}
		}
		if issued == nil {
			t.Fatalf("no reply letter rendered: %+v", r.reqs)
		}
		if !preview.Draft || preview.Number != "" || issued.Draft || issued.Number == "" {
			t.Errorf("draft %v number %q; issued: draft %v number %q", preview.Draft, preview.Number, issued.Draft, issued.Number)
		}
		if preview.Date != issued.Date || !reflect.DeepEqual(preview.Attachments, issued.Attachments) || len(preview.Siblings) != 1 || len(issued.Siblings) != 1 ||
			preview.Siblings[0].Code != issued.Siblings[0].Code || preview.Agency.Code != issued.Agency.Code {
			t.Errorf("letter differs:\npreview %+v\n issued %+v", preview, *issued)
		}
		p, i := preview.Case, issued.Case
		if p.State != i.State || p.Outcome != i.Outcome || p.ConcludedOn != i.ConcludedOn || p.Draft.Reasons != i.Draft.Reasons || i.LetterNo != issued.Number {
			t.Errorf("case differs:\npreview %s %s %s\n issued %s %s %s", p.State, p.Outcome, p.ConcludedOn, i.State, i.Outcome, i.ConcludedOn)
		}
	})
}
