package store

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	cases "foidesk/case"
	"foidesk/reportfacts"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata")

// setNow moves the database clock to 09:00 Beijing time on day s.
func setNow(db *DB, s string) {
	t := at(s)
	db.Now = func() time.Time { return t }
}

func importFile(t *testing.T, db *DB, name string, actor cases.Actor) ImportResult {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.ImportLedger(context.Background(), name, data, ImportOptions{Actor: actor})
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return res
}

func paperApp(kind, org, name, idType, id, received string) cases.Application {
	a := sampleApplication()
	a.Applicant = cases.Applicant{Kind: kind, OrgCategory: org, Name: name, IDType: idType, IDNumber: id, Phone: "13800138000", Email: "a@example.cn"}
	if kind == cases.KindOrganization {
		a.Applicant.ContactName, a.Applicant.LegalRep = "钱进", "钱进"
	}
	a.Channel, a.ReceivedOn = cases.ChannelInPerson, cases.MustDate(received)
	return a
}

func fatalErr(t *testing.T, err error) {
	t.Helper()
	var e *cases.Error
	if errors.As(err, &e) {
		t.Fatalf("%v %v", e, e.FieldsEN)
	}
	t.Fatal(err)
}

func caseByTracking(t *testing.T, db *DB, no string) *cases.Case {
	t.Helper()
	c, err := db.CaseByTracking(context.Background(), no)
	if err != nil {
		t.Fatalf("%s: %v", no, err)
	}
	return c
}

// buildAnnualData builds the data set of the annual report of 2025 (testdata/import_annual_*.csv
// and the cases below), as described in annual_2025.csv's test.
func buildAnnualData(t *testing.T, db *DB) {
	ctx := context.Background()
	admin := staff(t, db, "admin1", "admin")
	clerk := staff(t, db, "clerk1", "clerk")
	sup := staff(t, db, "sup1", "supervisor")
	system := cases.SystemActor

	setNow(db, "2025-06-30")
	res := importFile(t, db, "import_annual_a.csv", admin)
	if res.Cases != 39 || res.Open != 2 || res.Remedies != 6 {
		t.Fatalf("import a: %+v", res)
	}
	// W1: a paper application with a per-page fee (50 pages: 20 × 10 = 200 yuan), paid in July.
	w1, err := db.RegisterPaper(ctx, paperApp("person", "", "孙丽", "resident_id", "430104198009181088", "2025-06-20"), clerk)
	if err != nil {
		fatalErr(t, err)
	}
	if w1.TrackingNo != "GK2025000140" {
		t.Fatalf("the tracking sequence continues after the imported numbers: got %s", w1.TrackingNo)
	}
	mustFire(t, db, w1.ID, clerk, "accept", nil)
	if c := mustFire(t, db, w1.ID, clerk, "request_fee", map[string]any{"basis": "per_page", "pages": 50}); c.Fee.Amount != 200 {
		t.Fatalf("per page fee %d", c.Fee.Amount)
	}
	// W2: the 11th request of the month of one business (10 imported): 100 yuan per request.
	w2, err := db.RegisterPaper(ctx, paperApp("organization", "business", "望城数据服务有限公司", "credit_code", "91430100MA4L100007", "2025-06-25"), clerk)
	if err != nil {
		fatalErr(t, err)
	}
	mustFire(t, db, w2.ID, clerk, "accept", nil)
	if c := mustFire(t, db, w2.ID, clerk, "request_fee", map[string]any{"basis": "per_request"}); c.Fee.Amount != 100 {
		t.Fatalf("per request fee %d", c.Fee.Amount)
	}
	// W5: a correction that lapses.
	w5, err := db.RegisterPaper(ctx, paperApp("person", "", "郑浩", "resident_id", "430104198010191099", "2025-06-30"), clerk)
	if err != nil {
		t.Fatal(err)
	}
	mustFire(t, db, w5.ID, clerk, "request_correction", map[string]any{"items": []string{"请说明所需信息的名称或文号。"}})
	// W3 and W4: an online submission never registered, one discarded: they count nowhere.
	if _, _, err := db.CreateApplication(ctx, sampleApplication()); err != nil {
		t.Fatal(err)
	}
	w4, _, err := db.CreateApplication(ctx, sampleApplication())
	if err != nil {
		t.Fatal(err)
	}
	mustFire(t, db, w4.ID, clerk, "discard", map[string]any{"reason": "重复提交"})

	setNow(db, "2025-07-08")
	mustFire(t, db, w2.ID, clerk, "fee_paid", map[string]any{"paid_on": "2025-07-08"})
	setNow(db, "2025-07-10")
	mustFire(t, db, w1.ID, clerk, "fee_paid", map[string]any{"paid_on": "2025-07-10"})
	mustFire(t, db, w1.ID, clerk, "draft_reply", map[string]any{"outcome": "disclose", "reasons": "予以公开。"})
	setNow(db, "2025-07-15")
	if c := mustFire(t, db, w1.ID, sup, "approve", nil); c.LetterNo != "政公开答〔2025〕36号" {
		t.Fatalf("the letter sequence continues after the imported numbers: got %s", c.LetterNo)
	}
	setNow(db, "2025-07-16")
	mustFire(t, db, w1.ID, clerk, "record_delivery", map[string]any{"way": "email", "delivered_on": "2025-07-16"})
	setNow(db, "2025-07-20")
	mustFire(t, db, w2.ID, clerk, "withdraw", map[string]any{"reason": "申请人撤回"})
	setNow(db, "2025-07-30")
	mustFire(t, db, w5.ID, system, "correction_lapsed", nil)

	// A reopen in 2025: a new handling received on 2025-09-01, concluded partly disclosed.
	r27 := caseByTracking(t, db, "GK2025000127")
	setNow(db, "2025-09-01")
	mustFire(t, db, r27.ID, sup, "reopen", map[string]any{"reason": "行政复议决定责令重新答复"})
	setNow(db, "2025-10-10")
	mustFire(t, db, r27.ID, clerk, "draft_reply", map[string]any{"outcome": "partial", "reasons": "部分公开。"})
	mustFire(t, db, r27.ID, sup, "approve", nil)
	// A reopen at the end of 2025 of a case concluded in 2024, concluded in 2026.
	r28 := caseByTracking(t, db, "GK2024000128")
	setNow(db, "2025-12-22")
	mustFire(t, db, r28.ID, sup, "reopen", map[string]any{"reason": "法院判决重新答复"})
	setNow(db, "2026-01-15")
	mustFire(t, db, r28.ID, clerk, "draft_reply", map[string]any{"outcome": "disclose", "reasons": "予以公开。"})
	mustFire(t, db, r28.ID, sup, "approve", nil)

	setNow(db, "2026-03-01")
	if res := importFile(t, db, "import_annual_b.csv", cases.SystemActor); res.Cases != 7 {
		t.Fatalf("import b: %+v", res)
	}
}

// The annual report of 2025 (docs/rules.md §8) from a data set with every outcome, every applicant
// column, cases received in 2024 and concluded in 2025, received in 2025 and concluded in 2026,
// two reopens, remedies decided before and after 31 December, and fees of both bases. Expected
// figures (worked out by hand, see testdata/annual_2025.csv): 一 9/17/5/4/4/4 = 43, 二 1/0/1/1/1/1 = 5,
// （七） 10/16/4/4/4/3 = 41, 四 0/1/2/1/1/2 = 7.
func TestAnnualReport(t *testing.T) {
	forEachEngine(t, at("2025-06-30"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		buildAnnualData(t, db)
		rep, err := db.AnnualReport(ctx, nil, 2025)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases.Table3Columns {
			ck := rep.Check[c]
			if !ck.OK || ck.NewPlusCarriedIn != rep.Table3[cases.RowNew][c]+rep.Table3[cases.RowCarriedIn][c] ||
				ck.TotalPlusCarriedOut != rep.Table3[cases.RowTotal][c]+rep.Table3[cases.RowCarriedOut][c] {
				t.Errorf("column %s: 一+二 = %d, （七）+四 = %d", c, ck.NewPlusCarriedIn, ck.TotalPlusCarriedOut)
			}
		}
		want := map[string][]int{
			cases.RowNew:        {9, 17, 5, 4, 4, 4, 43},
			cases.RowCarriedIn:  {1, 0, 1, 1, 1, 1, 5},
			"disclose":          {5, 10, 0, 0, 0, 0, 15},
			"partial":           {1, 1, 0, 1, 0, 0, 3},
			"other.other":       {0, 1, 1, 0, 1, 0, 3},
			cases.RowTotal:      {10, 16, 4, 4, 4, 3, 41},
			cases.RowCarriedOut: {0, 1, 2, 1, 1, 2, 7},
		}
		for row, ns := range want {
			for i, c := range cases.Table3Columns {
				if got := rep.Table3[row][c]; got != ns[i] {
					t.Errorf("table3[%s][%s] = %d, want %d", row, c, got, ns[i])
				}
			}
		}
		for _, o := range cases.Outcomes {
			if rep.Table3[o.Code][cases.ColTotal] == 0 {
				t.Errorf("outcome %s has no case in the data set", o.Code)
			}
		}
		wantT4 := map[string]map[string]int{
			"reconsideration":                  {"upheld": 2, "corrected": 1, "other": 1, "pending": 0, "total": 4},
			"litigation_direct":                {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2},
			"litigation_after_reconsideration": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
		}
		for k, m := range wantT4 {
			for r, n := range m {
				if rep.Table4[k][r] != n {
					t.Errorf("table4[%s][%s] = %d, want %d", k, r, rep.Table4[k][r], n)
				}
			}
		}
		if rep.Fees != (cases.ReportFees{PerRequest: 100, PerPage: 200, Collected: 300}) {
			t.Errorf("fees %+v", rep.Fees)
		}

		// The CSV, line by line (golden file).
		var buf bytes.Buffer
		if err := rep.WriteCSV(&buf); err != nil {
			t.Fatal(err)
		}
		golden(t, "annual_2025.csv", buf.Bytes())

		// Every handling derived from the event log gives the same report as the fast path.
		if slow := annualFromEvents(t, db, 2025); !sameTable3(slow, rep) {
			t.Errorf("event-derived table 三 differs:\n%v\n%v", slow.Table3, rep.Table3)
		}
		// Re-running later, after further events, does not change 2025.
		setNow(db, "2026-03-02")
		clerk, _ := db.UserByName(ctx, "clerk1")
		sup, _ := db.UserByName(ctx, "sup1")
		c := caseByTracking(t, db, "GK2025000129")
		mustFire(t, db, c.ID, clerk.Actor(), "accept", nil)
		mustFire(t, db, c.ID, clerk.Actor(), "draft_reply", map[string]any{"outcome": "disclose", "reasons": "予以公开。"})
		mustFire(t, db, c.ID, sup.Actor(), "approve", nil)
		mustFire(t, db, caseByTracking(t, db, "GK2025000127").ID, sup.Actor(), "reopen", map[string]any{"reason": "再次复议"})
		again, err := db.AnnualReport(ctx, nil, 2025)
		if err != nil {
			t.Fatal(err)
		}
		if !sameTable3(again, rep) || again.Fees != rep.Fees {
			t.Errorf("the 2025 report changed after later events")
		}
		// 2026 balances too, and counts the reopen of 2026-03-02 as received in 2026.
		r26, err := db.AnnualReport(ctx, nil, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if !r26.Balanced() || r26.Table3[cases.RowCarriedIn][cases.ColTotal] != rep.Table3[cases.RowCarriedOut][cases.ColTotal] {
			t.Errorf("2026: balanced %v, carried in %d (2025 carried out %d)", r26.Balanced(), r26.Table3[cases.RowCarriedIn][cases.ColTotal], rep.Table3[cases.RowCarriedOut][cases.ColTotal])
		}
		if r26.Table3[cases.RowNew][cases.ColPerson] != 2 { // GK2026000243 and the reopen of GK2025000127
			t.Errorf("2026 new persons = %d, want 2", r26.Table3[cases.RowNew][cases.ColPerson])
		}
	})
}

func sameTable3(a, b cases.AnnualReport) bool {
	for row, cols := range a.Table3 {
		for c, n := range cols {
			if b.Table3[row][c] != n {
				return false
			}
		}
	}
	return true
}

// annualFromEvents computes table 三 from every case's event log (no fast path).
func annualFromEvents(t *testing.T, db *DB, year int) cases.AnnualReport {
	t.Helper()
	zones, _, err := db.agencyZones(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	hs, err := db.loadHandlings(context.Background(), "1=1", nil, zones, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep := cases.NewAnnualReport(year)
	y0, y1 := yearBounds(year)
	for _, h := range hs {
		reportfacts.CountAnnual(&rep, h, y0, y1)
	}
	rep.Finish()
	return rep
}

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// Monthly statistics of July and June 2025 on the annual data set (worked out by hand).
func TestMonthlyStats(t *testing.T) {
	forEachEngine(t, at("2025-06-30"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		buildAnnualData(t, db)
		jul, err := db.MonthlyStats(ctx, nil, 2025, 7)
		if err != nil {
			t.Fatal(err)
		}
		f := jul.Total
		// W1 (disclose, delivered on time), W2 (withdrawn), W5 (correction lapsed); working days
		// without pauses 9, 11 and 22; imported 25, 129 and 244 (imported in 2026, received in 2024)
		// overdue at 31 July.
		if f.Received != 0 || f.Concluded != 3 || f.Replied != 1 || f.Delivered != 1 || f.OnTime != 1 || f.Late != 0 ||
			f.AvgWorkdays != 14 || f.WorkdaysCounted != 3 || f.Paused != 0 || f.Extended != 0 || f.OverdueOpen != 3 {
			t.Errorf("july %+v", f)
		}
		if f.ByOutcome["disclose"] != 1 || f.ByOutcome["other.other"] != 1 || f.ByOutcome["other.correction_lapsed"] != 1 || len(f.ByOutcome) != len(cases.Outcomes) {
			t.Errorf("july outcomes %v", f.ByOutcome)
		}
		if jul.From.String() != "2025-07-01" || jul.To.String() != "2025-07-31" || jul.AsOf.String() != "2025-07-31" || len(jul.Agencies) != 1 || jul.Agencies[0].Received != f.Received {
			t.Errorf("july %+v", jul)
		}
		jun, err := db.MonthlyStats(ctx, nil, 2025, 6)
		if err != nil {
			t.Fatal(err)
		}
		if g := jun.Total; g.Received != 14 || g.Concluded != 10 || g.ByOutcome["disclose"] != 10 || g.Paused != 2 || g.OverdueOpen != 2 { // 25, 244
			t.Errorf("june %+v", g)
		}
		// the reopen of 2025-09-01 is received in September, its conclusion in October
		sep, _ := db.MonthlyStats(ctx, nil, 2025, 9)
		oct, _ := db.MonthlyStats(ctx, nil, 2025, 10)
		if sep.Total.Received != 1 || oct.Total.Concluded != 1 || oct.Total.ByOutcome["partial"] != 1 {
			t.Errorf("reopen: september received %d, october concluded %d", sep.Total.Received, oct.Total.Concluded)
		}
		// at the end of December 2025, cases imported in March 2026 were open: 240 and 244 overdue
		// (with 25 and 129); 241, 242 and the reopened 28 not yet due
		dec, _ := db.MonthlyStats(ctx, nil, 2025, 12)
		if dec.Total.OverdueOpen != 4 || dec.Total.Received != 3 { // received: 241, 242 and the reopen of 28
			t.Errorf("december: overdue %d received %d", dec.Total.OverdueOpen, dec.Total.Received)
		}
		if _, err := db.MonthlyStats(ctx, nil, 2025, 13); cases.ErrorCode(err) != cases.EINVALID {
			t.Errorf("month 13: %v", err)
		}
	})
}

func TestDashboard(t *testing.T) {
	forEachEngine(t, at("2025-06-30"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		buildAnnualData(t, db) // ends on 2026-03-01
		d, err := db.Dashboard(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Months) != 12 || d.Months[0].Year != 2025 || d.Months[0].Month != 4 || d.Months[11].Month != 3 {
			t.Fatalf("months %+v", d.Months)
		}
		// July 2025: 3 concluded, W1 delivered on time
		jul := d.Months[3]
		if jul.Month != 7 || jul.Concluded != 3 || d.OnTime[3].Delivered != 1 || d.OnTime[3].OnTime != 1 {
			t.Errorf("july %+v %+v", jul, d.OnTime[3])
		}
		// open: 25 and 129 (registered, overdue)
		if d.Open != 2 || d.Overdue != 2 || len(d.ByClerk) != 1 || d.ByClerk[0].Label != "" || d.ByClerk[0].Count != 2 {
			t.Errorf("open %d overdue %d by clerk %+v", d.Open, d.Overdue, d.ByClerk)
		}
		if d.DaysLeft[0].Label != "overdue" || d.DaysLeft[0].Count != 2 {
			t.Errorf("days left %+v", d.DaysLeft)
		}
	})
}
