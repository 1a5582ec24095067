package store

import (
	"context"
	"slices"
	"testing"

	cases "foidesk/case"
)

// docs/rules.md §7 (attachments listed): a reply attaches only the documents staff uploaded to the
// case as information to release, and the letter lists them by title as its 附件; the applicant's
// identity proof, a working paper and another case's document are refused (422 documents).
func TestReplyAttachesOnlyReleasedDocuments(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		r := &recordingRenderer{}
		db.Renderer = r
		clerk, sup := staff(t, db, "clerk1", "clerk"), staff(t, db, "sup1", "supervisor")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-03-02")
		c, err := db.RegisterPaper(ctx, app, clerk)
		if err != nil {
			t.Fatal(err)
		}
		other, err := db.RegisterPaper(ctx, app, clerk)
		if err != nil {
			t.Fatal(err)
		}
		upload := func(caseID int64, title string, release bool) int64 {
			d, err := db.AddUpload(ctx, caseID, cases.Document{Title: title, Filename: "f.pdf", ContentType: "application/pdf", Body: []byte("%PDF-1.4 " + title), ForRelease: release, Applicant: release}, clerk)
			if err != nil {
				t.Fatal(err)
			}
			return d.ID
		}
		released := upload(c.ID, "2025年老旧小区改造资金使用情况表", true)
		working := upload(c.ID, "内部审核意见", false)
		foreign := upload(other.ID, "另一案件的文件", true)
		mustFire(t, db, c.ID, clerk, "accept", nil)
		for _, docs := range [][]int64{{working}, {foreign}, {released, released}, {999999}} {
			_, err := fire(t, db, c.ID, clerk, "draft_reply", map[string]any{"outcome": "disclose", "reasons": "予以公开。", "documents": docs})
			if e, ok := err.(*cases.Error); !ok || e.Code != cases.EINVALID || e.Fields["documents"] == "" {
				t.Errorf("documents %v: %v", docs, err)
			}
		}
		mustFire(t, db, c.ID, clerk, "draft_reply", map[string]any{"outcome": "disclose", "reasons": "予以公开。", "documents": []int64{released}})
		mustFire(t, db, c.ID, sup, "approve", nil)
		var reply *cases.LetterRequest
		for i := range r.reqs {
			if r.reqs[i].Kind == cases.DocReply {
				reply = &r.reqs[i]
			}
		}
		if reply == nil || !slices.Equal(reply.Attachments, []string{"2025年老旧小区改造资金使用情况表"}) {
			t.Errorf("reply attachments: %+v", reply)
		}
	})
}
