package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	cases "foidesk/case"
	"foidesk/similar"
)

// EarlierRequests lists the applicant's earlier concluded cases at the agency asking for the same
// information (package similar's rule; docs/rules.md §8). The applicant's cases are read through
// the identity-number index: a handful of rows, compared one by one.
func (db *DB) EarlierRequests(ctx context.Context, agencyID int64, idType, idNumber, description string, exclude int64) ([]cases.EarlierRequest, error) {
	idNumber = cases.NormalizeIDNumber(idType, idNumber)
	if idNumber == "" {
		return nil, nil
	}
	var rows []cases.EarlierRequest
	if err := db.R.SelectContext(ctx, &rows, db.R.Rebind(`SELECT id, tracking_no, received_on, concluded_on, outcome, letter_no, description FROM cases
		WHERE id_number = ? AND id_type = ? AND agency_id = ? AND id <> ? AND concluded_on IS NOT NULL AND outcome <> '' ORDER BY received_on DESC, id DESC`),
		idNumber, idType, agencyID, exclude); err != nil {
		return nil, err
	}
	want := similar.Of(description)
	out := []cases.EarlierRequest{}
	for _, r := range rows {
		if similar.Same(want, similar.Of(r.Description)) {
			out = append(out, r)
		}
	}
	return out, nil
}

// OtherNames lists the latest cases (at most five) of the agencies filed under the identity
// document with an applicant name other than name (spaces ignored), through the identity-number
// index: the registration form's warning.
func (db *DB) OtherNames(ctx context.Context, agencyIDs []int64, idType, idNumber, name string) ([]cases.NameOnFile, error) {
	idNumber = cases.NormalizeIDNumber(idType, idNumber)
	if idNumber == "" || len(agencyIDs) == 0 {
		return nil, nil
	}
	q := `SELECT id, tracking_no, applicant_name, received_on FROM cases WHERE id_type = ? AND id_number = ? AND agency_id IN ` + inList(len(agencyIDs)) +
		` ORDER BY received_on DESC, id DESC LIMIT 50`
	args := []any{idType, idNumber}
	for _, id := range agencyIDs {
		args = append(args, id)
	}
	var rows []cases.NameOnFile
	if err := db.R.SelectContext(ctx, &rows, db.R.Rebind(q), args...); err != nil {
		return nil, err
	}
	bare := func(s string) string { return strings.Join(strings.Fields(s), "") }
	out := []cases.NameOnFile{}
	for _, r := range rows {
		if bare(r.Name) != bare(name) && len(out) < 5 {
			out = append(out, r)
		}
	}
	return out, nil
}

// clusterCache keeps the clusters of a set of agencies for a day for a few minutes: the
// supervisor's overview asks for them on every visit.
var clusterCache = struct {
	sync.Mutex
	m map[string]clusterEntry
}{m: map[string]clusterEntry{}}

type clusterEntry struct {
	at  time.Time
	out []cases.InformationCluster
}

// clusterTTL is how long computed clusters are reused.
const clusterTTL = 10 * time.Minute

// InformationClusters lists the Art. 44 clusters (docs/rules.md §8): the applications received by
// the agencies in the 12 months up to today (discarded submissions excluded; read through the
// agency/receipt-date index), grouped by package similar (its own index: never all pairs), with
// three or more different applicants.
func (db *DB) InformationClusters(ctx context.Context, agencyIDs []int64, today cases.Date) ([]cases.InformationCluster, error) {
	key := fmt.Sprint(db.DSN, agencyIDs, today)
	clusterCache.Lock()
	if e, ok := clusterCache.m[key]; ok && time.Since(e.at) < clusterTTL {
		clusterCache.Unlock()
		return e.out, nil
	}
	clusterCache.Unlock()
	from := cases.NewDate(today.Year()-1, today.Month(), today.Day()).AddDays(1)
	var q strings.Builder
	args := []any{}
	q.WriteString(`SELECT id, tracking_no, received_on, state, outcome, description, id_type || ':' || id_number AS applicant FROM cases WHERE received_on >= ? AND received_on <= ? AND state <> ?`)
	args = append(args, from, today, cases.StateDiscarded)
	if len(agencyIDs) > 0 {
		q.WriteString(` AND agency_id IN (?` + strings.Repeat(", ?", len(agencyIDs)-1) + `)`)
		for _, id := range agencyIDs {
			args = append(args, id)
		}
	}
	q.WriteString(` ORDER BY received_on, id`)
	var rows []cases.ClusterCase
	if err := db.R.SelectContext(ctx, &rows, db.R.Rebind(q.String()), args...); err != nil {
		return nil, err
	}
	items := make([]similar.Item, len(rows))
	for i, r := range rows {
		items[i] = similar.Item{Applicant: r.Applicant, Description: r.Description}
	}
	out := []cases.InformationCluster{}
	for _, group := range similar.Clusters(items, 3) {
		c := cases.InformationCluster{}
		seen := map[string]bool{}
		for _, i := range group {
			c.Cases = append(c.Cases, rows[i])
			seen[rows[i].Applicant] = true
		}
		c.Applicants = len(seen)
		out = append(out, c)
	}
	clusterCache.Lock()
	clusterCache.m[key] = clusterEntry{at: time.Now(), out: out}
	clusterCache.Unlock()
	return out, nil
}

var _ cases.SimilarityService = (*DB)(nil)
