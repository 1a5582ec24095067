package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// docs/operations.md "Back up and restore", end to end: a backup taken while the database is in
// use, a later change, then the restore (stop, copy the backup over the database file, remove
// its -wal and -shm), a start of serve on the restored file, and `audit verify` clean.
func TestBackupRestore(t *testing.T) {
	needFont(t)
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	if code, _, errOut := run(t, "", "--db", live, "demo", "--cases", "30", "--today", "2026-06-15"); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	backup := filepath.Join(dir, "backup.db")
	if code, _, errOut := run(t, "", "--db", live, "backup", "--out", backup); code != 0 {
		t.Fatalf("backup: %s", errOut)
	}
	if code, _, _ := run(t, "", "--db", live, "backup", "--out", backup); code == 0 {
		t.Fatal("backup over an existing file")
	}
	// A change after the backup, then the loss: the restore brings back the backup's state.
	if code, _, errOut := run(t, "After-backup-2026\n", "--db", live, "user", "add", "late", "--role", "clerk"); code != 0 {
		t.Fatalf("user add: %s", errOut)
	}
	copyFile(t, backup, live)
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(live + suffix)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- MainContext(ctx, []string{"serve", "--addr", addr, "--db", live, "--no-scheduler"}, strings.NewReader(""), io.Discard, io.Discard)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatal("serve did not start on the restored database")
		}
		time.Sleep(100 * time.Millisecond)
	}
	resp, err := http.PostForm("http://"+addr+"/login", map[string][]string{"username": {"clerk1"}, "password": {"Foidesk-demo-2026"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve exit %d", code)
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusSeeOther { // followed to the queue
		t.Errorf("login on the restored database: %d", resp.StatusCode)
	}
	if code, out, errOut := run(t, "", "--db", live, "audit", "verify"); code != 0 || out != "verified: 30, broken: 0\n" {
		t.Fatalf("audit verify after the restore: exit %d %q %s", code, out, errOut)
	}
	if code, _, _ := run(t, "", "--db", live, "token", "create", "--user", "late"); code == 0 {
		t.Error("the account made after the backup survived the restore")
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
