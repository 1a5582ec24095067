package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The crash test: the real binary takes ~200 concurrent submissions and is killed (SIGKILL) while
// they are in flight; after a restart every submission that got a 201 is there, with its submit
// event (docs/design.md: the case is committed before the answer is sent).

const (
	crashSubmissions = 200
	crashAddresses   = 25 // source addresses 127.0.0.2…: each stays under the default 10 a minute
	crashKillAfter   = 60 // answers received before the kill
)

// fontForBinary is the CJK font the binary renders letters with.
func fontForBinary(t *testing.T) string {
	t.Helper()
	f := os.Getenv("FOIDESK_FONT")
	if f == "" {
		f = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
	}
	if _, err := os.Stat(f); err != nil {
		needOrSkip(t, "the CJK font is missing: "+f)
	}
	return f
}

// buildBinary builds ./cmd/foidesk into dir.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	if _, err := os.Stat("../cmd/foidesk/main.go"); err != nil {
		t.Fatal("cmd/foidesk/main.go not found: the crash test builds the real binary")
	}
	bin := filepath.Join(dir, "foidesk")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/foidesk")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/foidesk: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startServe runs `foidesk serve` and waits until /healthz answers.
func startServe(t *testing.T, bin, addr, dbPath, font, logPath string) *exec.Cmd {
	t.Helper()
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--addr", addr, "--db", dbPath, "--font", font, "--no-scheduler")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), "FOIDESK_FONT="+font)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		logf.Close()
	})
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		r, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return cmd
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	log, _ := os.ReadFile(logPath)
	t.Fatalf("foidesk serve did not start:\n%s", log)
	return nil
}

// clientFrom is an HTTP client whose connections come from the loopback address ip.
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 4}}
}

type crashResult struct {
	i          int
	status     int
	trackingNo string
	code       string
	err        error
}

func TestCrashDuringSubmissions(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: not in -short mode")
	}
	font := fontForBinary(t)
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	dbPath := filepath.Join(dir, "crash.db")
	logPath := filepath.Join(dir, "serve.log")
	addr := freeAddr(t)
	serve := startServe(t, bin, addr, dbPath, font, logPath)

	results := make([]crashResult, crashSubmissions)
	var answered atomic.Int64
	killed := make(chan struct{})
	var killOnce sync.Once
	kill := func() {
		killOnce.Do(func() {
			serve.Process.Signal(syscall.SIGKILL)
			close(killed)
		})
	}
	clients := make([]*http.Client, crashAddresses)
	for i := range clients {
		clients[i] = clientFrom(fmt.Sprintf("127.0.0.%d", i+2))
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < crashSubmissions; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body := personJSON()
			body["description"] = fmt.Sprintf("崩溃测试第%d号申请：请公开2025年本区老旧小区改造项目的资金使用情况。", i)
			b, _ := json.Marshal(body)
			<-start
			r := crashResult{i: i}
			resp, err := clients[i%crashAddresses].Post("http://"+addr+"/api/v1/applications", "application/json", bytes.NewReader(b))
			if err != nil {
				r.err = err
			} else {
				r.status = resp.StatusCode
				var out struct {
					TrackingNo string `json:"tracking_no"`
					AccessCode string `json:"access_code"`
				}
				data, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					r.err = err
				} else if r.status == http.StatusCreated {
					if err := json.Unmarshal(data, &out); err != nil {
						r.err = err
					}
					r.trackingNo, r.code = out.TrackingNo, out.AccessCode
				}
				if answered.Add(1) >= crashKillAfter {
					kill()
				}
			}
			results[i] = r
		}(i)
	}
	close(start)
	go func() { // in case the answers come too slowly, kill anyway
		select {
		case <-killed:
		case <-time.After(20 * time.Second):
			kill()
		}
	}()
	wg.Wait()
	<-killed
	serve.Wait()

	created, refused, failed := 0, map[int]int{}, 0
	for _, r := range results {
		switch {
		case r.err != nil:
			failed++
		case r.status == http.StatusCreated:
			created++
		default:
			refused[r.status]++
		}
	}
	t.Logf("sent %d; 201: %d; other statuses: %v; no answer (killed in flight): %d", crashSubmissions, created, refused, failed)
	if created == 0 || failed == 0 {
		t.Errorf("the kill did not land midway (201: %d, no answer: %d)", created, failed)
	}
	for status := range refused {
		if status != http.StatusInternalServerError && status != http.StatusServiceUnavailable {
			t.Errorf("unexpected status %d before the kill", status)
		}
	}

	// Restart on the same database: every 201 is there with its submit event.
	startServe(t, bin, addr, dbPath, font, logPath)
	client := &http.Client{Timeout: 30 * time.Second}
	verified, seen := 0, map[string]bool{}
	for _, r := range results {
		if r.status != http.StatusCreated {
			continue
		}
		if seen[r.trackingNo] {
			t.Errorf("tracking number %s given twice", r.trackingNo)
		}
		seen[r.trackingNo] = true
		req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/track/"+r.trackingNo, nil)
		req.Header.Set("X-Access-Code", r.code)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("track %s: %v", r.trackingNo, err)
		}
		var v struct {
			State       string `json:"state"`
			Application struct {
				Description string `json:"description"`
			} `json:"application"`
			Timeline []struct {
				Event string `json:"event"`
			} `json:"timeline"`
		}
		json.NewDecoder(resp.Body).Decode(&v)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("submission %d (%s) got 201 but is lost after the crash: %d", r.i, r.trackingNo, resp.StatusCode)
			continue
		}
		if v.State != "submitted" || len(v.Timeline) == 0 || v.Timeline[0].Event != "submit" || !strings.Contains(v.Application.Description, fmt.Sprintf("第%d号", r.i)) {
			t.Errorf("submission %d (%s) after the crash: %+v", r.i, r.trackingNo, v)
			continue
		}
		verified++
	}
	t.Logf("after the restart: %d of %d acknowledged submissions present with their submit event", verified, created)

	// The event chains are intact.
	out, err := exec.Command(bin, "audit", "verify", "--db", dbPath).CombinedOutput()
	if err != nil {
		t.Errorf("audit verify: %v\n%s", err, out)
	}
	t.Logf("audit verify: %s", strings.TrimSpace(lastLine(string(out))))
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
