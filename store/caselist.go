package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	cases "foidesk/case"
)

// The case list (docs/api.md "Staff": GET /cases; the staff queue) at a million cases.
//
// A page is read in its sort order from an index, never sorted out of the whole table: SQL
// cannot read "state IN (six states) ORDER BY reply_due" from an index (agency_id, state,
// reply_due, id) in order, so the store asks one ordered stream per agency and state (each an
// index range: cases_queue, cases_queue_received, cases_queue_tracking, cases_queue_state,
// cases_queue_assignee; migration 0006), at most limit+1 keys from each, all in one UNION ALL
// statement, and merges them. Cases without the sort key are a second segment of each stream,
// read by id after the first ("no key last" in both directions, which an index cannot order).
// Pages continue by keyset (the last row's segment, key and id in the cursor), never OFFSET.
//
// A search (q) that a few cases match (an exact identifier; a term whose rarest bigram is in at
// most searchCandidates cases) is answered from its candidates, sorted in one query; a term found
// in many cases is filtered on the streams, which then find their rows quickly.

// searchCandidates: below this many cases per bigram the candidates are sorted; above, the
// streams are filtered (see above).
var searchCandidates = 5000

// listSort is a parsed sort: the key's column and direction.
type listSort struct {
	name string // due, received, tracking_no, state
	desc bool
	col  string // "" for state (its rank is per stream)
}

func parseSort(s string) (listSort, bool) {
	var o listSort
	if strings.HasPrefix(s, "-") {
		o.desc, s = true, s[1:]
	}
	switch s {
	case "", "due":
		o.name, o.col = "due", "c.reply_due"
	case "received":
		o.name, o.col = "received", "c.received_on"
	case "tracking_no":
		o.name, o.col = "tracking_no", "c.tracking_no"
	case "state":
		o.name = "state"
	default:
		return o, false
	}
	return o, true
}

func (o listSort) String() string {
	if o.desc {
		return "-" + o.name
	}
	return o.name
}

// nullable: a case may lack the key.
func (o listSort) nullable() bool { return o.name == "due" || o.name == "received" }

// stateRank is the key of the state sort: the order of cases.States (docs/design.md "States").
func stateRank(state string) string {
	for i, s := range cases.States {
		if s.Code == state {
			return fmt.Sprintf("%02d", i)
		}
	}
	return "99"
}

// keyExpr is the SQL of the sort key of a row.
func (o listSort) keyExpr() string {
	if o.col != "" {
		return o.col
	}
	var b strings.Builder
	b.WriteString("CASE c.state")
	for _, s := range cases.States {
		fmt.Fprintf(&b, " WHEN '%s' THEN '%s'", s.Code, stateRank(s.Code))
	}
	b.WriteString(" ELSE '99' END")
	return b.String()
}

// listCursor is the position after the last row of a page.
type listCursor struct {
	Sort   string `json:"s"`
	Filter string `json:"f"` // fingerprint of the filters
	Null   bool   `json:"n,omitempty"`
	Key    string `json:"k,omitempty"`
	ID     int64  `json:"i"`
}

func badCursor(zh, en string) error {
	var f cases.FieldErrors
	f.Add("cursor", zh, en)
	return f.Err()
}

// fingerprint identifies the filters and sort a cursor belongs to (not the caller's agencies,
// not today).
func fingerprint(f cases.CaseFilter, o listSort) string {
	states := stateStrings(f.States)
	slices.Sort(states)
	channels := slices.Clone(f.Channels)
	slices.Sort(channels)
	assignee := "\x00"
	if f.Assignee != nil {
		assignee = *f.Assignee
	}
	s := strings.Join([]string{o.String(), strings.Join(states, ","), assignee, strconv.FormatBool(f.Unassigned), f.DueBefore.String(),
		strconv.FormatBool(f.Overdue), strconv.FormatBool(f.Paused), strings.Join(channels, ","), f.ReceivedFrom.String(), f.ReceivedTo.String(),
		strings.TrimSpace(f.Q)}, "\x1f")
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:6])
}

func decodeListCursor(s string, f cases.CaseFilter, o listSort) (*listCursor, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c listCursor
	if err != nil || json.Unmarshal(b, &c) != nil || c.ID <= 0 {
		return nil, badCursor("分页参数不正确。", "the cursor is not valid")
	}
	if c.Sort != o.String() || c.Filter != fingerprint(f, o) {
		return nil, badCursor("分页参数属于另一组筛选或排序条件，请从第一页重新开始。", "the cursor belongs to other filters or another sort: start again from the first page")
	}
	if !c.Null && o.name != "tracking_no" && o.name != "state" {
		if _, err := cases.ParseDate(c.Key); err != nil {
			return nil, badCursor("分页参数不正确。", "the cursor is not valid")
		}
	}
	return &c, nil
}

func (c listCursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// keyRow is one row of a stream: the case's id and its sort key.
type keyRow struct {
	ID  int64   `db:"id"`
	Key *string `db:"k"`
}

// less orders key rows as the list does: rows with a key first, by key (descending if asked),
// then by id.
func (o listSort) less(a, b keyRow) int {
	switch {
	case a.Key == nil && b.Key != nil:
		return 1
	case a.Key != nil && b.Key == nil:
		return -1
	case a.Key != nil && b.Key != nil && *a.Key != *b.Key:
		if o.desc {
			return strings.Compare(*b.Key, *a.Key)
		}
		return strings.Compare(*a.Key, *b.Key)
	}
	return cmp.Compare(a.ID, b.ID)
}

// listPlan is a filter made SQL: the states and agencies the streams split on, and the other
// conditions every row must meet.
type listPlan struct {
	f        cases.CaseFilter
	o        listSort
	states   []string
	agencies []int64
	conds    []string // besides agency and state
	args     []any
	ids      []int64 // candidate mode: only these cases
	stream   bool    // streams (else one sorted query over the candidates)
	empty    bool    // nothing can match
	// filtered: a word of the text, which no index of a stream answers: a stream may read many
	// rows per row it keeps
	filtered bool
}

// plan builds the list plan of f.
func (db *DB) plan(ctx context.Context, f cases.CaseFilter) (*listPlan, error) {
	o, ok := parseSort(f.Sort)
	if !ok {
		var fe cases.FieldErrors
		fe.Add("sort", "排序方式应为due、received、tracking_no或state（前加“-”为降序）。", "sort must be due, received, tracking_no or state (a leading - for descending)")
		return nil, fe.Err()
	}
	p := &listPlan{f: f, o: o, stream: true}
	states := stateStrings(f.States)
	if len(states) == 0 {
		for _, s := range cases.States {
			states = append(states, s.Code)
		}
	}
	if f.Overdue {
		states = intersect(states, stateStrings(cases.RunningStates))
	}
	if f.Paused {
		states = intersect(states, stateStrings(cases.PausedStates))
	}
	slices.Sort(states)
	p.states = slices.Compact(states)
	if len(p.states) == 0 {
		p.empty = true
		return p, nil
	}
	p.agencies = f.AgencyIDs
	if len(p.agencies) == 0 {
		if err := db.R.SelectContext(ctx, &p.agencies, `SELECT id FROM agencies ORDER BY id`); err != nil {
			return nil, err
		}
	}
	add := func(cond string, args ...any) {
		p.conds = append(p.conds, cond)
		p.args = append(p.args, args...)
	}
	if f.Assignee != nil {
		add("c.assignee = ?", *f.Assignee)
	}
	if f.Unassigned {
		add("c.assignee = ''")
	}
	if !f.DueBefore.IsZero() {
		add("c.reply_due <= ?", f.DueBefore)
	}
	if f.Overdue {
		add("c.reply_due < ?", f.Today)
	}
	if len(f.Channels) > 0 {
		add("c.channel IN (?"+strings.Repeat(", ?", len(f.Channels)-1)+")", anys(f.Channels)...)
	}
	if !f.ReceivedFrom.IsZero() {
		add("c.received_on >= ?", f.ReceivedFrom)
	}
	if !f.ReceivedTo.IsZero() {
		add("c.received_on <= ?", f.ReceivedTo)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		if err := db.planSearch(ctx, p, q); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// stateStrings are states as the strings stored.
func stateStrings(states []cases.State) []string {
	out := make([]string, len(states))
	for i, s := range states {
		out[i] = string(s)
	}
	return out
}

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// planSearch adds the condition of a search: the cases whose tracking number, identity number or
// telephone number is q, or whose name or description holds every word of q.
func (db *DB) planSearch(ctx context.Context, p *listPlan, q string) error {
	ident := strings.ToUpper(strings.Join(strings.Fields(strings.Map(foldRune, q)), ""))
	var exact []int64
	query := `SELECT id FROM cases WHERE tracking_no = ? UNION SELECT id FROM cases WHERE id_number = ?`
	args := []any{ident, ident}
	if d := phoneDigits(q); len(d) >= 7 && strings.Trim(strings.Map(foldRune, q), "0123456789 -+()") == "" {
		query += ` UNION SELECT id FROM cases WHERE phone_digits = ?`
		args = append(args, d)
	}
	if err := db.R.SelectContext(ctx, &exact, db.R.Rebind(query), args...); err != nil {
		return err
	}
	// An identifier found exactly (letters and digits only, as numbers are) is the answer: its
	// characters are not searched for in the texts.
	if len(exact) > 0 && strings.Trim(strings.Map(foldRune, q), "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ -+()") == "" {
		p.stream, p.ids = false, exact
		return nil
	}
	words := searchWords(q)
	// The text condition: every word in the name or the description (the bigrams narrow, the
	// text confirms: a word's bigrams may all be there without the word).
	var text []string
	var textArgs []any
	like := "LIKE"
	if db.Dialect == Postgres {
		like = "ILIKE"
	}
	rarest, rarestN := int64(0), -1
	termN := map[int64]int{}
	for _, w := range words {
		for _, t := range caseTerms(w) {
			// how common the bigram is (up to searchCandidates+1), kept until the next commit
			n, err := cached(ctx, db, fmt.Sprintf("term\x00%d\x00%d", t, searchCandidates), func() (int, error) {
				var n int
				err := db.R.GetContext(ctx, &n, db.R.Rebind(`SELECT COUNT(*) FROM (SELECT 1 FROM case_terms WHERE term = ? LIMIT ?) x`), t, searchCandidates+1)
				return n, err
			})
			if err != nil {
				return err
			}
			termN[t] = n
			if rarestN < 0 || n < rarestN {
				rarest, rarestN = t, n
			}
		}
		pat := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(w) + "%"
		text = append(text, `(c.applicant_name `+like+` ? ESCAPE '\' OR c.description `+like+` ? ESCAPE '\')`)
		textArgs = append(textArgs, pat, pat)
	}
	if len(words) == 0 || rarestN == 0 {
		// identifiers only
		p.stream, p.ids = false, exact
		if len(exact) == 0 {
			p.empty = true
		}
		return nil
	}
	if rarestN <= searchCandidates {
		var ids []int64
		if err := db.R.SelectContext(ctx, &ids, db.R.Rebind(`SELECT case_id FROM case_terms WHERE term = ?`), rarest); err != nil {
			return err
		}
		p.stream, p.ids = false, append(ids, exact...)
		p.conds = append(p.conds, "("+idList(exact)+" OR ("+strings.Join(text, " AND ")+"))")
		p.args = append(p.args, textArgs...)
		return nil
	}
	// On the streams a case is first checked against the bigram index (an index probe, no read of
	// the case's row), then against the text.
	var terms []string
	var termArgs []any
	byRarity := slices.Collect(maps.Keys(termN))
	slices.SortFunc(byRarity, func(a, b int64) int { return cmp.Or(cmp.Compare(termN[a], termN[b]), cmp.Compare(a, b)) })
	for _, t := range byRarity {
		terms = append(terms, "EXISTS (SELECT 1 FROM case_terms t WHERE t.term = ? AND t.case_id = c.id)")
		termArgs = append(termArgs, t)
	}
	p.conds = append(p.conds, "("+idList(exact)+" OR ("+strings.Join(terms, " AND ")+" AND "+strings.Join(text, " AND ")+"))")
	p.filtered = true
	p.args = append(append(p.args, termArgs...), textArgs...)
	return nil
}

// idList is "c.id IN (…)" of ids as literals (integers the store read itself), or a false
// condition.
func idList(ids []int64) string {
	if len(ids) == 0 {
		return "1=0"
	}
	var b strings.Builder
	b.WriteString("c.id IN (")
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteString(")")
	return b.String()
}

// keysetCond is the condition "after the cursor" within a segment that has keys.
func (o listSort) keysetCond(key string, after int64) (string, []any) {
	if o.desc {
		return "(" + o.col + " <= ? AND (" + o.col + " < ? OR c.id > ?))", []any{key, key, after}
	}
	return "(" + o.col + " >= ? AND (" + o.col + " > ? OR c.id > ?))", []any{key, key, after}
}

// FindCases lists cases in the filter's sort order (cases.CaseFilter.Sort) with keyset
// pagination: next is the cursor of the following page, "" on the last.
func (db *DB) FindCases(ctx context.Context, f cases.CaseFilter) ([]*cases.Case, string, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	p, err := db.plan(ctx, f)
	if err != nil {
		return nil, "", err
	}
	cur, err := decodeListCursor(f.Cursor, f, p.o)
	if err != nil {
		return nil, "", err
	}
	if p.empty {
		return []*cases.Case{}, "", nil
	}
	var keys []keyRow
	if p.stream {
		keys, err = db.streams(ctx, p, cur, f.Limit+1)
	} else {
		keys, err = db.sorted(ctx, p, cur, f.Limit+1)
	}
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(keys) > f.Limit {
		keys = keys[:f.Limit]
		last := keys[len(keys)-1]
		c := listCursor{Sort: p.o.String(), Filter: fingerprint(f, p.o), Null: last.Key == nil, ID: last.ID}
		if last.Key != nil {
			c.Key = *last.Key
		}
		next = c.encode()
	}
	if f.Brief {
		out, err := db.briefCasesByIDs(ctx, keys)
		return out, next, err
	}
	out, err := db.casesByIDs(ctx, keys)
	return out, next, err
}

// briefRow is what a row of a list shows of a case (cases.CaseFilter.Brief).
type briefRow struct {
	ID          int64       `db:"id"`
	AgencyID    int64       `db:"agency_id"`
	TrackingNo  string      `db:"tracking_no"`
	State       cases.State `db:"state"`
	Name        string      `db:"applicant_name"`
	Description string      `db:"description"`
	Assignee    string      `db:"assignee"`
	ReceivedOn  cases.Date  `db:"received_on"`
	ReplyDue    cases.Date  `db:"reply_due"`
	Provisional bool        `db:"provisional"`
	ConcludedOn cases.Date  `db:"concluded_on"`
}

// briefCasesByIDs loads the cases of a page in its order with only the fields of a list row: a
// page of the queue read whole (50 columns, the clock and details decoded) was a fifth of its CPU;
// reading the 25 rows by id was still an eighth, so they are kept until the next commit.
func (db *DB) briefCasesByIDs(ctx context.Context, keys []keyRow) ([]*cases.Case, error) {
	out := make([]*cases.Case, 0, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	ids := keyIDs(keys)
	// read since the last commit: from the cache (readcache.go); a briefRow is a value, copied out
	byID, _, err := cachedByID(ctx, db, "brief", ids, func(ids []int64) (map[int64]briefRow, error) {
		var rows []briefRow
		if err := db.R.SelectContext(ctx, &rows, `SELECT c.id, c.agency_id, c.tracking_no, c.state, c.applicant_name, c.description, c.assignee,
		c.received_on, c.reply_due, c.provisional, c.concluded_on FROM cases c WHERE `+idList(ids)); err != nil {
			return nil, err
		}
		m := make(map[int64]briefRow, len(rows))
		for _, r := range rows {
			m[r.ID] = r
		}
		return m, nil
	})
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			out = append(out, &cases.Case{ID: r.ID, AgencyID: r.AgencyID, TrackingNo: r.TrackingNo, State: r.State,
				Applicant: cases.Applicant{Name: r.Name}, Description: r.Description, Assignee: r.Assignee,
				ReceivedOn: r.ReceivedOn, ReplyDue: r.ReplyDue, Provisional: r.Provisional, ConcludedOn: r.ConcludedOn})
		}
	}
	return out, nil
}

// keyIDs are the ids of a page's keys, in its order.
func keyIDs(keys []keyRow) []int64 {
	ids := make([]int64, len(keys))
	for i, k := range keys {
		ids[i] = k.ID
	}
	return ids
}

// casesByIDs loads the cases of a page in its order.
func (db *DB) casesByIDs(ctx context.Context, keys []keyRow) ([]*cases.Case, error) {
	out := make([]*cases.Case, 0, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	ids := keyIDs(keys)
	// read since the last commit: from the cache (readcache.go), handed out as copies
	byID, version, err := cachedByID(ctx, db, "case", ids, func(ids []int64) (map[int64]*cases.Case, error) {
		var rows []caseRow
		if err := db.R.SelectContext(ctx, &rows, caseSelect+" WHERE "+idList(ids)); err != nil {
			return nil, err
		}
		m := make(map[int64]*cases.Case, len(rows))
		for i := range rows {
			m[rows[i].ID] = rows[i].toCase()
		}
		return m, nil
	})
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if c := byID[id]; c != nil {
			cp := *c
			cp.Parties, cp.CorrectionItems = slices.Clone(c.Parties), slices.Clone(c.CorrectionItems)
			if c.Draft != nil {
				d := *c.Draft
				cp.Draft = &d
			}
			if c.Fee != nil {
				f := *c.Fee
				cp.Fee = &f
			}
			cp.ReadAt = version
			out = append(out, &cp)
		}
	}
	return out, nil
}

// stream is one ordered stream of a list: the cases of an agency in a state, with the sort key
// (or, null, without it), after the cursor.
type stream struct {
	agency int64
	state  string
	null   bool   // the segment without the key, read by id
	rank   string // sort by state: the key of every row of the stream
	cond   string // after the cursor
	args   []any
}

// streamsOf lists the streams of the plan after cur.
func (p *listPlan) streamsOf(cur *listCursor) []stream {
	var out []stream
	o := p.o
	for _, a := range p.agencies {
		for _, st := range p.states {
			if o.name == "state" {
				s := stream{agency: a, state: st, rank: stateRank(st)}
				if cur != nil {
					c := strings.Compare(s.rank, cur.Key)
					if o.desc {
						c = -c
					}
					if c < 0 {
						continue
					}
					if c == 0 {
						s.cond, s.args = " AND c.id > ?", []any{cur.ID}
					}
				}
				out = append(out, s)
				continue
			}
			// the segment with keys
			if cur == nil || !cur.Null {
				s := stream{agency: a, state: st, cond: " AND " + o.col + " IS NOT NULL"}
				if cur != nil {
					var k string
					k, s.args = o.keysetCond(cur.Key, cur.ID)
					s.cond = " AND " + k
				}
				out = append(out, s)
			}
			// the segment without (no key can match a date filter on the key itself)
			if o.nullable() && !(o.name == "due" && (p.f.Overdue || !p.f.DueBefore.IsZero())) &&
				!(o.name == "received" && (!p.f.ReceivedFrom.IsZero() || !p.f.ReceivedTo.IsZero())) {
				s := stream{agency: a, state: st, null: true, cond: " AND " + o.col + " IS NULL"}
				if cur != nil && cur.Null {
					s.cond, s.args = s.cond+" AND c.id > ?", []any{cur.ID}
				}
				out = append(out, s)
			}
		}
	}
	return out
}

// sql is the statement reading up to limit rows of the stream (bound: an extra condition).
func (p *listPlan) streamSQL(s stream, bound string, boundArgs []any, limit int) (string, []any) {
	o := p.o
	extra := ""
	if len(p.conds) > 0 {
		extra = " AND " + strings.Join(p.conds, " AND ")
	}
	args := append(append(append([]any{s.agency, s.state}, p.args...), s.args...), boundArgs...)
	base := "SELECT c.id, %s AS k FROM cases c WHERE c.agency_id = ? AND c.state = ?" + extra + s.cond + bound
	switch {
	case o.name == "state":
		return fmt.Sprintf("SELECT * FROM ("+base+" ORDER BY c.id LIMIT %d) s", "'"+s.rank+"'", limit), args
	case s.null:
		return fmt.Sprintf("SELECT * FROM ("+base+" ORDER BY c.id LIMIT %d) s", o.col, limit), args
	}
	dir := ""
	if o.desc {
		dir = " DESC"
	}
	return fmt.Sprintf("SELECT * FROM ("+base+" ORDER BY %s%s, c.id LIMIT %d) s", o.col, o.col, dir, limit), args
}

// unionAll runs the statements as one UNION ALL (in groups: SQLite caps the terms of a compound
// SELECT at 500) and returns all their rows.
func unionAll[T any](ctx context.Context, db *DB, parts []string, args [][]any) ([]T, error) {
	var out []T
	const group = 200
	for i := 0; i < len(parts); i += group {
		j := min(i+group, len(parts))
		var a []any
		for _, x := range args[i:j] {
			a = append(a, x...)
		}
		var got []T
		if err := db.R.SelectContext(ctx, &got, db.R.Rebind(strings.Join(parts[i:j], " UNION ALL ")), a...); err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

// streams reads up to limit key rows after cur from the streams (agency × state × segment) and
// merges them (streamsInTurn). On PostgreSQL, where each statement is a round trip to the server
// and nothing is cached, a list without a word of the text reads all its streams in one statement.
func (db *DB) streams(ctx context.Context, p *listPlan, cur *listCursor, limit int) ([]keyRow, error) {
	ss := p.streamsOf(cur)
	if len(ss) == 0 {
		return nil, nil
	}
	if db.Dialect == Postgres && !p.filtered {
		rows, err := db.readStreams(ctx, p, ss, limit)
		if err != nil {
			return nil, err
		}
		slices.SortFunc(rows, p.o.less)
		return rows[:min(len(rows), limit)], nil
	}
	return db.streamsInTurn(ctx, p, ss, limit)
}

// readStreams reads up to limit rows of each stream in one statement.
func (db *DB) readStreams(ctx context.Context, p *listPlan, ss []stream, limit int) ([]keyRow, error) {
	parts := make([]string, len(ss))
	args := make([][]any, len(ss))
	for i, s := range ss {
		parts[i], args[i] = p.streamSQL(s, "", nil, limit)
	}
	return unionAll[keyRow](ctx, db, parts, args)
}

// streamsInTurn merges the streams reading them one after another, in the order of their first
// keys: once limit rows are found, a stream whose first key comes after the last of them cannot
// add a row and is not read, and the others are read only up to that key; the segments without
// the key only when the page is not full. A search for a common word sorted by deadline thus reads
// the oldest cases' streams and skips the open ones, instead of reading every stream until it has
// limit matches; a page of all states reads two or three streams of 22 (docs/performance.md).
func (db *DB) streamsInTurn(ctx context.Context, p *listPlan, ss []stream, limit int) ([]keyRow, error) {
	o := p.o
	var keyed, nulls []stream
	for _, s := range ss {
		if s.null {
			nulls = append(nulls, s)
		} else {
			keyed = append(keyed, s)
		}
	}
	// The first key of every keyed stream, in one statement (index seeks, no filter: a lower
	// bound of the stream's first row).
	first := make([]*string, len(keyed))
	if o.name == "state" {
		for i := range keyed {
			first[i] = &keyed[i].rank
		}
	} else if len(keyed) > 0 {
		dir := ""
		if o.desc {
			dir = " DESC"
		}
		var parts []string
		var args [][]any
		for i, s := range keyed {
			parts = append(parts, fmt.Sprintf("SELECT %d AS i, (SELECT %s FROM cases c WHERE c.agency_id = ? AND c.state = ?%s ORDER BY %s%s, c.id LIMIT 1) AS k", i, o.col, s.cond, o.col, dir))
			args = append(args, append([]any{s.agency, s.state}, s.args...))
		}
		// kept until the next commit (readcache.go): every view of a tab asks the same
		key := fmt.Sprintf("first\x00%s\x00%v", strings.Join(parts, " UNION ALL "), args)
		firsts, err := cached(ctx, db, key, func() ([]*string, error) {
			rows, err := unionAll[struct {
				I int     `db:"i"`
				K *string `db:"k"`
			}](ctx, db, parts, args)
			if err != nil {
				return nil, err
			}
			out := make([]*string, len(parts))
			for _, r := range rows {
				out[r.I] = r.K
			}
			return out, nil
		})
		if err != nil {
			return nil, err
		}
		copy(first, firsts) // the strings are not changed
	}
	order := make([]int, 0, len(keyed))
	for i := range keyed {
		if first[i] != nil { // an empty stream
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if o.desc {
			return strings.Compare(*first[b], *first[a])
		}
		return strings.Compare(*first[a], *first[b])
	})
	var rows []keyRow
	for _, i := range order {
		s := keyed[i]
		bound, boundArgs := "", []any(nil)
		if len(rows) >= limit {
			last := rows[limit-1]
			c := strings.Compare(*first[i], *last.Key)
			if o.desc {
				c = -c
			}
			if c > 0 {
				break // this stream and the following ones start after the page
			}
			if o.name != "state" {
				// only rows before the page's last: (key, id) < (last key, last id), written so
				// that the key bounds the index range
				op := "<"
				if o.desc {
					op = ">"
				}
				bound = " AND " + o.col + " " + op + "= ? AND (" + o.col + " " + op + " ? OR c.id < ?)"
				boundArgs = []any{*last.Key, *last.Key, last.ID}
			} else {
				bound, boundArgs = " AND c.id < ?", []any{last.ID}
			}
		}
		q, args := p.streamSQL(s, bound, boundArgs, limit)
		var got []keyRow
		if err := db.R.SelectContext(ctx, &got, db.R.Rebind(q), args...); err != nil {
			return nil, err
		}
		rows = append(rows, got...)
		slices.SortFunc(rows, o.less)
		if len(rows) > limit {
			rows = rows[:limit]
		}
	}
	// Rows without the key come after every row with one: read only when the page is not full.
	if len(rows) < limit && len(nulls) > 0 {
		got, err := db.readStreams(ctx, p, nulls, limit)
		if err != nil {
			return nil, err
		}
		rows = append(rows, got...)
		slices.SortFunc(rows, o.less)
		if len(rows) > limit {
			rows = rows[:limit]
		}
	}
	return rows, nil
}

// sorted reads up to limit key rows after cur in one sorted query over the candidates.
func (db *DB) sorted(ctx context.Context, p *listPlan, cur *listCursor, limit int) ([]keyRow, error) {
	if len(p.ids) == 0 {
		return nil, nil
	}
	o := p.o
	key := o.keyExpr()
	var q strings.Builder
	args := []any{}
	fmt.Fprintf(&q, "SELECT c.id, %s AS k FROM cases c WHERE %s", key, idList(p.ids))
	p.whereAgencyState(&q, &args)
	for _, c := range p.conds {
		q.WriteString(" AND " + c)
	}
	args = append(args, p.args...)
	dir := ""
	if o.desc {
		dir = " DESC"
	}
	if cur != nil {
		if cur.Null {
			q.WriteString(" AND " + key + " IS NULL AND c.id > ?")
			args = append(args, cur.ID)
		} else {
			cmpOp := ">"
			if o.desc {
				cmpOp = "<"
			}
			fmt.Fprintf(&q, " AND (%[1]s IS NULL OR %[1]s %[2]s ? OR (%[1]s = ? AND c.id > ?))", key, cmpOp)
			args = append(args, cur.Key, cur.Key, cur.ID)
		}
	}
	fmt.Fprintf(&q, " ORDER BY CASE WHEN %[1]s IS NULL THEN 1 ELSE 0 END, %[1]s%[2]s, c.id LIMIT %[3]d", key, dir, limit)
	var rows []keyRow
	err := db.R.SelectContext(ctx, &rows, db.R.Rebind(q.String()), args...)
	return rows, err
}

// whereAgencyState adds the agency and state conditions of the plan.
func (p *listPlan) whereAgencyState(q *strings.Builder, args *[]any) {
	q.WriteString(" AND c.agency_id IN (?" + strings.Repeat(", ?", len(p.agencies)-1) + ")")
	*args = append(*args, anys(p.agencies)...)
	q.WriteString(" AND c.state IN (?" + strings.Repeat(", ?", len(p.states)-1) + ")")
	*args = append(*args, anys(p.states)...)
}

// CountCases counts what FindCases would list (all pages); with f.CountMax it stops at
// CountMax+1. The count is kept until the next commit (readcache.go): the queue shows nine of them
// on every page view.
func (db *DB) CountCases(ctx context.Context, f cases.CaseFilter) (int, error) {
	f.Sort, f.Limit, f.Cursor, f.Brief = "", 0, "", false
	key, err := json.Marshal(f)
	if err != nil {
		return db.countCases(ctx, f)
	}
	return cached(ctx, db, "count\x00"+string(key), func() (int, error) { return db.countCases(ctx, f) })
}

func (db *DB) countCases(ctx context.Context, f cases.CaseFilter) (int, error) {
	p, err := db.plan(ctx, f)
	if err != nil || p.empty {
		return 0, err
	}
	var q strings.Builder
	args := []any{}
	q.WriteString("SELECT 1 FROM cases c WHERE 1=1")
	if !p.stream {
		if len(p.ids) == 0 {
			return 0, nil
		}
		q.WriteString(" AND " + idList(p.ids))
	}
	p.whereAgencyState(&q, &args)
	for _, c := range p.conds {
		q.WriteString(" AND " + c)
	}
	args = append(args, p.args...)
	if f.CountMax > 0 {
		fmt.Fprintf(&q, " LIMIT %d", f.CountMax+1)
	}
	var n int
	err = db.R.GetContext(ctx, &n, db.R.Rebind("SELECT COUNT(*) FROM ("+q.String()+") x"), args...)
	return n, err
}

// FillCases loads the documents, events and remedies of the cases of a list page, three queries
// for the page instead of three per case (GET /cases returns whole cases).
func (db *DB) FillCases(ctx context.Context, cs []*cases.Case) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	// read since the last commit: from the cache (readcache.go), handed out as copies
	byID, version, err := cachedByID(ctx, db, "lists", ids, func(ids []int64) (map[int64]*caseLists, error) { return db.caseLists(ctx, ids) })
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.ReadAt != version { // the case and its lists read at different versions
			c.ReadAt = 0
		}
		l := byID[c.ID]
		if l == nil {
			l = &caseLists{events: []cases.Event{}, documents: []cases.Document{}, remedies: []cases.Remedy{}}
		}
		c.Events, c.Documents, c.Remedies = slices.Clone(l.events), slices.Clone(l.documents), slices.Clone(l.remedies)
	}
	return nil
}

// caseLists are the events, documents and remedies of a case.
type caseLists struct {
	events    []cases.Event
	documents []cases.Document
	remedies  []cases.Remedy
}

// caseLists reads the lists of the cases, three queries for all of them.
func (db *DB) caseLists(ctx context.Context, ids []int64) (map[int64]*caseLists, error) {
	byID := make(map[int64]*caseLists, len(ids))
	for _, id := range ids {
		byID[id] = &caseLists{events: []cases.Event{}, documents: []cases.Document{}, remedies: []cases.Remedy{}}
	}
	in := strings.Replace(idList(ids), "c.id", "case_id", 1)
	var evs []eventRow
	if err := db.R.SelectContext(ctx, &evs, `SELECT `+eventColumns+` FROM case_events WHERE `+in+` ORDER BY case_id, seq`); err != nil {
		return nil, err
	}
	for _, r := range evs {
		l := byID[r.CaseID]
		l.events = append(l.events, r.event())
	}
	var ds []cases.Document
	if err := db.R.SelectContext(ctx, &ds, `SELECT `+documentColumns+` FROM documents WHERE `+in+` ORDER BY id`); err != nil {
		return nil, err
	}
	for _, d := range ds {
		d.URL = fmt.Sprintf("/api/v1/cases/%d/documents/%d", d.CaseID, d.ID)
		l := byID[d.CaseID]
		l.documents = append(l.documents, d)
	}
	var rs []cases.Remedy
	if err := db.R.SelectContext(ctx, &rs, `SELECT id, case_id, kind, filed_on, result, decided_on FROM remedies WHERE `+in+` ORDER BY id`); err != nil {
		return nil, err
	}
	for _, r := range rs {
		l := byID[r.CaseID]
		l.remedies = append(l.remedies, r)
	}
	return byID, nil
}
