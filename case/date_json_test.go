package cases

import (
	"encoding/json"
	"testing"
)

// Dates are sent as "YYYY-MM-DD" and the zero Date as null; what is not a date is refused with
// EINVALID, whether or not the string needs the decoder (escapes, other characters).
func TestDateJSON(t *testing.T) {
	b, err := json.Marshal(struct {
		A, B Date
	}{A: MustDate("2026-03-09")})
	if err != nil || string(b) != `{"A":"2026-03-09","B":null}` {
		t.Fatalf("marshal: %s %v", b, err)
	}
	for in, want := range map[string]string{`"2026-03-09"`: "2026-03-09", `null`: "", `""`: "", `"2026-03-\u00309"`: "2026-03-09"} {
		var d Date
		if err := json.Unmarshal([]byte(in), &d); err != nil || d.String() != want {
			t.Errorf("%s: %q %v, want %q", in, d.String(), err, want)
		}
	}
	for _, in := range []string{`"2026-13-01"`, `"2026-03-09T00:00:00Z"`, `"二〇二六年"`, `20260309`, `"2026-03-0\n"`, `{}`} {
		var d Date
		if err := json.Unmarshal([]byte(in), &d); ErrorCode(err) != EINVALID {
			t.Errorf("%s: %v, want EINVALID", in, err)
		}
	}
}
