package store

import (
	"context"
	"strings"

	cases "foidesk/case"
)

// Days-left buckets of the dashboard (working days to the reply deadline of open cases).
var DaysLeftBuckets = cases.CodeList{
	{Code: "overdue", ZH: "已超期", EN: "Overdue"},
	{Code: "0-2", ZH: "0–2个工作日", EN: "0–2 working days"},
	{Code: "3-5", ZH: "3–5个工作日", EN: "3–5 working days"},
	{Code: "6-10", ZH: "6–10个工作日", EN: "6–10 working days"},
	{Code: "11+", ZH: "11个工作日以上", EN: "11+ working days"},
	{Code: "stopped", ZH: "中止或待补正", EN: "Paused or awaiting correction"},
}

// Dashboard gathers the supervisor dashboard: received and concluded handlings and the on-time
// rate of the last twelve months, their outcome mix, and the open cases by clerk and by working
// days left.
func (db *DB) Dashboard(ctx context.Context, agencyIDs []int64) (cases.Dashboard, error) {
	var d cases.Dashboard
	agencies, err := db.scope(ctx, agencyIDs)
	if err != nil || len(agencies) == 0 {
		return d, err
	}
	zones, _, err := db.agencyZones(ctx)
	if err != nil {
		return d, err
	}
	d.Today = Today(agencies[0], db.Now())
	first := cases.NewDate(d.Today.Year(), d.Today.Month(), 1).Time().AddDate(0, -11, 0)
	start := cases.NewDate(first.Year(), first.Month(), 1)
	idx := map[string]int{}
	for i := 0; i < 12; i++ {
		m := first.AddDate(0, i, 0)
		d.Months = append(d.Months, cases.MonthCount{Year: m.Year(), Month: int(m.Month())})
		d.OnTime = append(d.OnTime, cases.MonthRate{Year: m.Year(), Month: int(m.Month())})
		idx[m.Format("2006-01")] = i
	}
	d.Outcomes = cases.NewOutcomeCounts()
	monthOf := func(x cases.Date) (int, bool) {
		if x.IsZero() {
			return 0, false
		}
		i, ok := idx[x.String()[:7]]
		return i, ok
	}

	// never-reopened cases from their rows, counted by the database
	var q strings.Builder
	args := []any{start, cases.StateSubmitted, cases.StateDiscarded}
	q.WriteString(`SELECT substr(c.received_on, 1, 7) AS month, COUNT(*) AS n FROM cases c
		WHERE c.handling = 1 AND c.received_on >= ? AND c.state NOT IN (?, ?)`)
	agencyIn(&q, &args, agencyIDs)
	q.WriteString(` GROUP BY substr(c.received_on, 1, 7)`)
	var recv []struct {
		Month string `db:"month"`
		N     int    `db:"n"`
	}
	if err := db.R.SelectContext(ctx, &recv, db.R.Rebind(q.String()), args...); err != nil {
		return d, err
	}
	for _, r := range recv {
		if i, ok := idx[r.Month]; ok {
			d.Months[i].Received += r.N
		}
	}
	q.Reset()
	args = []any{start}
	q.WriteString(`SELECT substr(c.concluded_on, 1, 7) AS month, c.outcome AS outcome, COUNT(*) AS n,
		SUM(CASE WHEN c.delivered_on IS NOT NULL THEN 1 ELSE 0 END) AS delivered,
		SUM(CASE WHEN c.delivered_on IS NOT NULL AND (c.reply_due IS NULL OR c.delivered_on <= c.reply_due) THEN 1 ELSE 0 END) AS on_time
		FROM cases c WHERE c.handling = 1 AND c.concluded_on >= ?`)
	agencyIn(&q, &args, agencyIDs)
	q.WriteString(` GROUP BY substr(c.concluded_on, 1, 7), c.outcome`)
	var done []struct {
		Month     string `db:"month"`
		Outcome   string `db:"outcome"`
		N         int    `db:"n"`
		Delivered int    `db:"delivered"`
		OnTime    int    `db:"on_time"`
	}
	if err := db.R.SelectContext(ctx, &done, db.R.Rebind(q.String()), args...); err != nil {
		return d, err
	}
	for _, r := range done {
		if i, ok := idx[r.Month]; ok {
			d.Months[i].Concluded += r.N
			d.Outcomes[r.Outcome] += r.N
			d.OnTime[i].Delivered += r.Delivered
			d.OnTime[i].OnTime += r.OnTime
		}
	}
	count := func(received, concluded cases.Date, outcome string, delivered, due cases.Date) {
		if i, ok := monthOf(received); ok {
			d.Months[i].Received++
		}
		if i, ok := monthOf(concluded); ok {
			d.Months[i].Concluded++
			d.Outcomes[outcome]++
			if !delivered.IsZero() {
				d.OnTime[i].Delivered++
				if due.IsZero() || !delivered.After(due) {
					d.OnTime[i].OnTime++
				}
			}
		}
	}
	// reopened cases: every handling from the event log
	var w strings.Builder
	wargs := []any{}
	w.WriteString(`c.handling > 1`)
	agencyIn(&w, &wargs, agencyIDs)
	hs, err := db.loadHandlings(ctx, w.String(), wargs, zones, nil)
	if err != nil {
		return d, err
	}
	for _, h := range hs {
		count(h.Received, h.Concluded, h.Outcome, h.Delivered, h.Deadline)
	}

	// open cases by clerk and by working days left
	var o strings.Builder
	oargs := []any{}
	o.WriteString(`SELECT c.assignee, c.state, c.reply_due, c.agency_id, COUNT(*) AS n FROM cases c WHERE c.state IN (?` + strings.Repeat(", ?", len(cases.OpenStates)-1) + `)`)
	for _, s := range cases.OpenStates {
		oargs = append(oargs, s)
	}
	agencyIn(&o, &oargs, agencyIDs)
	o.WriteString(` GROUP BY c.assignee, c.state, c.reply_due, c.agency_id`)
	var open []struct {
		Assignee string      `db:"assignee"`
		State    cases.State `db:"state"`
		Due      cases.Date  `db:"reply_due"`
		AgencyID int64       `db:"agency_id"`
		N        int         `db:"n"`
	}
	if err := db.R.SelectContext(ctx, &open, db.R.Rebind(o.String()), oargs...); err != nil {
		return d, err
	}
	cal := db.Calendar()
	byClerk := map[string]int{}
	var clerks []string
	buckets := map[string]int{}
	left := map[cases.Date]int{}
	for _, c := range open {
		d.Open += c.N
		if _, ok := byClerk[c.Assignee]; !ok {
			clerks = append(clerks, c.Assignee)
		}
		byClerk[c.Assignee] += c.N
		today := cases.DateOf(db.Now(), zones[c.AgencyID])
		switch {
		case !cases.ClockRunning(c.State) || c.Due.IsZero():
			buckets["stopped"] += c.N
		case c.Due.Before(today):
			buckets["overdue"] += c.N
			d.Overdue += c.N
		default:
			n, ok := left[c.Due]
			if !ok {
				n = cal.WorkdaysBetween(today, c.Due)
				left[c.Due] = n
			}
			switch {
			case n <= 2:
				buckets["0-2"] += c.N
			case n <= 5:
				buckets["3-5"] += c.N
			case n <= 10:
				buckets["6-10"] += c.N
			default:
				buckets["11+"] += c.N
			}
		}
	}
	sortByCount(clerks, byClerk)
	for _, c := range clerks {
		d.ByClerk = append(d.ByClerk, cases.LabelCount{Label: c, Count: byClerk[c]})
	}
	for _, b := range DaysLeftBuckets {
		d.DaysLeft = append(d.DaysLeft, cases.LabelCount{Label: b.Code, Count: buckets[b.Code]})
	}
	return d, nil
}

// sortByCount orders labels by descending count, then by label ("" — unassigned — last).
func sortByCount(labels []string, n map[string]int) {
	less := func(a, b string) bool {
		if (a == "") != (b == "") {
			return b == ""
		}
		if n[a] != n[b] {
			return n[a] > n[b]
		}
		return a < b
	}
	for i := 1; i < len(labels); i++ {
		for j := i; j > 0 && less(labels[j], labels[j-1]); j-- {
			labels[j], labels[j-1] = labels[j-1], labels[j]
		}
	}
}
