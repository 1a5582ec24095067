package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cases "foidesk/case"
	"foidesk/store"
)

// fakeRenderer stands in for package forms: a tiny deterministic "PDF" naming the letter.
type fakeRenderer struct{}

func (fakeRenderer) Render(req cases.LetterRequest) ([]byte, []string, error) {
	return []byte(fmt.Sprintf("%%PDF-1.4 %s %s %s", req.Kind, req.Number, req.Case.TrackingNo)), nil, nil
}

var pgSeq atomic.Int64

// engines are the databases the tests run on: SQLite always, PostgreSQL when FOIDESK_TEST_PG
// names a server (required when CI is set).
func engines(t *testing.T) []string {
	out := []string{store.SQLite}
	if os.Getenv("FOIDESK_TEST_PG") == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but FOIDESK_TEST_PG is empty: the notify tests must run on PostgreSQL in CI")
		}
		t.Log("PostgreSQL not configured (FOIDESK_TEST_PG unset): running on SQLite only")
		return out
	}
	return append(out, store.Postgres)
}

// clock is a settable instant shared by the store and the service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// env is one test's database, clock, service and staff.
type env struct {
	t     *testing.T
	ctx   context.Context
	db    *store.DB
	clk   *clock
	svc   *Service
	li    cases.Actor // clerk
	zhao  cases.Actor // clerk
	wang  cases.Actor // supervisor
	admin cases.Actor
}

func openDB(t *testing.T, engine string) *store.DB {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "notify.db")
	if engine == store.Postgres {
		base := os.Getenv("FOIDESK_TEST_PG")
		admin, err := store.Open(base)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("foidesk_notify_%d_%d", os.Getpid(), pgSeq.Add(1))
		if _, err := admin.W.Exec("CREATE DATABASE " + name); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			admin.W.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			admin.Close()
		})
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		u.Path = "/" + name
		dsn = u.String()
	}
	db, err := store.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// newEnv opens a migrated database of engine with three staff and the clock at start.
func newEnv(t *testing.T, engine string, start time.Time) *env {
	t.Helper()
	db := openDB(t, engine)
	clk := &clock{t: start}
	db.Now = clk.Now
	db.Renderer = fakeRenderer{}
	ctx := context.Background()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: ctx, db: db, clk: clk}
	e.svc = &Service{Store: db, Now: clk.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	e.li = e.user("li", "clerk")
	e.zhao = e.user("zhao", "clerk")
	e.wang = e.user("wang", "supervisor")
	e.admin = e.user("admin1", "admin")
	return e
}

func (e *env) user(name, roles string) cases.Actor {
	e.t.Helper()
	rs, err := store.ParseRoles(roles)
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := e.db.CreateUser(e.ctx, name, "correct horse battery", rs, 0, name)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.Actor()
}

// shanghai is the agency's time zone.
var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at returns hh:mm Beijing time on day s.
func at(s string, hh, mm int) time.Time {
	d := cases.MustDate(s)
	return time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, shanghai)
}

// application is an application by name; with an e-mail address the reply goes by e-mail, else
// it is collected in person.
func application(name, email string) cases.Application {
	app := cases.Application{
		Applicant:   cases.Applicant{Kind: cases.KindPerson, Name: name, IDType: cases.IDResident, IDNumber: "11010519491231002X", Phone: "13800138000", Email: email},
		Description: "请公开2025年本区老旧小区改造项目的资金使用情况。",
		Delivery:    cases.DeliveryEmail, Carrier: "electronic",
	}
	if email == "" {
		app.Delivery, app.Carrier = cases.DeliveryPickup, "paper"
	}
	return app
}

// paper registers an application received on day received (the clock is set to 09:00 that day).
func (e *env) paper(received, email string) *cases.Case {
	e.t.Helper()
	e.clk.Set(at(received, 9, 0))
	app := application("张三", email)
	app.Channel = cases.ChannelInPerson
	app.ReceivedOn = cases.MustDate(received)
	c, err := e.db.RegisterPaper(e.ctx, app, e.li)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// fire fires an event at 10:00 on day.
func (e *env) fire(day string, id int64, actor cases.Actor, event string, payload any) *cases.Case {
	e.t.Helper()
	e.clk.Set(at(day, 10, 0))
	b, _ := json.Marshal(payload)
	c, err := e.db.TransitionCase(e.ctx, id, cases.EventRequest{Event: cases.EventName(event), Payload: b}, actor, e.db.Now())
	if err != nil {
		e.t.Fatalf("%s on %s: %v", event, day, err)
	}
	return c
}

// sweep runs the sweep at 08:30 on day with the store's clock there too.
func (e *env) sweep(day string) Report {
	e.t.Helper()
	t := at(day, 8, 30)
	e.clk.Set(t)
	rep, err := e.svc.Sweep(e.ctx, t)
	if err != nil {
		e.t.Fatalf("sweep %s: %v", day, err)
	}
	if rep.Skipped {
		e.t.Fatalf("sweep %s skipped", day)
	}
	return rep
}

// lines returns the report's ALERT and LAPSE lines with tracking numbers replaced by names, sorted.
func lines(rep Report, names map[string]string) []string {
	var out []string
	for _, l := range rep.Lines() {
		if strings.HasPrefix(l, "alerts:") {
			continue
		}
		for tn, n := range names {
			l = strings.ReplaceAll(l, tn, n)
		}
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

var storeInboxAll = cases.InboxFilter{Limit: 200}
