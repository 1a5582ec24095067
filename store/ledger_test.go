package store

import (
	"context"
	"testing"

	cases "foidesk/case"
)

func TestLedger(t *testing.T) {
	forEachEngine(t, at("2025-06-30"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		buildAnnualData(t, db)
		clerk, _ := db.UserByName(ctx, "clerk1")
		admin, _ := db.UserByName(ctx, "admin1")
		y := cases.LedgerFilter{From: cases.MustDate("2025-01-01"), To: cases.MustDate("2025-12-31")}
		l, err := db.Ledger(ctx, y, clerk.Actor())
		if err != nil {
			t.Fatal(err)
		}
		// received in 2025: 21 + 27 + 29 + 30..39 (10) + 40, 41, 42, 45, 46 + W1, W2, W5 = 41 cases
		if len(l.Rows) != 41 || l.By != cases.ByReceived || l.Digest != cases.LedgerDigest(l.Rows) || len(l.Digest) != 64 {
			t.Fatalf("rows %d by %s digest %s", len(l.Rows), l.By, l.Digest)
		}
		byNo := map[string]cases.LedgerRow{}
		for i, r := range l.Rows {
			if r.Serial != i+1 {
				t.Errorf("serial %d at %d", r.Serial, i)
			}
			if i > 0 && r.ReceivedOn.Before(l.Rows[i-1].ReceivedOn) {
				t.Errorf("not in receipt order at %d", i)
			}
			byNo[r.TrackingNo] = r
		}
		r := byNo["GK2025000101"]
		if r.IDNumber != "4301**********1004" || r.Outcome != "disclose" || r.LetterNo != "政公开答〔2025〕1号" || len(r.Remedies) != 1 || r.ChainHead == "" {
			t.Errorf("row 101: %+v", r)
		}
		if o := byNo["GK2025000102"]; o.IDNumber != "91430100MA4L100370" {
			t.Errorf("a credit code is not masked: %s", o.IDNumber)
		}
		w1 := byNo["GK2025000140"]
		if w1.Phone != "138****8000" || w1.OnTime == nil || !*w1.OnTime || w1.DeliveryWay != "email" || len(w1.Pauses) != 1 || w1.Pauses[0].Kind != "fee" || w1.Pauses[0].Days != 8 {
			t.Errorf("W1: %+v", w1)
		}
		var w5 cases.LedgerRow
		for _, row := range l.Rows {
			if row.Outcome == cases.OutcomeCorrectionLapsed && !row.Imported {
				w5 = row
			}
		}
		if len(w5.Pauses) != 1 || w5.Pauses[0].Kind != "correction" || w5.Pauses[0].Days != 22 {
			t.Errorf("W5 pauses %+v", w5.Pauses)
		}
		// by conclusion date
		lc, err := db.Ledger(ctx, cases.LedgerFilter{From: y.From, To: y.To, By: cases.ByConcluded}, clerk.Actor())
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range lc.Rows {
			if row.ConcludedOn.Year() != 2025 {
				t.Errorf("concluded %s", row.ConcludedOn)
			}
		}
		// filters
		f := y
		f.OverdueOnly = true
		lo, _ := db.Ledger(ctx, f, clerk.Actor())
		if len(lo.Rows) != 1 || lo.Rows[0].TrackingNo != "GK2025000129" || !lo.Rows[0].Overdue {
			t.Errorf("overdue only: %+v", lo.Rows)
		}
		f = y
		f.Outcome = "partial"
		lp, _ := db.Ledger(ctx, f, clerk.Actor())
		if len(lp.Rows) != 3 { // 102, 127 (reopened, concluded partly), 241; 23 was received in 2024
			t.Errorf("partial: %d", len(lp.Rows))
		}
		f = y
		f.States = []string{cases.StateRegistered}
		if ls, _ := db.Ledger(ctx, f, clerk.Actor()); len(ls.Rows) != 1 {
			t.Errorf("registered: %d", len(ls.Rows))
		}
		f = y
		f.Clerk = "clerk1"
		if lk, _ := db.Ledger(ctx, f, clerk.Actor()); len(lk.Rows) != 3 { // W1, W2 and 127 (drafted by clerk1); W5 never accepted
			t.Errorf("clerk rows %d", len(lk.Rows))
		}
		// the full export: administrators only, recorded
		f = y
		f.Full = true
		if _, err := db.Ledger(ctx, f, clerk.Actor()); cases.ErrorCode(err) != cases.EFORBIDDEN {
			t.Errorf("clerk full export: %v", err)
		}
		f.RequestedFrom = "10.0.0.1"
		lf, err := db.Ledger(ctx, f, admin.Actor())
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range lf.Rows {
			if row.TrackingNo == "GK2025000101" && row.IDNumber != "430104198001101004" {
				t.Errorf("full export masked %s", row.IDNumber)
			}
		}
		var n int
		db.R.Get(&n, `SELECT COUNT(*) FROM auth_log WHERE event = 'ledger_full_export' AND username = 'admin1' AND address = '10.0.0.1'`)
		if n != 1 {
			t.Errorf("full export recorded %d times", n)
		}
		if lf.Digest != l.Digest {
			t.Errorf("masking changes the digest")
		}
		// any new event on a listed case changes the digest
		mustFire(t, db, byNo["GK2025000129"].CaseID, clerk.Actor(), "add_note", map[string]any{"text": "已电话联系申请人"})
		l2, _ := db.Ledger(ctx, y, clerk.Actor())
		if l2.Digest == l.Digest {
			t.Errorf("the digest did not change")
		}
		// bad periods
		if _, err := db.Ledger(ctx, cases.LedgerFilter{From: y.To, To: y.From}, clerk.Actor()); cases.ErrorCode(err) != cases.EINVALID {
			t.Errorf("reversed period: %v", err)
		}
		if _, err := db.Ledger(ctx, cases.LedgerFilter{From: y.From, To: y.To, By: "archived"}, clerk.Actor()); cases.ErrorCode(err) != cases.EINVALID {
			t.Errorf("bad by: %v", err)
		}
	})
}

// The ledger carries the proof of the case's delivery: that of the last record_delivery, none
// once the case is reopened (its delivery undone), none when the new delivery gives none.
func TestLedgerDeliveryProof(t *testing.T) {
	forEachEngine(t, at("2026-02-10"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		clerk := staff(t, db, "clerk1", "clerk")
		sup := staff(t, db, "sup1", "supervisor")
		c, _, err := db.CreateApplication(ctx, sampleApplication())
		if err != nil {
			t.Fatal(err)
		}
		mustFire(t, db, c.ID, clerk, "register", nil)
		mustFire(t, db, c.ID, clerk, "accept", nil)
		mustFire(t, db, c.ID, clerk, "draft_reply", map[string]any{"outcome": "disclose", "reasons": "经审查，予以公开。"})
		mustFire(t, db, c.ID, sup, "approve", nil)
		mustFire(t, db, c.ID, clerk, "record_delivery", map[string]any{"way": "post", "delivered_on": "2026-02-10", "proof": map[string]any{"kind": "ems", "number": " EA564634076CN "}})
		proof := func() *cases.DeliveryProof {
			t.Helper()
			l, err := db.Ledger(ctx, cases.LedgerFilter{From: cases.MustDate("2026-02-01"), To: cases.MustDate("2026-02-28")}, sup)
			if err != nil || len(l.Rows) != 1 {
				t.Fatalf("ledger: %v %d rows", err, len(l.Rows))
			}
			return l.Rows[0].DeliveryProof
		}
		if p := proof(); p == nil || *p != (cases.DeliveryProof{Kind: "ems", Number: "EA564634076CN"}) {
			t.Fatalf("proof after the delivery: %+v", p)
		}
		mustFire(t, db, c.ID, sup, "reopen", map[string]any{"reason": "复议决定责令重新答复"})
		if p := proof(); p != nil {
			t.Errorf("proof of a reopened case: %+v", p)
		}
		mustFire(t, db, c.ID, clerk, "draft_reply", map[string]any{"outcome": "disclose", "reasons": "重新答复，予以公开。"})
		mustFire(t, db, c.ID, sup, "approve", nil)
		mustFire(t, db, c.ID, clerk, "record_delivery", map[string]any{"way": "email", "delivered_on": "2026-02-10"})
		if p := proof(); p != nil {
			t.Errorf("proof of a delivery without one: %+v", p)
		}
	})
}
