package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	cases "foidesk/case"
	"foidesk/store"
)

// RealCases is how many cases Fill drives through the workflow; the cases beyond are bulk-written
// copies of them (docs/performance.md): each copy has a new applicant, description, tracking number
// and reply letter number, and its template's dates, deadlines, states, outcome, remedies and
// history, chained with the store's event hash. Copies carry no PDF documents.
const RealCases = 1000

// bulkBatch is the number of copies written per transaction.
const bulkBatch = 20000

var reLetterNo = regexp.MustCompile(`^(.*〔)(\d{4})(〕)(\d+)(号)$`)

// seqKey is a numbering sequence of a year.
type seqKey struct {
	class string
	year  int
}

// trackYear is the year in a tracking number (prefix, year, serial).
func trackYear(prefix string, c *cases.Case) int {
	y, _ := strconv.Atoi(strings.TrimPrefix(c.TrackingNo, prefix)[:4])
	return y
}

// bulk writes n copies of the real cases.
func (g *demoGen) bulk(ctx context.Context, n int, log *slog.Logger) error {
	var ts []*cases.Case
	for _, dc := range g.cases {
		if dc.c == nil {
			continue
		}
		c, err := g.db.Case(ctx, dc.c.ID)
		if err != nil {
			return err
		}
		ts = append(ts, c)
	}
	if len(ts) == 0 {
		return nil
	}
	r := g.rng(-3)
	pick := make([]*cases.Case, n)
	type key = seqKey
	counts := map[key]int{}
	prefix := g.agency.Settings.TrackingPrefix
	for i := range pick {
		t := ts[r.IntN(len(ts))]
		pick[i] = t
		counts[key{"tracking", trackYear(prefix, t)}]++
		if m := reLetterNo.FindStringSubmatch(t.LetterNo); m != nil {
			y, _ := strconv.Atoi(m[2])
			counts[key{"letter:" + cases.DocReply, y}]++
		}
	}
	next := map[seqKey]int{}
	for k, cnt := range counts {
		first, err := g.db.ReserveNumbers(ctx, g.agency.ID, k.class, k.year, cnt)
		if err != nil {
			return err
		}
		next[k] = first
	}
	defer debug.SetGCPercent(debug.SetGCPercent(400)) // short-lived garbage, plenty of memory
	start := time.Now()
	err := g.db.BulkLoad(ctx, func() error { return g.writeCopies(ctx, pick, next, n, start, log) })
	log.Info("demo bulk written", "cases", n, "seconds", time.Since(start).Round(time.Second).Seconds())
	return err
}

// writeCopies writes the copies of the templates pick in batches.
func (g *demoGen) writeCopies(ctx context.Context, pick []*cases.Case, next map[seqKey]int, n int, start time.Time, log *slog.Logger) error {
	prefix := g.agency.Settings.TrackingPrefix
	batch := make([]store.BulkCase, 0, bulkBatch)
	for i, t := range pick {
		cr := mrand.New(mrand.NewPCG(uint64(g.seed), uint64(RealCases+i)))
		c := *t
		c.ID, c.Documents, c.Events, c.Remedies = 0, nil, nil, nil
		c.Applicant = demoApplicant(cr, g.today)
		c.Applicant.Email, c.Applicant.Address, c.Applicant.Postcode = t.Applicant.Email, t.Applicant.Address, t.Applicant.Postcode
		y := trackYear(prefix, t)
		c.Description = demoDescription(cr, t.Outcome, y)
		k := seqKey{"tracking", y}
		c.TrackingNo = fmt.Sprintf("%s%d%06d", prefix, y, next[k])
		next[k]++
		if m := reLetterNo.FindStringSubmatch(t.LetterNo); m != nil {
			ly, _ := strconv.Atoi(m[2])
			k := seqKey{"letter:" + cases.DocReply, ly}
			c.LetterNo = m[1] + m[2] + m[3] + strconv.Itoa(next[k]) + m[5]
			next[k]++
		}
		if c.AccessCodeHash != "" { // a code nobody holds
			b := make([]byte, 32)
			rand.Read(b)
			c.AccessCodeHash = hex.EncodeToString(b)
		}
		evs := make([]cases.Event, len(t.Events))
		copy(evs, t.Events)
		batch = append(batch, store.BulkCase{Case: &c, Events: evs, Remedies: t.Remedies})
		if len(batch) == cap(batch) || i == len(pick)-1 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := g.db.BulkCases(ctx, batch); err != nil {
				return fmt.Errorf("bulk-written cases: %w", err)
			}
			log.Info("demo bulk progress", "cases", i+1, "of", n, "seconds", time.Since(start).Round(time.Second).Seconds())
			batch = batch[:0]
		}
	}
	return nil
}
