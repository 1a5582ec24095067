package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cases "foidesk/case"
)

// testServer is `foidesk serve` run in-process on a free port (with the environment the test set),
// stopped at the end of the test.
type testServer struct {
	t     *testing.T
	base  string
	token string
	stop  func() // stops serve (also at the end of the test)
}

// startServe starts serve on db (no scheduler) and waits for /healthz.
func startServe(t *testing.T, db string) *testServer {
	t.Helper()
	needFont(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan string, 1)
	go func() {
		var out, errb bytes.Buffer
		code := MainContext(ctx, []string{"serve", "--addr", addr, "--db", db, "--no-scheduler"}, strings.NewReader(""), &out, &errb)
		done <- strings.Join([]string{string(rune('0' + code)), errb.String()}, " ")
	}()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	}
	t.Cleanup(stop)
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case r := <-done:
			t.Fatalf("serve ended: %s", r)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz did not answer: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return &testServer{t: t, base: "http://" + addr, stop: stop}
}

// raw sends a GET with the server's token and returns the status and the body.
func (s *testServer) raw(path string) (int, []byte) {
	s.t.Helper()
	req, _ := http.NewRequest("GET", s.base+path, nil)
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// call sends a JSON request to the API with the server's token and decodes the answer into a map.
func (s *testServer) call(method, path string, body any) (int, map[string]any) {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.base+"/api/v1"+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, m
}

// as returns a copy of the server using the token of user (created with the CLI).
func (s *testServer) as(db, user string) *testServer {
	s.t.Helper()
	code, out, errOut := run(s.t, "", "--db", db, "token", "create", "--user", user)
	if code != 0 {
		s.t.Fatalf("token create %s: %s", user, errOut)
	}
	c := *s
	c.token = strings.TrimSpace(out)
	return &c
}

// addUser adds a staff account with the CLI.
func addUser(t *testing.T, db, name, roles string) {
	t.Helper()
	if code, _, errOut := run(t, cliPassword+"\n", "--db", db, "user", "add", name, "--role", roles); code != 0 {
		t.Fatalf("user add %s: %s", name, errOut)
	}
}

// docs/api.md "Clock and deployment settings": FOIDESK_NOW sets the clock of every command at the
// instant given when the process starts; it advances from there, and the log says so.
func TestFOIDESK_NOW(t *testing.T) {
	path := filepath.Join(t.TempDir(), "now.db")
	db := openTestDB(t, path, "2027-03-01")
	ctx := context.Background()
	li := testUser(t, db, "li", "clerk")
	c, err := db.RegisterPaper(ctx, testApplication("2027-03-01"), li)
	if err != nil {
		t.Fatal(err)
	}
	items, _ := json.Marshal(map[string]any{"items": []string{"请写明所需信息的名称或者文号。"}})
	if _, err := db.TransitionCase(ctx, c.ID, cases.EventRequest{Event: "request_correction", Payload: items}, li, db.Now()); err != nil {
		t.Fatal(err)
	}
	db.Close()

	// Without FOIDESK_NOW the run is today's (before 2027): nothing lapses.
	t.Setenv("FOIDESK_NOW", "")
	if code, out, errOut := run(t, "", "notify", "run-once", "--db", path); code != 0 || !strings.HasSuffix(out, "lapses: 0\n") {
		t.Fatalf("run-once without FOIDESK_NOW: exit %d %q %s", code, out, errOut)
	}
	// Art. 30: with the clock set after the correction period, the correction lapses.
	t.Setenv("FOIDESK_NOW", "2027-04-20T09:00:00+08:00")
	code, out, errOut := run(t, "", "notify", "run-once", "--db", path)
	if code != 0 || !strings.Contains(out, "LAPSE correction_lapsed "+c.TrackingNo+"\n") {
		t.Fatalf("run-once with FOIDESK_NOW: exit %d %q\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "FOIDESK_NOW") {
		t.Errorf("no warning in the log: %s", errOut)
	}
	t.Setenv("FOIDESK_NOW", "20 April 2027")
	if code, _, errOut := run(t, "", "notify", "run-once", "--db", path); code != 2 || !strings.Contains(errOut, "FOIDESK_NOW") {
		t.Errorf("a bad FOIDESK_NOW: exit %d %s", code, errOut)
	}

	// serve: the API's today is FOIDESK_NOW's day (Art. 31: an e-mail is received on the day it
	// is registered), and the clock advances.
	t.Setenv("FOIDESK_NOW", "2027-05-10T09:00:00+08:00")
	dbPath := filepath.Join(t.TempDir(), "serve.db")
	addUser(t, dbPath, "clerk1", "clerk")
	srv := startServe(t, dbPath).as(dbPath, "clerk1")
	app := map[string]any{
		"applicant":   map[string]any{"kind": "person", "name": "张伟", "id_type": "resident_id", "id_number": "11010519491231002X", "phone": "13800138000", "email": "zw@example.cn"},
		"description": "申请公开清溪区2026年度城市更新项目的立项批复文件。", "delivery": "email", "carrier": "electronic",
		"channel": "email", "received_on": "2027-05-10",
	}
	st, body := srv.call("POST", "/cases", app)
	if st != http.StatusCreated || body["received_on"] != "2027-05-10" || body["reply_due"] != "2027-06-07" {
		t.Fatalf("POST /cases on FOIDESK_NOW's day: %d %v", st, body)
	}
	app["received_on"] = "2027-05-07"
	if st, body := srv.call("POST", "/cases", app); st != http.StatusUnprocessableEntity {
		t.Errorf("an e-mail back-dated: %d %v", st, body)
	}
}

// cliPassword meets the password policy (length, character classes, not the username) for the
// accounts the tests create.
const cliPassword = "Qingxi-Office-2026!"
