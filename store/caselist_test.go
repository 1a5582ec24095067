package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
)

// listFixture inserts n cases of two agencies with every state, dates present or missing, and
// searchable texts; it returns them as stored.
func listFixture(t *testing.T, db *DB, n int) []*cases.Case {
	t.Helper()
	ctx := context.Background()
	a1, err := db.AgencyByCode(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	a2, err := db.CreateAgency(ctx, "second", "第二机关", cases.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 7))
	words := []string{"征地批复", "环境影响评价", "老旧小区改造", "财政预算", "规划许可"}
	names := []string{"李静", "王小明", "张三", "陈建国"}
	var out []*cases.Case
	err = db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		for i := range n {
			a := a1
			if i%5 == 4 {
				a = a2
			}
			c := newCase(a, sampleApplication())
			c.Agency = a.Code
			c.TrackingNo = fmt.Sprintf("T%05d", r.IntN(90000)+10000*0+i*3) // unique, not in id order
			c.State = cases.State(cases.States[r.IntN(len(cases.States))].Code)
			c.Version = 1
			c.Applicant.Name = names[i%len(names)]
			c.Applicant.IDNumber = fmt.Sprintf("ID%06d", i)
			c.Applicant.Phone = fmt.Sprintf("138%08d", i)
			c.Description = "申请公开" + words[i%len(words)] + "的相关文件。"
			c.Channel = []string{cases.ChannelOnline, cases.ChannelFax, cases.ChannelInPerson}[i%3]
			if r.IntN(4) > 0 { // some without a deadline, several on the same day
				c.ReplyDue = cases.MustDate("2026-03-01").AddDays(r.IntN(12))
			}
			if r.IntN(5) > 0 {
				c.ReceivedOn = cases.MustDate("2026-01-01").AddDays(r.IntN(20))
			}
			c.Assignee = []string{"", "clerk1", "clerk2"}[r.IntN(3)]
			c.CreatedAt, c.UpdatedAt = now.UTC(), now.UTC()
			if err := tx.GetContext(ctx, &c.ID, tx.Rebind(caseInsert), caseValues(c)...); err != nil {
				return err
			}
			if err := insertTerms(ctx, tx, c.ID, textTerms(c)); err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// expectList is the list by definition: the filter applied to every case, sorted as specified
// (docs/api.md "Staff": GET /cases).
func expectList(all []*cases.Case, keep func(*cases.Case) bool, sortKey string) []string {
	desc := strings.HasPrefix(sortKey, "-")
	key := func(c *cases.Case) (string, bool) {
		switch strings.TrimPrefix(sortKey, "-") {
		case "received":
			return c.ReceivedOn.String(), !c.ReceivedOn.IsZero()
		case "tracking_no":
			return c.TrackingNo, true
		case "state":
			return stateRank(string(c.State)), true
		}
		return c.ReplyDue.String(), !c.ReplyDue.IsZero()
	}
	var sel []*cases.Case
	for _, c := range all {
		if keep(c) {
			sel = append(sel, c)
		}
	}
	slices.SortFunc(sel, func(a, b *cases.Case) int {
		ka, oka := key(a)
		kb, okb := key(b)
		switch {
		case oka && !okb:
			return -1
		case !oka && okb:
			return 1
		case oka && okb && ka != kb:
			if desc {
				return strings.Compare(kb, ka)
			}
			return strings.Compare(ka, kb)
		}
		return cmp.Compare(a.ID, b.ID)
	})
	out := make([]string, len(sel))
	for i, c := range sel {
		out[i] = c.TrackingNo
	}
	return out
}

// pages reads every page of f.
func pages(t *testing.T, db *DB, f cases.CaseFilter) []string {
	t.Helper()
	var got []string
	for range 1000 {
		list, next, err := db.FindCases(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range list {
			got = append(got, c.TrackingNo)
		}
		if next == "" {
			return got
		}
		f.Cursor = next
	}
	t.Fatal("no last page")
	return nil
}

func TestFindCasesSortFiltersAndPages(t *testing.T) {
	forEachEngine(t, at("2026-03-05"), func(t *testing.T, db *DB) {
		all := listFixture(t, db, 240)
		ctx := context.Background()
		a1, _ := db.AgencyByCode(ctx, "")
		today := cases.MustDate("2026-03-05")
		clerk := "clerk1"
		type tc struct {
			name string
			f    cases.CaseFilter
			keep func(*cases.Case) bool
		}
		mine := func(c *cases.Case) bool { return c.AgencyID == a1.ID }
		tests := []tc{
			{"all", cases.CaseFilter{}, func(*cases.Case) bool { return true }},
			{"open states", cases.CaseFilter{AgencyIDs: []int64{a1.ID}, States: cases.OpenStates},
				func(c *cases.Case) bool { return mine(c) && cases.IsOpen(c.State) }},
			{"overdue", cases.CaseFilter{AgencyIDs: []int64{a1.ID}, Overdue: true, Today: today},
				func(c *cases.Case) bool {
					return mine(c) && cases.ClockRunning(c.State) && !c.ReplyDue.IsZero() && c.ReplyDue.Before(today)
				}},
			{"assignee", cases.CaseFilter{AgencyIDs: []int64{a1.ID}, Assignee: &clerk},
				func(c *cases.Case) bool { return mine(c) && c.Assignee == clerk }},
			{"paused, channel", cases.CaseFilter{Paused: true, Channels: []string{cases.ChannelFax}},
				func(c *cases.Case) bool {
					return slices.Contains(cases.PausedStates, c.State) && c.Channel == cases.ChannelFax
				}},
			{"received range", cases.CaseFilter{ReceivedFrom: cases.MustDate("2026-01-05"), ReceivedTo: cases.MustDate("2026-01-10")},
				func(c *cases.Case) bool {
					return !c.ReceivedOn.IsZero() && !c.ReceivedOn.Before(cases.MustDate("2026-01-05")) && !c.ReceivedOn.After(cases.MustDate("2026-01-10"))
				}},
			{"word", cases.CaseFilter{Q: "征地"}, func(c *cases.Case) bool { return strings.Contains(c.Description, "征地") }},
			{"name and state", cases.CaseFilter{Q: "李静", States: []cases.State{cases.StateReplied, cases.StateRegistered}},
				func(c *cases.Case) bool {
					return c.Applicant.Name == "李静" && (c.State == cases.StateReplied || c.State == cases.StateRegistered)
				}},
		}
		for _, s := range []string{"", "-due", "received", "-received", "tracking_no", "-tracking_no", "state", "-state"} {
			for _, x := range tests {
				f := x.f
				f.Sort, f.Limit = s, 7
				want := expectList(all, x.keep, s)
				if len(want) == 0 {
					t.Fatalf("%s: the fixture has no case", x.name)
				}
				if got := pages(t, db, f); !slices.Equal(got, want) {
					t.Errorf("%s, sort %q:\n got %v\nwant %v", x.name, s, got, want)
				}
				f.Limit, f.CountMax = 0, 0
				if n, err := db.CountCases(ctx, f); err != nil || n != len(want) {
					t.Errorf("%s: count %d, %v; want %d", x.name, n, err, len(want))
				}
			}
		}
		// a term found in many cases is filtered on the streams; the same answer
		old := searchCandidates
		searchCandidates = 3
		defer func() { searchCandidates = old }()
		// (read in turn, in the order of their first keys, bounded by the page's last row: every
		// sort, both directions, pages of several sizes)
		for _, s := range []string{"", "-due", "received", "-received", "tracking_no", "-tracking_no", "state", "-state"} {
			for _, limit := range []int{1, 5, 13} {
				f := cases.CaseFilter{Q: "环境 影响评价", Sort: s, Limit: limit}
				want := expectList(all, func(c *cases.Case) bool { return strings.Contains(c.Description, "环境影响评价") }, s)
				if got := pages(t, db, f); !slices.Equal(got, want) {
					t.Errorf("streams, sort %q, limit %d:\n got %v\nwant %v", s, limit, got, want)
				}
			}
			f := cases.CaseFilter{Q: "征地", Sort: s, Limit: 4, States: cases.OpenStates}
			want := expectList(all, func(c *cases.Case) bool { return cases.IsOpen(c.State) && strings.Contains(c.Description, "征地") }, s)
			if got := pages(t, db, f); !slices.Equal(got, want) {
				t.Errorf("streams, open states, sort %q:\n got %v\nwant %v", s, got, want)
			}
		}
	})
}

// A brief page (the queue's rows) lists the same cases in the same order, with the fields a row
// shows equal to those of the whole case.
func TestFindCasesBrief(t *testing.T) {
	forEachEngine(t, at("2026-03-05"), func(t *testing.T, db *DB) {
		listFixture(t, db, 60)
		ctx := context.Background()
		for _, s := range []string{"", "-received", "state"} {
			f := cases.CaseFilter{States: cases.OpenStates, Sort: s, Limit: 9}
			whole, next, err := db.FindCases(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			f.Brief = true
			brief, bnext, err := db.FindCases(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if len(brief) != len(whole) || len(whole) == 0 || bnext != next {
				t.Fatalf("sort %q: %d brief, %d whole (next %q, %q)", s, len(brief), len(whole), bnext, next)
			}
			for i, w := range whole {
				b := brief[i]
				want := cases.Case{ID: w.ID, AgencyID: w.AgencyID, TrackingNo: w.TrackingNo, State: w.State, Applicant: cases.Applicant{Name: w.Applicant.Name},
					Description: w.Description, Assignee: w.Assignee, ReceivedOn: w.ReceivedOn, ReplyDue: w.ReplyDue, Provisional: w.Provisional, ConcludedOn: w.ConcludedOn}
				if fmt.Sprint(*b) != fmt.Sprint(want) {
					t.Errorf("sort %q, row %d:\n got %+v\nwant %+v", s, i, *b, want)
				}
			}
		}
	})
}

func TestFindCasesExactIdentifiers(t *testing.T) {
	forEachEngine(t, at("2026-03-05"), func(t *testing.T, db *DB) {
		all := listFixture(t, db, 30)
		ctx := context.Background()
		c := all[17]
		for _, q := range []string{c.TrackingNo, strings.ToLower(c.TrackingNo), c.Applicant.IDNumber, " " + c.Applicant.Phone,
			"+86 " + c.Applicant.Phone[:3] + "-" + c.Applicant.Phone[3:7] + "-" + c.Applicant.Phone[7:]} {
			list, _, err := db.FindCases(ctx, cases.CaseFilter{Q: q})
			if err != nil || len(list) != 1 || list[0].ID != c.ID {
				t.Errorf("q=%q: %d cases, %v; want %s", q, len(list), err, c.TrackingNo)
			}
		}
		// a single character is not a word: no match, no error
		if list, _, err := db.FindCases(ctx, cases.CaseFilter{Q: "征"}); err != nil || len(list) != 0 {
			t.Errorf("one character: %d, %v", len(list), err)
		}
	})
}

func TestFindCasesCursorBelongsToItsFilters(t *testing.T) {
	forEachEngine(t, at("2026-03-05"), func(t *testing.T, db *DB) {
		listFixture(t, db, 30)
		ctx := context.Background()
		_, next, err := db.FindCases(ctx, cases.CaseFilter{Sort: "received", Limit: 3})
		if err != nil || next == "" {
			t.Fatal(next, err)
		}
		for _, f := range []cases.CaseFilter{{Sort: "due", Cursor: next}, {Sort: "received", States: []cases.State{"registered"}, Cursor: next},
			{Sort: "received", Cursor: "garbage"}, {Sort: "received", Cursor: next[:len(next)-3]}} {
			_, _, err := db.FindCases(ctx, f)
			var ce *cases.Error
			if !errors.As(err, &ce) || ce.Fields["cursor"] == "" {
				t.Errorf("%+v: %v, want a fields.cursor error", f, err)
			}
		}
		if _, _, err := db.FindCases(ctx, cases.CaseFilter{Sort: "received", Cursor: next, Limit: 9}); err != nil {
			t.Errorf("same filters, other limit: %v", err)
		}
	})
}

func TestCaseTermsFollowTheText(t *testing.T) {
	forEachEngine(t, at("2026-03-05"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		clerk := staff(t, db, "clerk1", "clerk")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-03-05")
		app.Description = "申请公开清溪区征地批复文件。"
		c, err := db.RegisterPaper(ctx, app, clerk)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"征地", "征地批复", "张三"} {
			if list, _, err := db.FindCases(ctx, cases.CaseFilter{Q: q}); err != nil || len(list) != 1 || list[0].ID != c.ID {
				t.Errorf("q=%q: %d, %v", q, len(list), err)
			}
		}
		var n int
		if err := db.R.GetContext(ctx, &n, db.R.Rebind(`SELECT COUNT(*) FROM case_terms WHERE case_id = ?`), c.ID); err != nil || n != len(textTerms(c)) || n == 0 {
			t.Errorf("case_terms rows %d, %v; want %d", n, err, len(textTerms(c)))
		}
	})
}

func TestCaseTerms(t *testing.T) {
	got := caseTerms("征地 批复。ＡＢ")
	want := []int64{termOf('征', '地'), termOf('批', '复'), termOf('a', 'b')}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("caseTerms = %v, want %v", got, want)
	}
	for in, out := range map[string]string{"+86 138-0013-8000": "13800138000", "010-12345678": "01012345678", "８６13800138000": "13800138000"} {
		if d := phoneDigits(in); d != out {
			t.Errorf("phoneDigits(%q) = %q, want %q", in, d, out)
		}
	}
}
