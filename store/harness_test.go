package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	cases "foidesk/case"
)

// fakeRenderer stands in for package forms: a tiny deterministic "PDF" naming the letter.
type fakeRenderer struct{}

func (fakeRenderer) Render(req cases.LetterRequest) ([]byte, []string, error) {
	return []byte(fmt.Sprintf("%%PDF-1.4 %s %s %s", req.Kind, req.Number, req.Case.TrackingNo)), nil, nil
}

var pgSchemaSeq atomic.Int64

// engines returns the DSNs the store suite runs on: a SQLite file always, and PostgreSQL when
// FOIDESK_TEST_PG names a server (required when CI is set).
func engines(t *testing.T) map[string]string {
	out := map[string]string{SQLite: filepath.Join(t.TempDir(), "test.db")}
	pg := os.Getenv("FOIDESK_TEST_PG")
	if pg == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but FOIDESK_TEST_PG is empty: the store suite must run on PostgreSQL in CI")
		}
		t.Log("PostgreSQL not configured (FOIDESK_TEST_PG unset): running on SQLite only")
		return out
	}
	out[Postgres] = pg
	return out
}

// openEngine opens a fresh, migrated database of one engine at a fixed instant. On PostgreSQL each
// test gets its own database, dropped at cleanup.
func openEngine(t *testing.T, engine, dsn string, now time.Time) *DB {
	t.Helper()
	ctx := context.Background()
	if engine == Postgres {
		admin, err := Open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("foidesk_t%d_%d", os.Getpid(), pgSchemaSeq.Add(1))
		if _, err := admin.W.Exec("CREATE DATABASE " + name); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			admin.W.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			admin.Close()
		})
		dsn = replaceDBName(dsn, name)
	}
	db, err := Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return now }
	db.Renderer = fakeRenderer{}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

func replaceDBName(dsn, name string) string {
	// postgres://user@host:port/db?params
	q := ""
	if i := indexByte(dsn, '?'); i >= 0 {
		dsn, q = dsn[:i], dsn[i:]
	}
	slash := lastIndexByte(dsn, '/')
	return dsn[:slash+1] + name + q
}

func indexByte(s string, b byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return i
		}
	}
	return -1
}

func lastIndexByte(s string, b byte) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == b {
			return i
		}
	}
	return -1
}

// forEachEngine runs fn as a subtest per engine.
func forEachEngine(t *testing.T, now time.Time, fn func(t *testing.T, db *DB)) {
	for engine, dsn := range engines(t) {
		t.Run(engine, func(t *testing.T) { fn(t, openEngine(t, engine, dsn, now)) })
	}
}

// at returns 09:00 Beijing time on day s.
func at(s string) time.Time {
	d := cases.MustDate(s)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, loc)
}

func staff(t *testing.T, db *DB, name, roles string) cases.Actor {
	t.Helper()
	rs, err := ParseRoles(roles)
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.CreateUser(context.Background(), name, "correct horse battery", rs, 0, name)
	if err != nil {
		t.Fatal(err)
	}
	return u.Actor()
}

func sampleApplication() cases.Application {
	return cases.Application{
		Applicant:   cases.Applicant{Kind: cases.KindPerson, Name: "张三", IDType: cases.IDResident, IDNumber: "11010519491231002X", Phone: "13800138000", Email: "zhangsan@example.cn"},
		Description: "请公开2025年本区老旧小区改造项目的资金使用情况。",
		Delivery:    cases.DeliveryEmail, Carrier: "electronic",
	}
}
