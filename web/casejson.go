package web

import (
	"encoding/json"
	"errors"
	"slices"
	"sync"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// writeCase answers one case as the staff API shows it (caseJSON), byte for byte what
// c.JSON(status, caseJSON(cs)) writes, with each event's JSON encoded once per process.
//
// pprof of add_note over HTTP: encoding the answer was a quarter of serve's CPU, nearly all of it
// the history — every event's payload compacted, its times and dates formatted — again after
// every transition. An event never changes (docs/design.md "Storage": the log is append-only and
// hash-chained), and its hash covers every field the API shows of it, so its JSON is kept under
// its hash (eventsJSON) and the answer is written as the case without its lists, then the events
// and the remedies, which encoding/json puts last (TestWriteCaseIsCaseJSON compares both).
func writeCase(c *gin.Context, status int, cs *cases.Case) {
	b, err := appendCase(nil, cs)
	if err != nil {
		c.JSON(status, caseJSON(cs))
		return
	}
	c.Data(status, "application/json; charset=utf-8", b)
}

// caseHead is apiCase without its events and remedies: nil and omitted, so that the object ends
// with the documents and writeCase appends the rest.
type caseHead struct {
	*cases.Case
	Documents []apiDocument  `json:"documents"`
	Events    []cases.Event  `json:"events,omitempty"`
	Remedies  []cases.Remedy `json:"remedies,omitempty"`
}

func appendCase(b []byte, cs *cases.Case) ([]byte, error) {
	full := caseJSON(cs).(apiCase)
	head, err := json.Marshal(caseHead{Case: full.Case, Documents: full.Documents})
	if err != nil {
		return nil, err
	}
	if len(head) < 2 || head[len(head)-1] != '}' {
		return nil, errNotObject
	}
	evs, err := eventsJSON(full.Events)
	if err != nil {
		return nil, err
	}
	rj, err := json.Marshal(full.Remedies)
	if err != nil {
		return nil, err
	}
	n := len(head) + len(rj) + 32
	for _, e := range evs {
		n += len(e) + 1
	}
	b = slices.Grow(b, n)
	b = append(b, head[:len(head)-1]...)
	b = append(b, `,"events":[`...)
	for i, e := range evs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, e...)
	}
	b = append(append(append(b, `],"remedies":`...), rj...), '}')
	return b, nil
}

var errNotObject = errors.New("the case's JSON is not an object")

// eventsKept bounds the events whose JSON is kept (a few MB).
const eventsKept = 20000

var eventCache struct {
	sync.Mutex
	m map[string][]byte // by hash; never changed in place
}

// eventsJSON is json.Marshal of each event, kept under its hash.
func eventsJSON(evs []cases.Event) ([][]byte, error) {
	out := make([][]byte, len(evs))
	eventCache.Lock()
	for i, e := range evs {
		if e.Hash != "" {
			out[i] = eventCache.m[e.Hash]
		}
	}
	eventCache.Unlock()
	for i, e := range evs {
		if out[i] != nil {
			continue
		}
		b, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		out[i] = b
		if e.Hash == "" {
			continue
		}
		eventCache.Lock()
		if eventCache.m == nil {
			eventCache.m = map[string][]byte{}
		}
		if len(eventCache.m) >= eventsKept {
			for k := range eventCache.m { // full: forget one
				delete(eventCache.m, k)
				break
			}
		}
		eventCache.m[e.Hash] = b
		eventCache.Unlock()
	}
	return out, nil
}
