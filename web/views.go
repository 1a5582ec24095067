package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

//go:embed templates static
var assets embed.FS

// views holds each page template parsed with the layout.
type views struct {
	pages  map[string]*template.Template
	hashes map[string]string // static path → content hash
}

func loadViews() (*views, error) {
	v := &views{pages: map[string]*template.Template{}, hashes: map[string]string{}}
	err := fs.WalkDir(assets, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assets.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		v.hashes[strings.TrimPrefix(p, "static/")] = hex.EncodeToString(sum[:])[:12]
		return nil
	})
	if err != nil {
		return nil, err
	}
	layout, err := assets.ReadFile("templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: layout missing: %w", err)
	}
	partials, err := readPartials()
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(assets, "templates/*/*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if path.Dir(f) == partialsDir {
			continue
		}
		name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
		body, err := assets.ReadFile(f)
		if err != nil {
			return nil, err
		}
		t := template.New("layout").Funcs(v.funcs())
		if _, err := t.Parse(string(layout)); err != nil {
			return nil, fmt.Errorf("web: layout: %w", err)
		}
		for _, p := range partials {
			if _, err := t.New(p.name).Parse(p.body); err != nil {
				return nil, fmt.Errorf("web: partial %s: %w", p.name, err)
			}
		}
		if _, err := t.New(name).Parse(string(body)); err != nil {
			return nil, fmt.Errorf("web: view %s: %w", name, err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("web: view %s defines no content block", name)
		}
		v.pages[name] = t
	}
	return v, nil
}

// partialsDir holds the templates every page may call ({{define}}d blocks, no page of their own).
const partialsDir = "templates/partials"

type partial struct{ name, body string }

// readPartials reads the templates of partialsDir.
func readPartials() ([]partial, error) {
	files, err := fs.Glob(assets, partialsDir+"/*.html")
	if err != nil {
		return nil, err
	}
	var out []partial
	for _, f := range files {
		b, err := assets.ReadFile(f)
		if err != nil {
			return nil, err
		}
		out = append(out, partial{strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html"), string(b)})
	}
	return out, nil
}

func (v *views) funcs() template.FuncMap {
	return template.FuncMap{
		"t": func(lang, key string, args ...any) string { return T(lang, key, args...) },
		"asset": func(p string) string {
			return "/static/" + p + "?v=" + v.hashes[p]
		},
		"label": func(list string, code any, lang string) string { // code: a string or a typed one (cases.State)
			c := fmt.Sprint(code)
			l, ok := codeLists[list]
			if !ok {
				return c
			}
			return l.Label(c, lang)
		},
		"date": func(d cases.Date) string {
			if d.IsZero() {
				return "—"
			}
			return d.String()
		},
		"add": func(a, b int) int { return a + b },
		// dict makes a map of key-value pairs, to pass several values to a partial.
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"contains":  strings.Contains,
		"queueRows": queueRowsHTML, // web/queue_rows.go
		"queueTabs": queueTabsHTML,
		"has": func(list []string, s string) bool {
			for _, x := range list {
				if x == s {
					return true
				}
			}
			return false
		},
	}
}

// codeLists are the closed lists templates may label.
var codeLists = map[string]cases.CodeList{
	"kind": cases.ApplicantKinds, "org": cases.OrgCategories, "id": cases.IDTypes, "channel": cases.Channels,
	"delivery": cases.DeliveryWays, "carrier": cases.Carriers, "state": cases.States, "role": cases.Roles,
	"remedy": cases.RemedyKinds, "remedy_result": cases.RemedyResults, "party": cases.ConsultPartyKinds,
	"answer": cases.ConsultAnswers, "fee": cases.FeeBases, "doc": cases.DocKinds, "finding": cases.FindingRules,
}

// page is what every view receives: the language, the page title and the view's own data.
type page struct {
	Lang   string
	Title  string
	Path   string // the current path and query without lang, for the language switch
	User   *cases.User
	Unread int
	Data   any
	// Care is 关怀模式 (larger text and targets, higher contrast: web/care.go), chosen by the visitor.
	Care bool
	// Agency names the government the public pages belong to, with its contact (header, footer);
	// set for visitors not signed in, the only ones the layout shows it to.
	Agency *siteAgency
	// Repost, when set, makes the language and care switches re-post this form token to
	// /track/confirmation instead of reloading the path (the confirmation is a POST result: web/care.go).
	Repost string
}

// render writes view name with data in the request's language.
func (s *Server) render(c *gin.Context, status int, name, titleKey string, data any) {
	t, ok := s.views.pages[name]
	if !ok {
		s.log.Error("missing view", "view", name)
		c.String(http.StatusInternalServerError, "missing view")
		return
	}
	l := lang(c)
	p := page{Lang: l, Title: T(l, titleKey), Path: pathWithoutLang(c), Data: data, Care: careMode(c)}
	if r, ok := c.Get(repostKey); ok {
		p.Repost = r.(string)
	}
	if u, ok := c.Get("user"); ok {
		uu := u.(cases.User)
		p.User = &uu
	} else {
		p.Agency = s.siteAgency(c) // the layout names the agency only to visitors not signed in
	}
	if n, ok := c.Get("unread"); ok {
		p.Unread = n.(int)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("render", "view", name, "err", err)
		c.String(http.StatusInternalServerError, "render error")
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

func pathWithoutLang(c *gin.Context) string {
	q := c.Request.URL.Query()
	q.Del("lang")
	q.Del("care")
	p := c.Request.URL.Path
	if e := q.Encode(); e != "" {
		return p + "?" + e
	}
	return p
}

// static serves an embedded asset; hashed URLs are cached for a year.
func (s *Server) static(c *gin.Context) {
	p := strings.TrimPrefix(path.Clean(c.Param("path")), "/")
	b, err := assets.ReadFile("static/" + p)
	if err != nil {
		c.Status(http.StatusNotFound)
		return
	}
	if c.Query("v") != "" && c.Query("v") == s.views.hashes[p] {
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	}
	ct := mime.TypeByExtension(path.Ext(p))
	if ct == "" {
		ct = "application/octet-stream"
	}
	c.Data(http.StatusOK, ct, b)
}

// The outcomes as a code list: label "outcome" names an outcome (the repeated-request hint of the
// case page showed the raw code).
func init() {
	var l cases.CodeList
	for _, o := range cases.Outcomes {
		l = append(l, cases.Code{Code: o.Code, ZH: o.Label(), EN: o.EN})
	}
	codeLists["outcome"] = l
}
