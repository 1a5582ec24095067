package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
)

// forged is one event of a history built for a test, dated freely (the workflow would refuse
// most of these histories: that is the point of the audit).
type forged struct {
	event, day, from, to string
	payload              map[string]any
	dueBefore, dueAfter  string
}

// forge inserts a case with a hash-chained history of forged events and returns its id.
func forge(t testing.TB, db *DB, tracking string, evs []forged) int64 {
	t.Helper()
	ctx := context.Background()
	agency, err := db.AgencyByCode(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	app := sampleApplication()
	c := newCase(agency, app)
	c.TrackingNo, c.Channel, c.Version = tracking, cases.ChannelInPerson, 1
	c.ReceivedOn = cases.MustDate(evs[0].day)
	last := evs[len(evs)-1]
	c.State = cases.State(last.to)
	err = db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		c.CreatedAt, c.UpdatedAt = now.UTC(), now.UTC()
		if err := tx.GetContext(ctx, &c.ID, tx.Rebind(caseInsert), caseValues(c)...); err != nil {
			return err
		}
		for _, f := range evs {
			p := f.payload
			if p == nil {
				p = map[string]any{}
			}
			e := cases.Event{Event: cases.EventName(f.event), Actor: "forger", At: at(f.day), FromState: cases.State(f.from), ToState: cases.State(f.to), Payload: mustCanonical(p)}
			if f.dueBefore != "" {
				e.ReplyDueBefore = cases.MustDate(f.dueBefore)
			}
			if f.dueAfter != "" {
				e.ReplyDueAfter = cases.MustDate(f.dueAfter)
			}
			if err := appendEvent(ctx, tx, c, &e); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE cases SET event_count = ?, head_hash = ? WHERE id = ?`), c.EventCount, c.HeadHash, c.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// The start of every forged history: received 2026-02-02 (a Monday), due 2026-03-09.
func received(day string) []forged {
	return []forged{
		{event: "register", day: day, from: "", to: "registered", payload: map[string]any{"received_on": day}, dueAfter: "2026-03-09"},
		{event: "accept", day: day, from: "registered", to: "in_progress", dueBefore: "2026-03-09", dueAfter: "2026-03-09"},
	}
}

func replied(day, due string) []forged {
	return []forged{
		{event: "draft_reply", day: day, from: "in_progress", to: "pending_approval", payload: map[string]any{"outcome": "disclose"}, dueBefore: due, dueAfter: due},
		{event: "approve", day: day, from: "pending_approval", to: "replied", payload: map[string]any{"outcome": "disclose"}, dueBefore: due, dueAfter: due},
	}
}

func rules(fs []cases.Finding, tracking string) []string {
	var out []string
	for _, f := range fs {
		if f.TrackingNo == tracking {
			out = append(out, f.Rule)
		}
	}
	return out
}

// Every audit rule is found on a history that breaks it, and only there.
func TestAuditFindings(t *testing.T) {
	forEachEngine(t, at("2026-04-01"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		delivered := func(day, on string) forged {
			return forged{event: "record_delivery", day: day, from: "replied", to: "replied", payload: map[string]any{"way": "post", "delivered_on": on}, dueBefore: "2026-03-09", dueAfter: "2026-03-09"}
		}
		h := func(parts ...[]forged) []forged {
			var out []forged
			for _, p := range parts {
				out = append(out, p...)
			}
			return out
		}
		// clean: replied and delivered on time
		forge(t, db, "T-CLEAN", h(received("2026-02-02"), replied("2026-02-20", "2026-03-09"), []forged{delivered("2026-02-21", "2026-02-21")}))
		// replied after the deadline
		forge(t, db, "T-LATE", h(received("2026-02-02"), replied("2026-03-12", "2026-03-09"), []forged{delivered("2026-03-12", "2026-03-12")}))
		// approved in time, delivered after the deadline
		forge(t, db, "T-LATEDELIV", h(received("2026-02-02"), replied("2026-03-06", "2026-03-09"), []forged{delivered("2026-03-16", "2026-03-16")}))
		// correction notice 8 working days after receipt (2026-02-02 + 7 = 2026-02-11)
		forge(t, db, "T-CORR", h(received("2026-02-02"), []forged{
			{event: "request_correction", day: "2026-02-12", from: "in_progress", to: "awaiting_correction", dueBefore: "2026-03-09", dueAfter: "2026-03-09"}}))
		forge(t, db, "T-CORR-OK", h(received("2026-02-02"), []forged{
			{event: "request_correction", day: "2026-02-11", from: "in_progress", to: "awaiting_correction", dueBefore: "2026-03-09", dueAfter: "2026-03-09"}}))
		// extension after the deadline; two extensions
		forge(t, db, "T-EXTLATE", h(received("2026-02-02"), []forged{
			{event: "extend", day: "2026-03-10", from: "in_progress", to: "in_progress", payload: map[string]any{"days": 10}, dueBefore: "2026-03-09", dueAfter: "2026-03-23"}}))
		forge(t, db, "T-EXTTWICE", h(received("2026-02-02"), []forged{
			{event: "extend", day: "2026-03-02", from: "in_progress", to: "in_progress", payload: map[string]any{"days": 5}, dueBefore: "2026-03-09", dueAfter: "2026-03-16"},
			{event: "extend", day: "2026-03-03", from: "in_progress", to: "in_progress", payload: map[string]any{"days": 5}, dueBefore: "2026-03-16", dueAfter: "2026-03-23"}}))
		// an extension during a consultation, after the stored due but within the current deadline
		forge(t, db, "T-EXTPAUSE", h(received("2026-02-02"), []forged{
			{event: "consult", day: "2026-03-02", from: "in_progress", to: "consulting", dueBefore: "2026-03-09", dueAfter: "2026-03-09"},
			{event: "extend", day: "2026-03-11", from: "consulting", to: "consulting", payload: map[string]any{"days": 5}, dueBefore: "2026-03-09", dueAfter: "2026-03-16"}}))
		// replied, never delivered
		forge(t, db, "T-NODELIV", h(received("2026-02-02"), replied("2026-02-20", "2026-03-09")))
		// archived without delivery and without the reply letter
		forge(t, db, "T-ARCH", h(received("2026-02-02"), replied("2026-02-20", "2026-03-09"), []forged{
			{event: "archive", day: "2026-02-27", from: "replied", to: "archived", dueBefore: "2026-03-09", dueAfter: "2026-03-09"}}))
		// a broken chain: an event appended without the right hash
		id := forge(t, db, "T-CHAIN", h(received("2026-02-02")))
		if _, err := db.W.Exec(db.W.Rebind(`INSERT INTO case_events (case_id, seq, event, actor, at, payload, prev_hash, hash) VALUES (?, 3, 'add_note', 'x', ?, '{}', 'bogus', 'bogus')`), id, at("2026-02-05").UTC()); err != nil {
			t.Fatal(err)
		}
		if _, err := db.W.Exec(db.W.Rebind(`UPDATE cases SET event_count = 3 WHERE id = ?`), id); err != nil {
			t.Fatal(err)
		}

		agency, _ := db.AgencyByCode(ctx, "")
		feb, err := db.AuditMonth(ctx, agency.ID, 2026, 2)
		if err != nil {
			t.Fatal(err)
		}
		mar, err := db.AuditMonth(ctx, agency.ID, 2026, 3)
		if err != nil {
			t.Fatal(err)
		}
		all := append(append([]cases.Finding{}, feb...), mar...)
		want := map[string]string{
			"T-CLEAN":     "",
			"T-LATE":      cases.FindingLateReply,
			"T-LATEDELIV": cases.FindingLateReply,
			"T-CORR":      cases.FindingLateCorrection,
			"T-CORR-OK":   "",
			"T-EXTLATE":   cases.FindingLateExtension,
			"T-EXTTWICE":  cases.FindingRepeatedExtension,
			"T-EXTPAUSE":  "",
			"T-NODELIV":   cases.FindingNoDelivery,
			"T-ARCH":      cases.FindingNoDelivery + "," + cases.FindingArchiveIncomplete,
			"T-CHAIN":     cases.FindingChainBroken,
		}
		for tracking, w := range want {
			got := strings.Join(rules(all, tracking), ",")
			if tracking == "T-ARCH" { // order: archive (seq 5) is found before the end-of-handling no_delivery
				got = strings.Join(sortedStrings(rules(all, tracking)), ",")
				w = strings.Join(sortedStrings(strings.Split(w, ",")), ",")
			}
			if got != w {
				t.Errorf("%s: findings %q, want %q", tracking, got, w)
			}
		}
		for _, f := range all {
			if f.Message == "" || f.MessageEN == "" || (f.Rule != cases.FindingChainBroken && f.Date.IsZero()) {
				t.Errorf("finding without message or date: %+v", f)
			}
			if f.TrackingNo == "T-ARCH" && f.Rule == cases.FindingArchiveIncomplete && !strings.Contains(f.Message, "送达记录") {
				t.Errorf("archive finding: %s", f.Message)
			}
		}
		// findings are placed in the month of the event they are about
		for _, f := range feb {
			if f.Date.Month() != time.February && f.Rule != cases.FindingChainBroken {
				t.Errorf("february finding dated %s", f.Date)
			}
		}
	})
}

func sortedStrings(s []string) []string {
	out := append([]string{}, s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// A signed month refuses every event and every fact dated inside it; later events on its cases
// are allowed.
func TestSignedMonthIsFrozen(t *testing.T) {
	forEachEngine(t, at("2026-01-12"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		clerk := staff(t, db, "clerk1", "clerk")
		sup := staff(t, db, "sup1", "supervisor")
		admin := staff(t, db, "admin1", "admin")
		agency, _ := db.AgencyByCode(ctx, "")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-01-12")
		a, err := db.RegisterPaper(ctx, app, clerk) // will await correction
		if err != nil {
			t.Fatal(err)
		}
		mustFire(t, db, a.ID, clerk, "request_correction", map[string]any{"items": []string{"请补充文件名称。"}})
		b, err := db.RegisterPaper(ctx, app, clerk) // will be replied in January, delivered later
		if err != nil {
			t.Fatal(err)
		}
		mustFire(t, db, b.ID, clerk, "accept", nil)
		mustFire(t, db, b.ID, clerk, "draft_reply", map[string]any{"outcome": "disclose", "reasons": "予以公开。"})
		setNow(db, "2026-01-20")
		mustFire(t, db, b.ID, sup, "approve", nil)
		c, err := db.RegisterPaper(ctx, app, clerk) // untouched until February
		if err != nil {
			t.Fatal(err)
		}

		setNow(db, "2026-01-31")
		sign := func(actor cases.Actor, year, month, ack int, digest string) (cases.SignOff, error) {
			return db.SignOffMonth(ctx, cases.SignOffRequest{AgencyID: agency.ID, Year: year, Month: month, LedgerPDF: []byte("%PDF-1.4 ledger"), LedgerDigest: digest, Acknowledged: ack, Note: "已核对"}, actor)
		}
		led, err := db.SignOffLedger(ctx, agency.ID, 2026, 1, sup)
		if err != nil || len(led.Rows) != 3 {
			t.Fatalf("ledger %v %d", err, len(led.Rows))
		}
		findings, err := db.AuditMonth(ctx, agency.ID, 2026, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(findings) != 1 || findings[0].Rule != cases.FindingNoDelivery {
			t.Fatalf("findings %+v", findings)
		}
		if _, err := sign(sup, 2026, 1, 1, led.Digest); cases.ErrorCode(err) != cases.ECONFLICT {
			t.Errorf("signing a month not yet ended: %v", err)
		}
		// docs/rules.md §8: not before the month's last working day (Fri 30 Jan) plus the grace
		// period (5 working days), so that late post can still be registered.
		setNow(db, "2026-02-05")
		if _, err := sign(sup, 2026, 1, 1, led.Digest); cases.ErrorCode(err) != cases.ECONFLICT || !strings.Contains(cases.ErrorMessage(err, "zh"), "可于2026年2月6日起签核") {
			t.Errorf("signing within the grace period: %v", err)
		}
		setNow(db, "2026-02-06")
		if _, err := sign(clerk, 2026, 1, 1, led.Digest); cases.ErrorCode(err) != cases.EFORBIDDEN {
			t.Errorf("clerk signing: %v", err)
		}
		if _, err := sign(sup, 2026, 1, 0, led.Digest); cases.ErrorCode(err) != cases.ECONFLICT {
			t.Errorf("findings not acknowledged: %v", err)
		}
		if _, err := sign(sup, 2026, 1, 1, strings.Repeat("0", 64)); cases.ErrorCode(err) != cases.ECONFLICT {
			t.Errorf("stale ledger: %v", err)
		}
		so, err := sign(sup, 2026, 1, 1, led.Digest)
		if err != nil {
			t.Fatal(err)
		}
		if so.SignedBy != "sup1" || len(so.LedgerSHA256) != 64 || len(so.Findings) != 1 || so.DocumentID == 0 || so.LedgerDigest != led.Digest {
			t.Errorf("sign-off %+v", so)
		}
		if pdf, err := db.SignOffPDF(ctx, so.ID); err != nil || string(pdf.Body) != "%PDF-1.4 ledger" || pdf.SHA256 != so.LedgerSHA256 {
			t.Errorf("signed pdf %v %q", err, pdf.Body)
		}
		if list, err := db.SignOffs(ctx, nil); err != nil || len(list) != 1 || list[0].Findings[0].Rule != cases.FindingNoDelivery {
			t.Errorf("list %v %+v", err, list)
		}
		if _, err := sign(sup, 2026, 1, 1, led.Digest); cases.ErrorCode(err) != cases.ECONFLICT {
			t.Errorf("signing twice: %v", err)
		}
		if _, err := db.W.Exec(`UPDATE signoffs SET note = 'x'`); err == nil {
			t.Errorf("a sign-off was changed")
		}

		refused := func(what string, err error) {
			t.Helper()
			if cases.ErrorCode(err) != cases.ECONFLICT || !strings.Contains(cases.ErrorMessage(err, "zh"), "2026年1月的台账已签核") {
				t.Errorf("%s: %v", what, err)
			}
		}
		// facts dated in January
		app.ReceivedOn = cases.MustDate("2026-01-30")
		_, err = db.RegisterPaper(ctx, app, clerk)
		refused("paper receipt in January", err)
		_, err = fire(t, db, a.ID, clerk, "submit_correction", map[string]any{"received_on": "2026-01-30", "text": "补正材料"})
		refused("correction received in January", err)
		_, err = fire(t, db, b.ID, clerk, "record_delivery", map[string]any{"way": "post", "delivered_on": "2026-01-30"})
		refused("delivery in January", err)
		hdr := "tracking_no,applicant_kind,org_category,name,id_type,id_number,channel,received_on,description,outcome,concluded_on,letter_no\n"
		_, err = db.ImportLedger(ctx, "f.csv", []byte(hdr+",person,,王建国,resident_id,430104198001101004,online,2026-01-06,申请公开预算。,disclose,2026-02-01,\n"), ImportOptions{Actor: admin})
		if !strings.Contains(cases.ErrorMessage(err, "zh"), "row 2, column received_on: 2026年1月的台账已签核") {
			t.Errorf("import into January: %v", err)
		}
		// an event dated in January (a clock set back)
		setNow(db, "2026-01-30")
		_, err = fire(t, db, c.ID, clerk, "accept", nil)
		refused("event dated in January", err)
		// later events on the same cases are allowed and dated in February
		setNow(db, "2026-02-09")
		mustFire(t, db, a.ID, clerk, "submit_correction", map[string]any{"received_on": "2026-02-02", "text": "补正材料"})
		mustFire(t, db, b.ID, clerk, "record_delivery", map[string]any{"way": "post", "delivered_on": "2026-02-09"})
		mustFire(t, db, c.ID, clerk, "accept", nil)
		app.ReceivedOn = cases.MustDate("2026-02-02")
		if _, err := db.RegisterPaper(ctx, app, clerk); err != nil {
			t.Errorf("paper receipt in February: %v", err)
		}
		// the delivery resolves January's finding; the sign-off keeps what was acknowledged
		if again, _ := db.AuditMonth(ctx, agency.ID, 2026, 1); len(again) != 0 {
			t.Errorf("january findings now %+v", again)
		}
		if list, _ := db.SignOffs(ctx, nil); len(list) != 1 || len(list[0].Findings) != 1 {
			t.Errorf("the sign-off changed: %+v", list)
		}
		// the events of January are still append-only
		if _, err := db.W.Exec(`UPDATE case_events SET actor = 'x' WHERE seq = 1`); err == nil {
			t.Errorf("an event was changed")
		}
	})
}

// docs/rules.md §8, Art. 45 (登记、审核…归档 on record): late post received in a signed month is
// registered after a supervisor of the agency reopens the month's sign-off with a reason — an
// append-only record, listed with the sign-offs — and the month is then signed off again (round
// 2). Clerks are refused with the way forward; the reopening is refused to clerks and other
// agencies' supervisors (EFORBIDDEN), on a month not signed or already reopened (ECONFLICT), and
// without a reason (EINVALID on fields.reason).
func TestArt45_ReopenSignedMonthForLatePost(t *testing.T) {
	forEachEngine(t, at("2026-11-27"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		clerk := staff(t, db, "clerk1", "clerk")
		sup := staff(t, db, "sup1", "supervisor")
		agency, _ := db.AgencyByCode(ctx, "")
		edu, err := db.CreateAgency(ctx, "edu", "区教育局", cases.DefaultSettings())
		if err != nil {
			t.Fatal(err)
		}
		rs, _ := ParseRoles("supervisor")
		u, err := db.CreateUser(ctx, "sup-edu", "correct horse battery", rs, edu.ID, "sup-edu")
		if err != nil {
			t.Fatal(err)
		}
		eduSup := u.Actor()

		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelPostRegistered, cases.MustDate("2026-11-27")
		if _, err := db.RegisterPaper(ctx, app, clerk); err != nil {
			t.Fatal(err)
		}
		setNow(db, "2026-11-28")
		if _, _, err := db.CreateApplication(ctx, sampleApplication()); err != nil { // online, awaiting registration
			t.Fatal(err)
		}
		sign := func(digest string) (cases.SignOff, error) {
			return db.SignOffMonth(ctx, cases.SignOffRequest{AgencyID: agency.ID, Year: 2026, Month: 11, LedgerPDF: []byte("%PDF-1.4 ledger"), LedgerDigest: digest, Note: "已核对"}, sup)
		}
		ledger := func() cases.Ledger {
			t.Helper()
			l, err := db.SignOffLedger(ctx, agency.ID, 2026, 11, sup)
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
		reopen := func(actor cases.Actor, year, month int, reason string) (cases.SignOffReopening, error) {
			return db.ReopenMonth(ctx, cases.ReopenRequest{AgencyID: agency.ID, Year: year, Month: month, Reason: reason}, actor)
		}

		setNow(db, "2026-12-08")
		if n, err := db.AwaitingRegistration(ctx, agency.ID, 2026, 11); err != nil || n != 1 {
			t.Errorf("awaiting registration in November: %d %v", n, err)
		}
		if n, _ := db.AwaitingRegistration(ctx, agency.ID, 2026, 10); n != 0 {
			t.Errorf("awaiting registration in October: %d", n)
		}
		first, err := sign(ledger().Digest)
		if err != nil {
			t.Fatal(err)
		}
		if first.Round != 1 || first.Reopened != nil {
			t.Errorf("first sign-off %+v", first)
		}

		// 9 December: a registered letter received on 30 November is refused, saying what to do.
		setNow(db, "2026-12-09")
		late := sampleApplication()
		late.Applicant.Name, late.Channel, late.ReceivedOn = "李四", cases.ChannelPostRegistered, cases.MustDate("2026-11-30")
		_, err = db.RegisterPaper(ctx, late, clerk)
		if msg := cases.ErrorMessage(err, "zh"); cases.ErrorCode(err) != cases.ECONFLICT || !strings.Contains(msg, "2026年11月的台账已签核") || !strings.Contains(msg, "重新开放该月的签核") {
			t.Fatalf("late post in a signed month: %v", err)
		}
		if msg := cases.ErrorMessage(err, "en"); !strings.Contains(msg, "a supervisor reopens the month's sign-off") {
			t.Errorf("English refusal: %s", msg)
		}

		if _, err := reopen(clerk, 2026, 11, "补登11月30日收到的挂号信"); cases.ErrorCode(err) != cases.EFORBIDDEN {
			t.Errorf("clerk reopening: %v", err)
		}
		if _, err := reopen(eduSup, 2026, 11, "补登11月30日收到的挂号信"); cases.ErrorCode(err) != cases.EFORBIDDEN {
			t.Errorf("another agency's supervisor reopening: %v", err)
		}
		if _, err := reopen(sup, 2026, 10, "补登10月收到的信件"); cases.ErrorCode(err) != cases.ECONFLICT || !strings.Contains(cases.ErrorMessage(err, "zh"), "尚未签核") {
			t.Errorf("reopening a month not signed: %v", err)
		}
		var e *cases.Error
		if _, err := reopen(sup, 2026, 11, "  "); !errors.As(err, &e) || e.Code != cases.EINVALID || e.Fields["reason"] == "" {
			t.Errorf("reopening without a reason: %v", err)
		}
		if list, _ := db.SignOffs(ctx, nil); len(list) != 1 || list[0].Reopened != nil {
			t.Fatalf("a refused reopening was recorded: %+v", list)
		}
		ro, err := reopen(sup, 2026, 11, " 补登11月30日收到的挂号信 ")
		if err != nil {
			t.Fatal(err)
		}
		if ro.ID == 0 || ro.SignOffID != first.ID || ro.Round != 1 || ro.ReopenedBy != "sup1" || ro.Reason != "补登11月30日收到的挂号信" || ro.ReopenedAt.IsZero() {
			t.Errorf("reopening %+v", ro)
		}
		if _, err := reopen(sup, 2026, 11, "再次开放"); cases.ErrorCode(err) != cases.ECONFLICT {
			t.Errorf("reopening twice: %v", err)
		}

		// While reopened, the late letter is registered with its receipt letter.
		c, err := db.RegisterPaper(ctx, late, clerk)
		if err != nil {
			t.Fatalf("late post after the reopening: %v", err)
		}
		if !c.ReceivedOn.Equal(cases.MustDate("2026-11-30")) {
			t.Errorf("received on %s", c.ReceivedOn)
		}
		var receipts int
		if err := db.R.Get(&receipts, db.R.Rebind(`SELECT COUNT(*) FROM documents WHERE case_id = ? AND kind = ?`), c.ID, cases.DocReceipt); err != nil || receipts != 1 {
			t.Errorf("receipt letters %d %v", receipts, err)
		}

		// Signed off again: the ledger now has the late letter, so the old digest is stale.
		if _, err := sign(first.LedgerDigest); cases.ErrorCode(err) != cases.ECONFLICT {
			t.Errorf("signing the ledger of before the registration: %v", err)
		}
		l := ledger()
		if len(l.Rows) != 2 {
			t.Errorf("ledger rows %d", len(l.Rows))
		}
		second, err := sign(l.Digest)
		if err != nil {
			t.Fatal(err)
		}
		if second.Round != 2 || second.ID == first.ID {
			t.Errorf("second sign-off %+v", second)
		}
		if _, err := sign(l.Digest); cases.ErrorCode(err) != cases.ECONFLICT || !strings.Contains(cases.ErrorMessage(err, "zh"), "已经签核") {
			t.Errorf("signing twice after the reopening: %v", err)
		}
		late.Applicant.Name = "王五"
		if _, err := db.RegisterPaper(ctx, late, clerk); cases.ErrorCode(err) != cases.ECONFLICT {
			t.Errorf("late post after the second sign-off: %v", err)
		}

		// The history: the month's latest sign-off first, the first one with its reopening.
		list, err := db.SignOffs(ctx, []int64{agency.ID})
		if err != nil || len(list) != 2 {
			t.Fatalf("history %v %+v", err, list)
		}
		if list[0].ID != second.ID || list[0].Round != 2 || list[0].Reopened != nil {
			t.Errorf("latest %+v", list[0])
		}
		if r := list[1].Reopened; list[1].ID != first.ID || r == nil || r.ID != ro.ID || r.Reason != ro.Reason || r.ReopenedBy != "sup1" || !r.ReopenedAt.Equal(ro.ReopenedAt) {
			t.Errorf("first %+v reopened %+v", list[1], list[1].Reopened)
		}
		if pdf, err := db.SignOffPDF(ctx, first.ID); err != nil || pdf.SHA256 != first.LedgerSHA256 || pdf.Filename != "ledger-default-2026-11.pdf" {
			t.Errorf("the first sign-off's PDF: %v %s", err, pdf.Filename)
		}
		if pdf, err := db.SignOffPDF(ctx, second.ID); err != nil || pdf.Filename != "ledger-default-2026-11-2.pdf" || pdf.Title != "2026年11月政府信息公开申请办理台账（第2次签核）" {
			t.Errorf("the second sign-off's PDF: %v %s %s", err, pdf.Filename, pdf.Title)
		}
		// append-only
		for _, q := range []string{`UPDATE signoff_reopenings SET reason = 'x'`, `DELETE FROM signoff_reopenings`, `UPDATE signoffs SET round = 3`, `DELETE FROM signoffs`} {
			if _, err := db.W.Exec(q); err == nil {
				t.Errorf("%s: allowed", q)
			}
		}
	})
}

// Concurrent reopenings of one sign-off, and concurrent sign-offs of the reopened month: exactly
// one of each wins, the others are refused with ECONFLICT (never a database error).
func TestConcurrentReopenAndSignOff(t *testing.T) {
	forEachEngine(t, at("2026-12-08"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		sup := staff(t, db, "sup1", "supervisor")
		agency, _ := db.AgencyByCode(ctx, "")
		sign := func() (cases.SignOff, error) {
			l, err := db.SignOffLedger(ctx, agency.ID, 2026, 11, sup)
			if err != nil {
				return cases.SignOff{}, err
			}
			return db.SignOffMonth(ctx, cases.SignOffRequest{AgencyID: agency.ID, Year: 2026, Month: 11, LedgerPDF: []byte("%PDF-1.4 ledger"), LedgerDigest: l.Digest}, sup)
		}
		if _, err := sign(); err != nil {
			t.Fatal(err)
		}
		race := func(what string, fn func() error) {
			t.Helper()
			const n = 6
			errs := make(chan error, n)
			for range n {
				go func() { errs <- fn() }()
			}
			won := 0
			for range n {
				switch err := <-errs; {
				case err == nil:
					won++
				case cases.ErrorCode(err) != cases.ECONFLICT:
					t.Errorf("%s: %v", what, err)
				}
			}
			if won != 1 {
				t.Errorf("%s: %d won", what, won)
			}
		}
		race("reopen", func() error {
			_, err := db.ReopenMonth(ctx, cases.ReopenRequest{AgencyID: agency.ID, Year: 2026, Month: 11, Reason: "补登迟到的挂号信"}, sup)
			return err
		})
		race("sign again", func() error { _, err := sign(); return err })
		if list, _ := db.SignOffs(ctx, nil); len(list) != 2 || list[0].Round != 2 || list[1].Reopened == nil {
			t.Errorf("history %+v", list)
		}
		// the constraints a lost race violates are the ones the store turns into ECONFLICT
		_, err := db.W.Exec(`INSERT INTO signoff_reopenings (signoff_id, agency_id, year, month, round, reopened_by, reopened_at, reason)
			SELECT signoff_id, agency_id, year, month, round, reopened_by, reopened_at, reason FROM signoff_reopenings`)
		if !lostReopeningRace(err) {
			t.Errorf("a second reopening of a sign-off: %v", err)
		}
		_, err = db.W.Exec(`INSERT INTO signoffs (agency_id, year, month, month_start, month_end, signed_by, signed_at, ledger_sha256, round)
			SELECT agency_id, year, month, month_start, month_end, signed_by, signed_at, ledger_sha256, round FROM signoffs WHERE round = 2`)
		if !isUniqueViolation(err, "signoffs_agency_id_year_month_round_key", "signoffs.agency_id") {
			t.Errorf("a second sign-off of a round: %v", err)
		}
	})
}
