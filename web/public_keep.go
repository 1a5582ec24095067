package web

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// Forms that keep what was given (issue 14): files attached to the application form are kept on
// the server against the form's one-time token when the form comes back (an error, the
// check-your-answers step), within the same limits as at submission, and dropped an hour after
// they were last given unless the form is submitted. The form lists them as "已上传：文件名 (删除)".

const keptTTL = time.Hour

// keptUploads holds the files of forms not yet submitted, by form token.
type keptUploads struct {
	mu        sync.Mutex
	m         map[string]*keptFiles
	lastSweep time.Time
}

type keptFiles struct {
	files []pubUpload
	at    time.Time
}

func newKeptUploads() *keptUploads { return &keptUploads{m: map[string]*keptFiles{}} }

// sweep drops what is older than keptTTL (mu held).
func (k *keptUploads) sweep(now time.Time) {
	if now.Sub(k.lastSweep) < sweepEvery {
		return
	}
	k.lastSweep = now
	for t, f := range k.m {
		if now.Sub(f.at) > keptTTL {
			delete(k.m, t)
		}
	}
}

// get returns the files kept for token (nil when none or expired).
func (k *keptUploads) get(token string, now time.Time) []pubUpload {
	if token == "" {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.sweep(now)
	f, ok := k.m[token]
	if !ok || now.Sub(f.at) > keptTTL {
		return nil
	}
	return append([]pubUpload(nil), f.files...)
}

// set keeps files for token (none: forgets it).
func (k *keptUploads) set(token string, files []pubUpload, now time.Time) {
	if token == "" {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.sweep(now)
	if len(files) == 0 {
		delete(k.m, token)
		return
	}
	k.m[token] = &keptFiles{files: files, at: now}
}

// reviewPage is the check-your-answers step: what will be submitted, the form's values carried as
// hidden fields, and two buttons: submit, or back to the form to change something.
type reviewPage struct {
	Kind      string
	KindLabel string
	Sections  []reviewSection
	Hidden    []hiddenField
	Files     []string
	Token     string
}

type reviewSection struct {
	Legend string
	Rows   []reviewRow
}

type reviewRow struct{ Label, Value string }

type hiddenField struct{ Name, Value string }

// showReview shows the check-your-answers step of a valid form.
func (s *Server) showReview(c *gin.Context, kind string, v url.Values, kept []pubUpload) {
	l := lang(c)
	p, err := s.buildApplyPage(c.Request.Context(), l, kind, v, nil)
	if err != nil {
		s.errorPage(c, err)
		return
	}
	r := reviewPage{Kind: kind, KindLabel: p.KindLabel, Token: p.Token}
	for _, sec := range p.Sections {
		rs := reviewSection{Legend: sec.Legend}
		for _, f := range sec.Fields {
			if f.Type == "file" || strings.TrimSpace(f.Value) == "" {
				continue
			}
			val := f.Value
			for _, o := range f.Options {
				if o.Selected {
					val = o.Label
				}
			}
			rs.Rows = append(rs.Rows, reviewRow{Label: f.Label, Value: val})
		}
		if len(rs.Rows) > 0 {
			rs.Rows = slices.Clip(rs.Rows)
			r.Sections = append(r.Sections, rs)
		}
	}
	names := make([]string, 0, len(v))
	for k := range v {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if k == keyStep || k == keyRemoveFile || k == keyToken || k == keyKind {
			continue
		}
		for _, x := range v[k] {
			r.Hidden = append(r.Hidden, hiddenField{k, x})
		}
	}
	for _, f := range kept {
		r.Files = append(r.Files, f.Filename)
	}
	c.Header("Cache-Control", "no-store")
	s.render(c, http.StatusOK, "public/apply_review", "review.title", r)
}
