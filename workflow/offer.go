package workflow

import (
	"encoding/json"
	"slices"

	cases "foidesk/case"
)

// probed are the events whose state and history guards are checked before their payload is read
// (the deadline not yet passed, docs/rules.md §4; one correction within 7 working days, Art. 30;
// one fee notice per handling; one extension, Art. 33): fired on a copy with an empty payload,
// a refusal with ECONFLICT is the guard's, a payload error means the guards pass.
var probed = []cases.EventName{cases.EventRequestCorrection, cases.EventConsult, cases.EventRequestFee, cases.EventExtend, cases.EventSetReplyPeriod}

// Unavailable tells, for the events of allowed whose guards fail for c today, why (the ECONFLICT
// the event would be refused with): a page offers those actions not as a form but with the
// reason. Nothing is stored; c is not modified.
func Unavailable(c *cases.Case, actor cases.Actor, allowed []cases.EventName, env Env) map[cases.EventName]error {
	out := map[cases.EventName]error{}
	for _, e := range probed {
		if !slices.Contains(allowed, e) {
			continue
		}
		if _, err := Apply(c, Request{Event: e, Payload: json.RawMessage(`{}`)}, actor, env); cases.ErrorCode(err) == cases.ECONFLICT {
			out[e] = err
		}
	}
	return out
}
