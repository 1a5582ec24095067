package web

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	cases "foidesk/case"
	"foidesk/store"
)

const testPassword = "correct horse battery"

// office is a test deployment: the real router over SQLite with the staff of two agencies.
type office struct {
	t      *testing.T
	s      *Server
	db     *store.DB
	ctx    context.Context
	users  map[string]cases.User
	other  cases.Agency // a second agency
	tokens map[string]string
}

func newOffice(t *testing.T) *office {
	return newOfficeAt(t, time.Date(2026, 11, 3, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)))
}

func newOfficeAt(t *testing.T, now time.Time) *office {
	t.Helper()
	s, db := newTestServerAt(t, now)
	o := &office{t: t, s: s, db: db, ctx: context.Background(), users: map[string]cases.User{}, tokens: map[string]string{}}
	var err error
	if o.other, err = db.CreateAgency(o.ctx, "dept", "区住房和城乡建设局", cases.Settings{TrackingPrefix: "ZJ"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		name, roles string
		agency      int64
	}{{"clerk1", "clerk", 0}, {"clerk2", "clerk", 0}, {"sup1", "supervisor", 0}, {"admin1", "admin", 0}, {"clerkb", "clerk", o.other.ID}} {
		rs, _ := store.ParseRoles(u.roles)
		user, err := db.CreateUser(o.ctx, u.name, testPassword, rs, u.agency, u.name)
		if err != nil {
			t.Fatal(err)
		}
		if u.roles == "admin" { // the deployment's administrator (user add --all-agencies)
			yes := true
			if user, err = db.UpdateUser(o.ctx, user.ID, cases.UserPatch{AllAgencies: &yes}); err != nil {
				t.Fatal(err)
			}
		}
		o.users[u.name] = user
		tok, err := db.CreateToken(o.ctx, user.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		o.tokens[u.name] = tok
	}
	return o
}

func (o *office) actor(name string) cases.Actor {
	u, err := o.db.UserByName(o.ctx, name)
	if err != nil {
		o.t.Fatal(err)
	}
	return u.Actor()
}

// paper returns a valid application received on paper.
func paperApp(received string) cases.Application {
	return cases.Application{
		Applicant:   cases.Applicant{Kind: cases.KindPerson, Name: "张三", IDType: cases.IDResident, IDNumber: "11010519491231002X", Phone: "13800138000", Email: "zhangsan@example.cn"},
		Description: "请公开2025年本区老旧小区改造项目的资金使用情况。",
		Delivery:    cases.DeliveryEmail, Carrier: "electronic", Channel: cases.ChannelInPerson, ReceivedOn: cases.MustDate(received),
	}
}

// register stores a paper application received on day as clerk1.
func (o *office) register(received string) *cases.Case {
	o.t.Helper()
	c, err := o.db.RegisterPaper(o.ctx, paperApp(received), o.actor("clerk1"))
	if err != nil {
		o.t.Fatal(err)
	}
	return o.load(c.ID)
}

// fire fires an event directly through the store.
func (o *office) fire(id int64, who, event string, payload any) *cases.Case {
	o.t.Helper()
	b, _ := json.Marshal(payload)
	c, err := o.db.TransitionCase(o.ctx, id, cases.EventRequest{Event: cases.EventName(event), Payload: b}, o.actor(who), o.db.Now())
	if err != nil {
		o.t.Fatalf("%s by %s: %v", event, who, err)
	}
	return c
}

func (o *office) load(id int64) *cases.Case {
	o.t.Helper()
	c, err := o.db.Case(o.ctx, id)
	if err != nil {
		o.t.Fatal(err)
	}
	return c
}

// browser is a cookie-keeping client of the router.
type browser struct {
	o       *office
	cookies map[string]*http.Cookie
	header  http.Header
	addr    string // the client's address (RemoteAddr host), httptest's 192.0.2.1 when empty
}

func (o *office) browser() *browser {
	return &browser{o: o, cookies: map[string]*http.Cookie{}, header: http.Header{}}
}

// as returns a browser signed in as name.
func (o *office) as(name string) *browser {
	o.t.Helper()
	b := o.browser()
	w := b.post("/login", url.Values{"username": {name}, "password": {testPassword}})
	if w.Code != http.StatusSeeOther {
		o.t.Fatalf("login %s: %d %s", name, w.Code, w.Body.String())
	}
	return b
}

func (b *browser) do(method, path string, body io.Reader, ctype string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if b.addr != "" {
		req.RemoteAddr = b.addr + ":40000"
	}
	for k, v := range b.header {
		req.Header[k] = v
	}
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	w := httptest.NewRecorder()
	b.o.s.ServeHTTP(w, req)
	for _, c := range w.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	return w
}

func (b *browser) get(path string) *httptest.ResponseRecorder { return b.do("GET", path, nil, "") }

func (b *browser) post(path string, form url.Values) *httptest.ResponseRecorder {
	return b.do("POST", path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
}

// api calls the JSON API with a bearer token (none for "").
func (o *office) api(who, method, path string, body any) *httptest.ResponseRecorder {
	var r io.Reader
	if body != nil {
		switch v := body.(type) {
		case string:
			r = strings.NewReader(v)
		default:
			bs, _ := json.Marshal(v)
			r = strings.NewReader(string(bs))
		}
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+o.tokens[who])
	}
	w := httptest.NewRecorder()
	o.s.ServeHTTP(w, req)
	return w
}

var tagRE = regexp.MustCompile(`<[^>]+>`)

// text is the visible text of an HTML body, whitespace collapsed.
func pageText(body string) string {
	return strings.Join(strings.Fields(tagRE.ReplaceAllString(body, " ")), " ")
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

func sanitize(p string) string {
	return strings.NewReplacer("/", "_", "?", "_", "=", "_", "&", "_").Replace(p)
}

var tlsState tls.ConnectionState

func newFormRequest(path string, form url.Values) *http.Request {
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func serve(s *Server, req *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	return w
}
