package workflow

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	cases "foidesk/case"
)

// The hash chain of a case's history (docs/design.md "Storage"): the store computes it when it
// appends an event and checks it in audit verify; an archival package's verifier recomputes it
// offline from history.json. One function for all three, so that they can never disagree.

// chainRecord is what an event's hash covers (docs/design.md "Storage").
type chainRecord struct {
	CaseID         int64           `json:"case_id"`
	Seq            int             `json:"seq"`
	Event          cases.EventName `json:"event"`
	Actor          string          `json:"actor"`
	At             string          `json:"at"`
	From           cases.State     `json:"from"`
	To             cases.State     `json:"to"`
	Payload        json.RawMessage `json:"payload"`
	ReplyDueBefore string          `json:"reply_due_before"`
	ReplyDueAfter  string          `json:"reply_due_after"`
}

// EventHash is SHA-256(previous hash ‖ canonical JSON of the event), hex.
//
// The canonical JSON is Canonical(chainRecord): the record's keys sorted, the payload canonical.
// Its envelope is written directly (canonicalRecord) rather than through Canonical's
// marshal–unmarshal–marshal of the whole record: that round trip was most of the CPU of a bulk
// load and of audit verify (pprof of `foidesk demo --cases 100000`: 7.6 of 57 s), and writing the
// keys in their sorted order with each value encoded as encoding/json encodes it gives the same
// bytes (TestEventHashEnvelope compares both on awkward events).
func EventHash(prev string, e cases.Event) (string, error) {
	return (*ChainHasher)(nil).EventHash(prev, e)
}

// ChainHasher computes EventHash remembering the canonical form of the payloads it has seen: a
// bulk load hashes millions of events that share a few thousand payloads (copies of the same
// histories), and canonicalising the payload is then most of the hash's CPU (pprof of
// BenchmarkEventHash: Canonical of the payload 85 %). The zero value is ready; a nil
// *ChainHasher remembers nothing. Not safe for concurrent use.
type ChainHasher struct {
	memo map[string]json.RawMessage
}

// chainMemoMax bounds a ChainHasher's memory: beyond it, payloads are no longer remembered.
const chainMemoMax = 50000

// EventHash is the package's EventHash (the same bytes), with the memo.
func (h *ChainHasher) EventHash(prev string, e cases.Event) (string, error) {
	payload := e.Payload
	if len(payload) == 0 {
		payload = json.RawMessage("{}")
	}
	var p json.RawMessage
	if h != nil {
		p = h.memo[string(payload)]
	}
	if p == nil {
		var err error
		if p, err = Canonical(payload); err != nil {
			return "", fmt.Errorf("event payload: %w", err)
		}
		if h != nil && len(h.memo) < chainMemoMax {
			if h.memo == nil {
				h.memo = map[string]json.RawMessage{}
			}
			h.memo[string(payload)] = p
		}
	}
	rec := chainRecord{CaseID: e.CaseID, Seq: e.Seq, Event: e.Event, Actor: e.Actor, At: e.At.UTC().Format(time.RFC3339Nano),
		From: e.FromState, To: e.ToState, Payload: p, ReplyDueBefore: e.ReplyDueBefore.String(), ReplyDueAfter: e.ReplyDueAfter.String()}
	b, ok := canonicalRecord(rec)
	if !ok {
		var err error
		if b, err = Canonical(rec); err != nil {
			return "", err
		}
	}
	sum := sha256.New()
	sum.Write([]byte(prev))
	sum.Write(b)
	return hex.EncodeToString(sum.Sum(nil)), nil
}

// canonicalRecord writes Canonical(r) for a record whose payload is already canonical: the keys
// in sorted order, each string as encoding/json writes it, the two integers as the float64 they
// become in Canonical's generic value. false (use Canonical) for what that shortcut would not
// reproduce exactly: a string that is not valid UTF-8 (encoding/json's replacement differs
// between one pass and two) or an integer beyond float64's exact range.
func canonicalRecord(r chainRecord) ([]byte, bool) {
	const exact = 1 << 53
	strs := []string{r.Actor, r.At, string(r.Event), string(r.From), string(r.To), r.ReplyDueAfter, r.ReplyDueBefore}
	for _, s := range strs {
		if !utf8.ValidString(s) {
			return nil, false
		}
	}
	if r.CaseID <= -exact || r.CaseID >= exact || r.Seq <= -exact || r.Seq >= exact {
		return nil, false
	}
	b := make([]byte, 0, 192+len(r.Payload))
	str := func(key, v string) {
		b = append(b, key...)
		q, _ := json.Marshal(v) // a string never fails
		b = append(b, q...)
	}
	str(`{"actor":`, r.Actor)
	str(`,"at":`, r.At)
	b = strconv.AppendInt(append(b, `,"case_id":`...), r.CaseID, 10)
	str(`,"event":`, string(r.Event))
	str(`,"from":`, string(r.From))
	b = append(append(b, `,"payload":`...), r.Payload...)
	str(`,"reply_due_after":`, r.ReplyDueAfter)
	str(`,"reply_due_before":`, r.ReplyDueBefore)
	b = strconv.AppendInt(append(b, `,"seq":`...), int64(r.Seq), 10)
	str(`,"to":`, string(r.To))
	return append(b, '}'), true
}

// VerifyChain checks one case's events against its stored head: each hash recomputed, each link
// to the previous hash, the sequence without gaps, the count and head hash of the case row.
func VerifyChain(c *cases.Case, evs []cases.Event) *cases.Broken {
	prev := ""
	for i, e := range evs {
		if e.Seq != i+1 {
			return &cases.Broken{TrackingNo: c.TrackingNo, Seq: i + 1, Reason: fmt.Sprintf("event %d missing", i+1)}
		}
		if e.PrevHash != prev {
			return &cases.Broken{TrackingNo: c.TrackingNo, Seq: e.Seq, Reason: "link to the previous event broken"}
		}
		h, err := EventHash(prev, e)
		if err != nil || h != e.Hash {
			return &cases.Broken{TrackingNo: c.TrackingNo, Seq: e.Seq, Reason: "hash mismatch: the event was altered"}
		}
		prev = h
	}
	if len(evs) < c.EventCount {
		return &cases.Broken{TrackingNo: c.TrackingNo, Seq: len(evs) + 1, Reason: fmt.Sprintf("event missing: the case records %d events, %d found", c.EventCount, len(evs))}
	}
	if len(evs) > c.EventCount {
		return &cases.Broken{TrackingNo: c.TrackingNo, Seq: c.EventCount + 1, Reason: fmt.Sprintf("unexpected event: the case records %d events, %d found", c.EventCount, len(evs))}
	}
	if prev != c.HeadHash {
		return &cases.Broken{TrackingNo: c.TrackingNo, Seq: len(evs), Reason: "head hash mismatch: the last event was altered"}
	}
	return nil
}
