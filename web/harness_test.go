package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	cases "foidesk/case"
	"foidesk/store"
)

// stubRenderer makes a tiny deterministic PDF-like body; tests of real letters live in forms.
type stubRenderer struct{}

func (stubRenderer) Render(req cases.LetterRequest) ([]byte, []string, error) {
	return []byte(fmt.Sprintf("%%PDF-1.4 %s %s", req.Kind, req.Number)), nil, nil
}

// newTestServer returns the real router over a fresh SQLite database at a fixed instant.
func newTestServer(t *testing.T) (*Server, *store.DB) {
	return newTestServerAt(t, time.Date(2026, 11, 3, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)))
}

func newTestServerAt(t *testing.T, now time.Time) (*Server, *store.DB) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "web.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return now }
	db.Renderer = stubRenderer{}
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Backend: db, Renderer: stubRenderer{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: db.Now,
		Reports: db, Inbox: db, Archive: db, Sessions: db.SessionStore()}) // the stub renders no report or archive files
	if err != nil {
		t.Fatal(err)
	}
	return s, db
}
