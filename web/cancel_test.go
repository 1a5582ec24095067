package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCancelledRequestIs499: a client that gives up before the answer is recorded as 499 (client
// closed request), never as an internal error with status 500.
func TestCancelledRequestIs499(t *testing.T) {
	o := newOffice(t)
	var logs bytes.Buffer
	o.s.log = slog.New(slog.NewTextHandler(&logs, nil))
	for _, path := range []string{"/api/v1/cases?state=registered", "/staff/queue"} {
		logs.Reset()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		req := httptest.NewRequest("GET", path, nil).WithContext(ctx)
		req.Header.Set("Authorization", "Bearer "+o.tokens["clerk1"])
		w := httptest.NewRecorder()
		o.s.ServeHTTP(w, req)
		if path == "/staff/queue" && w.Code != StatusClientClosedRequest {
			continue // the page redirects to the login without touching the database
		}
		if w.Code != StatusClientClosedRequest {
			t.Errorf("%s: status %d, want 499", path, w.Code)
		}
		if l := logs.String(); strings.Contains(l, "internal error") || !strings.Contains(l, "status=499") {
			t.Errorf("%s: logged\n%s", path, l)
		}
	}
}
