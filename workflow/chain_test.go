package workflow

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	cases "foidesk/case"
)

// referenceEventHash is EventHash as first written: Canonical of the whole record.
func referenceEventHash(prev string, e cases.Event) (string, error) {
	payload := e.Payload
	if len(payload) == 0 {
		payload = json.RawMessage("{}")
	}
	p, err := Canonical(payload)
	if err != nil {
		return "", err
	}
	rec := chainRecord{CaseID: e.CaseID, Seq: e.Seq, Event: e.Event, Actor: e.Actor, At: e.At.UTC().Format(time.RFC3339Nano),
		From: e.FromState, To: e.ToState, Payload: p, ReplyDueBefore: e.ReplyDueBefore.String(), ReplyDueAfter: e.ReplyDueAfter.String()}
	b, err := Canonical(rec)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// TestEventHashEnvelope: the record written directly hashes exactly as Canonical of the record
// (the chains already stored, and archives verified offline, must keep verifying), on events with
// awkward text, numbers and payloads; the fallback covers what the shortcut does not.
func TestEventHashEnvelope(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 30, 15, 123456000, time.FixedZone("CST", 8*3600))
	base := cases.Event{CaseID: 42, Seq: 3, Event: cases.EventApprove, Actor: "clerk1", At: at, FromState: cases.StatePendingApproval,
		ToState: cases.StateReplied, Payload: json.RawMessage(`{"outcome":"disclose","reasons":"予以公开。"}`),
		ReplyDueBefore: cases.NewDate(2026, 3, 20), ReplyDueAfter: cases.Date{}}
	var evs []cases.Event
	add := func(f func(e *cases.Event)) {
		e := base
		f(&e)
		evs = append(evs, e)
	}
	add(func(e *cases.Event) {})
	add(func(e *cases.Event) { e.Payload = nil })
	add(func(e *cases.Event) { e.Payload = json.RawMessage(`null`) })
	add(func(e *cases.Event) {
		e.Payload = json.RawMessage(` { "z" : 1.50, "a" : [3, 2e3, -0.0001, 12345678901234567890], "m": {"b": true, "a": null} } `)
	})
	add(func(e *cases.Event) {
		e.Payload = json.RawMessage(`{"text":"<b>A & B</b> \u2028 \u2029 \"quoted\" \\ tab\t 中文 😀"}`)
	})
	add(func(e *cases.Event) { e.Actor = `<script>&"\` + "\u2028\u2029\x01\n" + `张三` })
	add(func(e *cases.Event) { e.Actor = "bad\xffutf8\xfe\xfd" }) // fallback
	add(func(e *cases.Event) { e.Event = "odd\x80" })             // fallback
	add(func(e *cases.Event) { e.CaseID, e.Seq = 0, 0 })
	add(func(e *cases.Event) { e.CaseID, e.Seq = -7, -1 })
	add(func(e *cases.Event) { e.CaseID = 1<<53 - 1 })
	add(func(e *cases.Event) { e.CaseID = 1<<53 + 1 }) // fallback: float64 rounds it
	add(func(e *cases.Event) { e.CaseID = 1 << 62 })   // fallback
	add(func(e *cases.Event) { e.At = time.Date(2025, 12, 31, 16, 0, 0, 0, time.UTC) })
	add(func(e *cases.Event) { e.FromState, e.ToState, e.ReplyDueAfter = "", "", cases.NewDate(2027, 1, 4) })
	var memo ChainHasher // remembers the payloads: the second round reads them from its memo
	for round := range 2 {
		for i, e := range evs {
			for _, prev := range []string{"", "ab12"} {
				want, err := referenceEventHash(prev, e)
				if err != nil {
					t.Fatalf("event %d: reference: %v", i, err)
				}
				got, err := EventHash(prev, e)
				if err != nil || got != want {
					t.Errorf("event %d (%+v): EventHash = %s, %v; Canonical of the record gives %s", i, e, got, err, want)
				}
				if got, err := memo.EventHash(prev, e); err != nil || got != want {
					t.Errorf("round %d, event %d: ChainHasher.EventHash = %s, %v; want %s", round, i, got, err, want)
				}
			}
		}
	}
	if _, err := EventHash("", cases.Event{Payload: json.RawMessage(`{"a":`)}); err == nil {
		t.Error("a payload that is not JSON hashed without error")
	}
}

func BenchmarkEventHash(b *testing.B) {
	e := cases.Event{CaseID: 42, Seq: 3, Event: cases.EventApprove, Actor: "clerk1", At: time.Now(), FromState: cases.StatePendingApproval,
		ToState: cases.StateReplied, Payload: json.RawMessage(`{"outcome":"disclose","reasons":"予以公开。"}`)}
	b.Run("once", func(b *testing.B) {
		for b.Loop() {
			if _, err := EventHash("ab12", e); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("memo", func(b *testing.B) {
		var h ChainHasher
		for b.Loop() {
			if _, err := h.EventHash("ab12", e); err != nil {
				b.Fatal(err)
			}
		}
	})
}
