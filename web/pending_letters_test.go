package web

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cases "foidesk/case"
)

// heldRenderer holds its first letter until release is closed (announcing it on started).
type heldRenderer struct {
	n                atomic.Int64
	started, release chan struct{}
}

func (r *heldRenderer) Render(req cases.LetterRequest) ([]byte, []string, error) {
	if r.n.Add(1) == 1 {
		close(r.started)
		<-r.release
	}
	return stubRenderer{}.Render(req)
}

// TestRegistrationAnswersBeforeItsLetters: with the background renderer of serve running, POST
// /api/v1/cases answers 201 while the renderer is still held on the case's first letter (a
// registration that rendered its letters itself would never answer). The documents are listed with
// their URLs; the staff page marks them as being prepared; opening one renders it at once; once the
// renderer is released every letter is stored and the page shows their sizes.
func TestRegistrationAnswersBeforeItsLetters(t *testing.T) {
	o := newOffice(t)
	r := &heldRenderer{started: make(chan struct{}), release: make(chan struct{})}
	o.db.Renderer = r
	stop := o.db.StartLetterRenderer(o.ctx, nil)
	defer stop()
	release := sync.OnceFunc(func() { close(r.release) })
	defer release() // before stop, should the test fail while the renderer is held

	answered := make(chan *responseRecorder, 1)
	go func() { answered <- o.api("clerk1", "POST", "/api/v1/cases", apiApplication()) }()
	var w *responseRecorder
	select {
	case w = <-answered:
	case <-time.After(time.Minute):
		t.Fatal("POST /api/v1/cases waited for its letters to be rendered")
	}
	if w.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", w.Code, w.Body.String())
	}
	c := decodeBody(t, w)
	id := strconv.FormatInt(int64(c["id"].(float64)), 10)
	docs := c["documents"].([]any)
	if len(docs) != 2 {
		t.Fatalf("documents %v", docs)
	}
	var receiptURL string
	for _, d := range docs {
		d := d.(map[string]any)
		if d["url"] == "" || d["sha256"] != "" {
			t.Errorf("document answered %v; want listed with its URL and not yet rendered", d)
		}
		if d["kind"] == cases.DocReceipt {
			receiptURL = d["url"].(string)
		}
	}
	<-r.started // the renderer holds the application form
	if page := o.as("clerk1").get("/staff/cases/" + id); page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "正在生成") {
		t.Errorf("the case page does not show the letters being prepared: %d", page.Code)
	}
	if d := o.api("clerk1", "GET", receiptURL, nil); d.Code != http.StatusOK || !strings.HasPrefix(d.Body.String(), "%PDF-1.4 receipt") {
		t.Errorf("opening the pending receipt: %d %q", d.Code, d.Body.String())
	}
	release()
	deadline := time.Now().Add(time.Minute)
	for {
		c = decodeBody(t, o.api("clerk1", "GET", "/api/v1/cases/"+id, nil))
		pending := 0
		for _, d := range c["documents"].([]any) {
			if d.(map[string]any)["sha256"] == "" {
				pending++
			}
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d letters still pending after a minute", pending)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if page := o.as("clerk1").get("/staff/cases/" + id); strings.Contains(page.Body.String(), "正在生成") {
		t.Error("the case page still shows a letter being prepared")
	}
}
