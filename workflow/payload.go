package workflow

import (
	"encoding/json"

	cases "foidesk/case"
)

// PayloadDate reads a date field of an event payload, or def.
func PayloadDate(payload json.RawMessage, field string, def cases.Date) cases.Date {
	var p map[string]any
	if json.Unmarshal(payload, &p) != nil {
		return def
	}
	if s, ok := p[field].(string); ok {
		if d, err := cases.ParseDate(s); err == nil {
			return d
		}
	}
	return def
}
