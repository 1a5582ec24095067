package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// FuzzBinding: the JSON body reader (readBody: the applications, the staff API's cases and
// events) and the form checks never panic; a body they accept is valid UTF-8 without NUL or
// bidirectional controls, and every refusal is a 422 naming its input in fields (docs/api.md
// "Codes"). Seeds in testdata/fuzz/FuzzBinding.
func FuzzBinding(f *testing.F) {
	for _, s := range []string{
		`{"applicant":{"kind":"person","name":"张三","id_type":"resident_id","id_number":"11010519491231002X","phone":"13800138000"},"description":"请公开","delivery":"email","carrier":"electronic"}`,
		`{"applicant":{"name":5}}`, `{"received_on":"2026-13-45"}`, `{"x":1}`, `[]`, `"s"`, `{} {}`, "{\"description\":\"\xff\"}",
		`{"description":"a\u202Eb"}`, `{"description":"\u0000"}`, `{"applicant":{"kind":["person"]}}`, ``, `{`, `null`,
	} {
		f.Add(s)
	}
	gin.SetMode(gin.ReleaseMode)
	f.Fuzz(func(t *testing.T, body string) {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest("POST", "/api/v1/cases", strings.NewReader(body))
		var app cases.Application
		err := readBody(c, &app, 1<<16)
		if err == nil {
			if !utf8.ValidString(body) || strings.ContainsRune(body, 0) || strings.ContainsRune(body, '\u202E') {
				t.Fatalf("accepted %q", body)
			}
		} else {
			var e *cases.Error
			if ce, ok := err.(*cases.Error); ok {
				e = ce
			}
			if e == nil || e.Code != cases.EINVALID || len(e.Fields) == 0 {
				t.Fatalf("refusal without fields: %v", err)
			}
			for _, goName := range []string{"cases.", "json:", "float64", "struct {"} {
				if strings.Contains(e.MessageEN, goName) {
					t.Fatalf("English message names Go: %q", e.MessageEN)
				}
			}
		}
		if v, err := url.ParseQuery(body); err == nil {
			checkFormValues(v)
		}
	})
}
