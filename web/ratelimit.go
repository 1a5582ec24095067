package web

import (
	"context"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// Limits of the public pages and API (docs/design.md "Users"; issue 3): a per-address limit on
// submissions (the agency setting SubmitRateLimit, a minute's window), a throttle on failed
// tracking look-ups, and replay protection of the application form. Addresses are gin's
// ClientIP, which believes X-Forwarded-For only from Config.TrustedProxies (none by default).
// All of it lives in memory: a restart forgets it, and several instances each count their own.

const (
	submitWindow      = time.Minute      // SubmitRateLimit counts submissions in this window
	trackFailWindow   = 15 * time.Minute // failed look-ups are remembered this long
	trackFailLimit    = 10               // failed look-ups per address in trackFailWindow
	trackFailDelay    = 400 * time.Millisecond
	replayTTL         = time.Hour // a submitted form's confirmation is kept this long for a resubmission
	sweepEvery        = time.Minute
	trackCookieTTL    = 30 * time.Minute
	maxTrackedEntries = 100000 // beyond this many addresses the oldest are dropped at the next sweep
)

// publicState is the Server's memory of the public side.
type publicState struct {
	now        func() time.Time
	submits    *rateWindow // accepted submissions per address
	trackFails *rateWindow // failed tracking look-ups per address
	failLimit  int
	failDelay  time.Duration // a failed look-up answers this long after the request began
	// recoverDelay is the least time a recovery attempt takes (web/public_recover.go).
	recoverDelay time.Duration
	replays      *replays
	kept         *keptUploads // files of application forms shown again (web/public_keep.go)
}

func newPublicState(now func() time.Time) *publicState {
	return &publicState{
		now:          now,
		submits:      newRateWindow(submitWindow),
		trackFails:   newRateWindow(trackFailWindow),
		failLimit:    trackFailLimit,
		failDelay:    trackFailDelay,
		recoverDelay: recoverDelay,
		replays:      &replays{m: map[string]*replay{}},
		kept:         newKeptUploads(),
	}
}

// rateWindow counts events per key in a sliding window of span.
type rateWindow struct {
	span      time.Duration
	mu        sync.Mutex
	hits      map[string][]time.Time
	lastSweep time.Time
}

func newRateWindow(span time.Duration) *rateWindow {
	return &rateWindow{span: span, hits: map[string][]time.Time{}}
}

// live drops the hits of key older than the window at now and returns the rest (mu held).
func (w *rateWindow) live(key string, now time.Time) []time.Time {
	if now.Sub(w.lastSweep) > sweepEvery {
		w.sweep(now)
	}
	h := w.hits[key]
	i := 0
	for i < len(h) && !h[i].After(now.Add(-w.span)) {
		i++
	}
	h = h[i:]
	if len(h) == 0 {
		delete(w.hits, key)
	} else {
		w.hits[key] = h
	}
	return h
}

// sweep forgets keys whose hits have all left the window (mu held).
func (w *rateWindow) sweep(now time.Time) {
	w.lastSweep = now
	for k, h := range w.hits {
		if len(h) == 0 || !h[len(h)-1].After(now.Add(-w.span)) || len(w.hits) > maxTrackedEntries {
			delete(w.hits, k)
		}
	}
}

// wait is how long until the oldest of hits leaves the window.
func (w *rateWindow) wait(hits []time.Time, now time.Time) time.Duration {
	if len(hits) == 0 {
		return 0
	}
	return hits[0].Add(w.span).Sub(now)
}

// reserve records a hit for key when fewer than limit lie in the window; otherwise it records
// nothing (a refused attempt does not count) and returns how long until one is allowed. The
// returned cancel takes the hit back (the attempt was refused for another reason).
func (w *rateWindow) reserve(key string, limit int, now time.Time) (ok bool, retry time.Duration, cancel func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	h := w.live(key, now)
	if len(h) >= limit {
		return false, w.wait(h[len(h)-limit:], now), func() {}
	}
	w.hits[key] = append(h, now)
	return true, 0, func() { w.remove(key, now) }
}

// remove takes back one hit of key at instant at.
func (w *rateWindow) remove(key string, at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	h := w.hits[key]
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Equal(at) {
			w.hits[key] = append(h[:i:i], h[i+1:]...)
			return
		}
	}
}

// full reports whether key has limit hits in the window, and how long until it has fewer.
func (w *rateWindow) full(key string, limit int, now time.Time) (bool, time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	h := w.live(key, now)
	if len(h) < limit {
		return false, 0
	}
	return true, w.wait(h[len(h)-limit:], now)
}

// add records a hit for key.
func (w *rateWindow) add(key string, now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.hits[key] = append(w.live(key, now), now)
}

// retryAfter writes the Retry-After header: whole seconds, at least 1.
func retryAfter(c *gin.Context, d time.Duration) int {
	secs := int(math.Ceil(d.Seconds()))
	if secs < 1 {
		secs = 1
	}
	c.Header("Retry-After", strconv.Itoa(secs))
	return secs
}

// trackThrottled reports whether the address has failed too many look-ups lately, and for how
// long it stays refused. It is asked before every look-up, for known and unknown numbers alike.
func (p *publicState) trackThrottled(ip string) (bool, time.Duration) {
	return p.trackFails.full(ip, p.failLimit, p.now())
}

// trackFailed records a failed look-up and waits until failDelay has passed since start, so
// that an unknown number and a wrong code answer after the same time.
func (p *publicState) trackFailed(ctx context.Context, ip string, start time.Time) {
	p.trackFails.add(ip, p.now())
	if d := p.failDelay - time.Since(start); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
	}
}

// replays remembers the confirmation of each submitted form (by its one-time token) so that a
// resubmission (reload, double click) shows the same confirmation instead of a second case.
type replays struct {
	mu        sync.Mutex
	m         map[string]*replay
	lastSweep time.Time
}

type replay struct {
	done   chan struct{}
	result *confirmation // nil while running or when the attempt was refused
	at     time.Time
}

// begin claims token. first is true when the caller is to do the work and then call finish;
// otherwise r is a finished submission with its result (or the caller waited for it).
func (rs *replays) begin(ctx context.Context, token string, now time.Time) (r *replay, first bool, err error) {
	for {
		rs.mu.Lock()
		if now.Sub(rs.lastSweep) > sweepEvery {
			rs.lastSweep = now
			for k, v := range rs.m {
				if v.result != nil && now.Sub(v.at) > replayTTL {
					delete(rs.m, k)
				}
			}
		}
		r, ok := rs.m[token]
		if !ok {
			r = &replay{done: make(chan struct{}), at: now}
			rs.m[token] = r
			rs.mu.Unlock()
			return r, true, nil
		}
		rs.mu.Unlock()
		select {
		case <-r.done:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
		if r.result != nil {
			return r, false, nil
		}
		// the earlier attempt was refused: try again
	}
}

// result returns the kept confirmation of a submitted form's token, nil when there is none (or
// it is older than replayTTL).
func (rs *replays) result(token string, now time.Time) *confirmation {
	if token == "" {
		return nil
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r, ok := rs.m[token]
	if !ok || r.result == nil || now.Sub(r.at) > replayTTL {
		return nil
	}
	return r.result
}

// finish ends the work on token: with a confirmation it is kept for resubmissions; with nil
// the token is free again (the form was refused and may be sent again).
func (rs *replays) finish(token string, r *replay, result *confirmation) {
	rs.mu.Lock()
	r.result = result
	if result == nil {
		delete(rs.m, token)
	}
	rs.mu.Unlock()
	close(r.done)
}
