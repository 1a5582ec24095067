// Package demo fills a foidesk database with realistic demo data: the settings of a fictional
// agency (清溪区人民政府), the demo accounts and applications received over the two years up to a
// day, in every state and with every outcome. Each case is driven through the real workflow at
// past instants (store.DB.Now is moved back while it runs), so histories, deadlines, lapses,
// extensions, consultations, fees, letters and their numbers are real. The same seed and day give
// the same data.
//
// The command `foidesk demo` and `foidesk serve --demo` call Fill; tests use it to get a database
// with every kind of case.
package demo

import (
	"container/heap"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	cases "foidesk/case"
	"foidesk/store"
	"foidesk/workflow"
)

const (
	// DefaultCases is the number of applications `foidesk demo` and `serve --demo` write.
	DefaultCases = 240
	// Password is the password of every demo account.
	Password = "Foidesk-demo-2026" // meets the password policy (cases.ValidatePassword)
)

// Login is one demo account.
type Login struct{ User, Display, Role string }

func (l Login) String() string {
	return fmt.Sprintf("login: %s / %s (%s)", l.User, Password, l.Role)
}

// Logins are the demo accounts, one per role (two clerks).
func Logins() []Login {
	return []Login{
		{"clerk1", "李静", cases.RoleClerk},
		{"clerk2", "王磊", cases.RoleClerk},
		{"supervisor", "赵建国", cases.RoleSupervisor},
		{"admin", "系统管理员", cases.RoleAdmin},
	}
}

// Config says what Fill writes.
type Config struct {
	Cases int
	Seed  int64
	Today cases.Date // the last day of the data; zero: today
	Log   *slog.Logger
}

// Result is what Fill wrote: the accounts, the number of cases and a sample for the tracking page.
type Result struct {
	Logins         []Login
	Cases          int
	SampleTracking string // an online application still open, for the tracking page
	SampleCode     string
}

// Fill writes the demo agency settings, accounts and cases into db (whose Renderer should be
// set, so that letters and their numbers are real).
func Fill(ctx context.Context, db *store.DB, cfg Config) (*Result, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	realNow := db.Now
	defer func() { db.Now = realNow }()

	ag, err := db.AgencyByCode(ctx, "")
	if err != nil {
		return nil, err
	}
	if ag.Code == "default" && ag.Name == "政府信息公开办公室" {
		ag.Name, ag.Settings = "清溪区人民政府", demoSettings(ag.Settings)
		if err := db.UpdateAgency(ctx, ag); err != nil {
			return nil, err
		}
	}
	loc, err := time.LoadLocation(ag.Settings.TimeZone)
	if err != nil {
		return nil, err
	}
	limit := realNow()
	today := cfg.Today
	if today.IsZero() {
		today = store.Today(ag, limit)
	} else {
		limit = time.Date(today.Year(), today.Month(), today.Day(), 17, 30, 0, 0, loc)
	}

	g := &demoGen{db: db, cal: db.Calendar(), loc: loc, today: today, limit: limit, seed: cfg.Seed, agency: ag}
	res := &Result{Logins: Logins()}
	// Accounts exist before the first case: created at the start of the period.
	db.Now = g.now // the simulation's clock, moved by setNow (and read by the letter renderer)
	g.setNow(time.Date(today.Year()-3, today.Month(), 1, 9, 0, 0, 0, loc))
	for _, l := range res.Logins {
		u, err := db.CreateUser(ctx, l.User, Password, []string{l.Role}, ag.ID, l.Display)
		if cases.ErrorCode(err) == cases.ECONFLICT {
			u, err = db.UserByName(ctx, l.User)
		}
		if err != nil {
			return nil, fmt.Errorf("demo account %s: %w", l.User, err)
		}
		if l.Role == cases.RoleAdmin && !u.AllAgencies { // the demo's admin runs the deployment
			yes := true
			if u, err = db.UpdateUser(ctx, u.ID, cases.UserPatch{AllAgencies: &yes}); err != nil {
				return nil, fmt.Errorf("demo account %s: %w", l.User, err)
			}
		}
		switch l.User {
		case "clerk1", "clerk2":
			g.clerks = append(g.clerks, u.Actor())
		case "supervisor":
			g.supervisor = u.Actor()
		}
	}

	real := cfg.Cases
	if real > RealCases { // a province: three years, copies beyond the real cases (bulk.go)
		real, g.span, g.uniform = RealCases, 3*365, true
	}
	g.plan(real)
	if err := g.run(ctx, cfg.Log); err != nil {
		return nil, err
	}
	for _, dc := range g.cases {
		if dc.c != nil {
			res.Cases++
		}
	}
	if cfg.Cases > real {
		if err := g.bulk(ctx, cfg.Cases-real, cfg.Log); err != nil {
			return nil, err
		}
		res.Cases += cfg.Cases - real
	}
	// The most recent online application still open is the sample for the tracking page.
	var sample *demoCase
	for _, dc := range g.cases {
		if dc.c != nil && dc.code != "" && cases.IsOpen(dc.c.State) && (sample == nil || dc.c.CreatedAt.After(sample.c.CreatedAt)) {
			sample = dc
		}
	}
	if sample != nil {
		res.SampleTracking, res.SampleCode = sample.c.TrackingNo, sample.code
	}
	return res, nil
}

// demoSettings are the settings of the fictional 清溪区人民政府.
func demoSettings(s cases.Settings) cases.Settings {
	s.TrackingPrefix = "QX"
	s.LetterPrefixes = map[string]string{
		cases.DocReceipt:            "清政公开登",
		cases.DocCorrectionNotice:   "清政公开补",
		cases.DocExtensionNotice:    "清政公开延",
		cases.DocConsultationLetter: "清政公开征",
		cases.DocConsultationNotice: "清政公开征告",
		cases.DocFeeNotice:          "清政公开费",
		cases.DocObjectionOverride:  "清政公开告",
		cases.DocReplyPeriodNotice:  "清政公开期",
		cases.DocReasonsNotice:      "清政公开理",
		cases.DocTerminationNotice:  "清政公开终",
		cases.DocReply:              "清政公开",
	}
	s.ReconsiderationBody = "江州市人民政府"
	s.Court = "江州市中级人民法院"
	s.Address = "江州市清溪区清溪大道88号区政务服务中心三楼政府信息公开受理窗口"
	s.Postcode = "416000"
	s.Phone = "0736-7221000"
	s.Email = "xxgk@qingxi.example.com"
	s.SealText = "清溪区人民政府"
	s.PaymentInstructions = "请持本通知书到清溪区政务服务中心一楼财政非税收入窗口缴纳，或扫描通知书所附非税收入缴款码缴纳。"
	return s
}

// demoGen drives the demo cases through the store in the order of time.
type demoGen struct {
	db         *store.DB
	cal        *workflow.Calendar
	loc        *time.Location
	today      cases.Date
	limit      time.Time // nothing happens after this instant
	seed       int64
	agency     cases.Agency
	clerks     []cases.Actor
	supervisor cases.Actor
	cases      []*demoCase
	applicants []cases.Applicant
	span       int  // days back from today in which applications arrive (0: two years)
	uniform    bool // arrivals spread evenly, with a fuller last six weeks (see randomScenario)
	clock      atomic.Pointer[time.Time]
}

// now is the simulation's clock (db.Now while Fill runs): the instant of the step being done. It
// is read by the letter renderer's goroutine too, hence atomic.
func (g *demoGen) now() time.Time { return *g.clock.Load() }

func (g *demoGen) setNow(t time.Time) { g.clock.Store(&t) }

// scenario is what happens to one case.
type scenario struct {
	created     cases.Date // the day of submission or receipt
	channel     string
	discard     string // "clerk" or "applicant": discarded before registration
	correction  string // "", "corrected" or "lapsed"
	consult     string // "", "agree", "object" or "silence"
	consultKind string // third_party or agency
	fee         string // "", "paid" or "lapsed"
	extend      bool
	returned    bool
	late        bool // the reply is drafted after the deadline
	skipAccept  bool // drafted straight from registered
	acceptBySup bool // the supervisor accepts and assigns
	outcome     string
	archive     bool
	remedy      string // a remedy kind, or ""
	remedyRes   string
	reopen      bool
	outcome2    string // the outcome of the handling after a reopen
	stopAfter   string // the case stops after this step (open states)
	quick       bool   // one working day between steps
}

// demoCase is one case being generated.
type demoCase struct {
	idx    int
	sc     scenario
	r      *rand.Rand
	app    cases.Application
	clerk  cases.Actor
	c      *cases.Case
	code   string
	steps  []demoStep
	next   int
	last   cases.Date // day of the last step done
	lastAt time.Time
	// remedy dates, fixed when the remedy step is scheduled
	filedOn, decidedOn cases.Date
	remedyPending      bool
	deliveredOn        cases.Date
}

// demoStep is one action of a case: when returns its day (ok false skips it), sys marks a step
// of the nightly sweep, anytime one an applicant may take at any hour.
type demoStep struct {
	name string
	when func(g *demoGen, dc *demoCase) (day cases.Date, kind stepKind, ok bool)
	do   func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error
}

type stepKind int

const (
	office  stepKind = iota // staff, office hours of a working day
	nightly                 // the system sweep, just after midnight
	anytime                 // an applicant, any hour
)

func (g *demoGen) rng(idx int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(g.seed), uint64(idx)*0x9e3779b97f4a7c15+1))
}

// Working-day helpers on the store's calendar.
func (g *demoGen) addWD(d cases.Date, n int) cases.Date { return g.cal.AddWorkdays(d, n) }

func (g *demoGen) nextWD(d cases.Date) cases.Date {
	for !g.cal.IsWorkday(d) {
		d = d.AddDays(1)
	}
	return d
}

func (g *demoGen) subWD(d cases.Date, n int) cases.Date {
	for k := 0; k < n; {
		d = d.AddDays(-1)
		if g.cal.IsWorkday(d) {
			k++
		}
	}
	return d
}

func maxDate(a, b cases.Date) cases.Date {
	if a.After(b) {
		return a
	}
	return b
}

// off is a random number of working days in [a, b], or 1 for a quick case.
func (dc *demoCase) off(a, b int) int {
	if dc.sc.quick {
		return 1
	}
	return a + dc.r.IntN(b-a+1)
}

// coverage lists the scenarios every demo database holds first, so that even a small one shows
// every state and every outcome: the 21 outcomes (concluded, many archived), then the open
// states, then a few more features.
func (g *demoGen) coverage() []scenario {
	old := func(r *rand.Rand, minDays, maxDays int) cases.Date {
		return g.nextWD(g.today.AddDays(-(minDays + r.IntN(maxDays-minDays+1))))
	}
	r := g.rng(-1)
	recent := func(wd int) cases.Date { return g.subWD(g.today, wd) }
	paper := cases.ChannelInPerson
	return []scenario{
		{created: old(r, 400, 700), channel: cases.ChannelOnline, outcome: "disclose", extend: true, consult: "silence", consultKind: "agency", archive: true},
		{created: old(r, 150, 600), channel: cases.ChannelPostRegistered, outcome: "partial", returned: true, consult: "agree", consultKind: "third_party", fee: "paid", archive: true},
		{created: old(r, 150, 600), channel: paper, outcome: "withhold.state_secret", archive: true},
		{created: old(r, 150, 600), channel: cases.ChannelOnline, outcome: "withhold.law_prohibited", archive: true},
		{created: old(r, 150, 600), channel: cases.ChannelPostOrdinary, outcome: "withhold.security_stability", archive: true},
		{created: old(r, 150, 600), channel: cases.ChannelOnline, outcome: "withhold.third_party", consult: "object", consultKind: "third_party", archive: true},
		{created: old(r, 400, 650), channel: cases.ChannelEmail, outcome: "withhold.internal_affairs", archive: true, remedy: "reconsideration", remedyRes: "upheld"},
		{created: old(r, 150, 600), channel: cases.ChannelOnline, outcome: "withhold.process_info", archive: true},
		{created: old(r, 150, 600), channel: paper, outcome: "withhold.enforcement_file", archive: true},
		{created: old(r, 150, 600), channel: cases.ChannelOnline, outcome: "withhold.admin_query", archive: true},
		{created: old(r, 450, 650), channel: cases.ChannelOnline, outcome: "unavailable.not_held", archive: true, remedy: "reconsideration", remedyRes: "corrected", reopen: true, outcome2: "disclose"},
		{created: old(r, 150, 600), channel: cases.ChannelFax, outcome: "unavailable.needs_creation", archive: true},
		{created: old(r, 150, 600), channel: cases.ChannelOral, outcome: "unavailable.unclear", correction: "corrected", archive: true},
		{created: old(r, 150, 600), channel: cases.ChannelPostRegistered, outcome: "rejected.petition", archive: true},
		{created: old(r, 400, 650), channel: cases.ChannelOnline, outcome: "rejected.duplicate", archive: true, remedy: "litigation_direct", remedyRes: "other"},
		{created: old(r, 60, 300), channel: cases.ChannelOnline, outcome: "rejected.publication"},
		{created: old(r, 150, 600), channel: cases.ChannelOnline, outcome: "rejected.excessive", archive: true},
		{created: old(r, 150, 600), channel: cases.ChannelEmail, outcome: "rejected.confirmation", archive: true},
		{created: old(r, 150, 600), channel: cases.ChannelOnline, outcome: cases.OutcomeCorrectionLapsed, correction: "lapsed", archive: true},
		{created: old(r, 150, 600), channel: cases.ChannelOnline, outcome: cases.OutcomeFeeLapsed, fee: "lapsed"},
		{created: old(r, 60, 300), channel: paper, outcome: cases.OutcomeOther},
		// open states
		{created: g.today.AddDays(-1), channel: cases.ChannelOnline, stopAfter: "create", outcome: "disclose"},
		{created: recent(2), channel: cases.ChannelPostRegistered, stopAfter: "create", outcome: "disclose", quick: true},
		{created: recent(4), channel: paper, stopAfter: "request_correction", correction: "corrected", outcome: "disclose", quick: true},
		{created: recent(30), channel: cases.ChannelOnline, stopAfter: "accept", outcome: "disclose", quick: true},
		{created: recent(5), channel: paper, stopAfter: "consult", consult: "agree", consultKind: "third_party", outcome: "disclose", quick: true},
		{created: recent(5), channel: cases.ChannelOnline, stopAfter: "request_fee", fee: "paid", outcome: "disclose", quick: true},
		{created: recent(5), channel: cases.ChannelOnline, stopAfter: "draft_reply", outcome: "unavailable.not_held", quick: true},
		{created: old(r, 30, 600), channel: cases.ChannelOnline, discard: "clerk"},
		// more features
		{created: old(r, 300, 600), channel: cases.ChannelInPerson, outcome: "unavailable.not_held", archive: true, remedy: "reconsideration", remedyRes: "upheld"},
		{created: old(r, 10, 600), channel: cases.ChannelOnline, discard: "applicant"},
		{created: recent(8), channel: cases.ChannelPostOrdinary, stopAfter: "accept", outcome: "disclose", quick: true},
	}
}

// weighted outcomes of the other cases (per thousand).
var demoOutcomeWeights = []struct {
	code string
	w    int
}{
	{"disclose", 300}, {"partial", 100}, {"withhold.state_secret", 6}, {"withhold.law_prohibited", 8},
	{"withhold.security_stability", 6}, {"withhold.third_party", 20}, {"withhold.internal_affairs", 20},
	{"withhold.process_info", 40}, {"withhold.enforcement_file", 20}, {"withhold.admin_query", 30},
	{"unavailable.not_held", 180}, {"unavailable.needs_creation", 50}, {"unavailable.unclear", 10},
	{"rejected.petition", 40}, {"rejected.duplicate", 20}, {"rejected.publication", 10}, {"rejected.excessive", 6},
	{"rejected.confirmation", 14}, {cases.OutcomeCorrectionLapsed, 30}, {cases.OutcomeFeeLapsed, 10},
	{cases.OutcomeOther, 40}, {"discard", 40},
}

var demoChannelWeights = []struct {
	code string
	w    int
}{
	{cases.ChannelOnline, 55}, {cases.ChannelInPerson, 12}, {cases.ChannelPostRegistered, 12}, {cases.ChannelPostOrdinary, 6},
	{cases.ChannelEmail, 8}, {cases.ChannelFax, 2}, {cases.ChannelOral, 5},
}

func weighted[T any](r *rand.Rand, items []T, weight func(T) int) T {
	total := 0
	for _, it := range items {
		total += weight(it)
	}
	n := r.IntN(total)
	for _, it := range items {
		if n -= weight(it); n < 0 {
			return it
		}
	}
	return items[len(items)-1]
}

// randomScenario is a case received on a random day of the two years, its outcome and features
// drawn with realistic frequencies.
func (g *demoGen) randomScenario(r *rand.Rand) scenario {
	var s scenario
	// A fifth of the applications arrived in the last six weeks: the open queue of a busy office.
	span := g.span
	if span == 0 {
		span = 730
	}
	// A province's three years (uniform) also end with a fuller queue: 3 in 100 arrive in the last
	// six weeks, which brings the open share to about 5 % (docs/performance.md).
	if !g.uniform && r.IntN(5) == 0 || g.uniform && r.IntN(100) < 3 {
		s.created = g.today.AddDays(-(1 + r.IntN(42)))
	} else {
		s.created = g.today.AddDays(-(1 + r.IntN(span-1)))
	}
	s.channel = weighted(r, demoChannelWeights, func(c struct {
		code string
		w    int
	}) int {
		return c.w
	}).code
	o := weighted(r, demoOutcomeWeights, func(c struct {
		code string
		w    int
	}) int {
		return c.w
	}).code
	if o == "discard" {
		s.channel = cases.ChannelOnline
		s.discard = pick(r, []string{"clerk", "clerk", "applicant"})
		return s
	}
	s.outcome = o
	switch o {
	case "unavailable.unclear":
		s.correction = "corrected"
	case cases.OutcomeCorrectionLapsed:
		s.correction = "lapsed"
	case cases.OutcomeFeeLapsed:
		s.fee = "lapsed"
	case "withhold.third_party":
		s.consult, s.consultKind = "object", "third_party"
	}
	if s.correction == "" && r.IntN(100) < 8 {
		s.correction = "corrected"
	}
	if (o == "disclose" || o == "partial") && s.consult == "" && r.IntN(100) < 12 {
		s.consultKind = pick(r, []string{"third_party", "third_party", "agency"})
		s.consult = pick(r, []string{"agree", "agree", "agree", "silence"})
		if o == "partial" && s.consultKind == "third_party" && r.IntN(2) == 0 {
			s.consult = "object"
		}
	}
	if (o == "disclose" || o == "partial") && s.fee == "" && r.IntN(100) < 5 {
		s.fee = "paid"
	}
	s.extend = r.IntN(100) < 10
	s.returned = r.IntN(100) < 8
	s.late = r.IntN(100) < 4
	s.skipAccept = r.IntN(100) < 10 && s.consult == "" && s.fee == ""
	s.acceptBySup = r.IntN(100) < 20
	s.archive = r.IntN(100) < 75
	if o, ok := cases.FindOutcome(o); ok && o.Decision && r.IntN(100) < 6 {
		kinds := []string{"reconsideration", "reconsideration", "litigation_direct"}
		if o.RemedyFirst() {
			kinds = []string{"reconsideration"}
		}
		s.remedy = pick(r, kinds)
		s.remedyRes = pick(r, []string{"upheld", "upheld", "upheld", "corrected", "other"})
		if s.remedyRes == "corrected" {
			s.reopen = r.IntN(10) < 7
			s.outcome2 = pick(r, []string{"disclose", "partial", "unavailable.not_held"})
		}
	}
	// Recent cases sometimes stall: open and, when old enough, overdue.
	if g.today.Sub(s.created) < 90 && r.IntN(100) < 6 {
		s.stopAfter = "accept"
		s.skipAccept = false
	}
	return s
}

// plan builds n cases: the coverage scenarios first, then random ones; each with its applicant,
// application and steps.
func (g *demoGen) plan(n int) {
	pr := g.rng(-2)
	pool := max(n*3/4, 1)
	for range pool {
		g.applicants = append(g.applicants, demoApplicant(pr, g.today))
	}
	cov := g.coverage()
	for i := range n {
		r := g.rng(i)
		var s scenario
		if i < len(cov) {
			s = cov[i]
		} else {
			s = g.randomScenario(r)
		}
		if s.channel != cases.ChannelOnline {
			s.created = g.nextWD(s.created)
			if !s.created.Before(g.today) {
				s.created = g.subWD(g.today, 1)
			}
		}
		dc := &demoCase{idx: i, sc: s, r: r, clerk: g.clerks[r.IntN(len(g.clerks))]}
		dc.app = g.application(dc)
		dc.steps = g.steps(dc)
		g.cases = append(g.cases, dc)
	}
}

// application builds what the applicant submitted.
func (g *demoGen) application(dc *demoCase) cases.Application {
	r, s := dc.r, dc.sc
	a := g.applicants[r.IntN(len(g.applicants))]
	year := s.created.Year() - 1 - r.IntN(3)
	outcome := s.outcome
	if outcome == "" || outcome == cases.OutcomeOther || outcome == cases.OutcomeFeeLapsed {
		outcome = "disclose"
	}
	app := cases.Application{Applicant: a, Description: demoDescription(r, outcome, year), Purpose: pick(r, demoPurposes), Channel: s.channel}
	var ways []string
	switch s.channel {
	case cases.ChannelOnline:
		ways = []string{cases.DeliveryEmail, cases.DeliveryEmail, cases.DeliveryOnline, cases.DeliveryOnline, cases.DeliveryPost, cases.DeliveryPickup}
	case cases.ChannelEmail:
		ways = []string{cases.DeliveryEmail}
	case cases.ChannelFax:
		ways = []string{cases.DeliveryFax, cases.DeliveryPost}
	default:
		ways = []string{cases.DeliveryPost, cases.DeliveryPost, cases.DeliveryPickup, cases.DeliveryPickup, cases.DeliveryEmail, cases.DeliveryOnsite}
	}
	app.Delivery = pick(r, ways)
	app.Carrier = "paper"
	if app.Delivery == cases.DeliveryEmail || app.Delivery == cases.DeliveryOnline || (app.Delivery == cases.DeliveryPickup && r.IntN(3) == 0) {
		app.Carrier = "electronic"
	}
	p := &app.Applicant
	if app.Delivery == cases.DeliveryEmail || s.channel == cases.ChannelEmail || r.IntN(3) == 0 {
		p.Email = fmt.Sprintf("qx%06d@example.com", r.IntN(1000000))
	}
	if app.Delivery == cases.DeliveryPost || r.IntN(4) == 0 {
		p.Address, p.Postcode = demoAddress(r), fmt.Sprintf("4160%02d", r.IntN(40))
	}
	if app.Delivery == cases.DeliveryFax || s.channel == cases.ChannelFax {
		p.Fax = demoLandline(r)
	}
	return app
}

// instant is the moment of a step on day.
func (g *demoGen) instant(r *rand.Rand, day cases.Date, kind stepKind) time.Time {
	var h, m int
	switch kind {
	case nightly:
		h, m = 1, r.IntN(30)
	case anytime:
		h, m = 7+r.IntN(16), r.IntN(60)
	default:
		if r.IntN(2) == 0 {
			h, m = 9+r.IntN(3), r.IntN(60)
		} else {
			h, m = 14+r.IntN(3), r.IntN(60)
		}
	}
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, r.IntN(60), 0, g.loc)
}

// run executes every case's steps in the order of time, so that tracking and letter numbers
// follow the calendar. The letters are rendered meanwhile by the store's background renderer on
// the other cores (pprof of `foidesk demo --cases 100000`: rendering was 20 of 57 s of CPU, all in
// this loop); an archiving waits for its case's letters (the file must be complete), and the
// letters still pending at the end are rendered in parallel.
func (g *demoGen) run(ctx context.Context, log *slog.Logger) error {
	stop := g.db.StartLetterRenderer(ctx, nil)
	err := g.play(ctx, log)
	stop()
	if err != nil {
		return err
	}
	return g.renderPending(ctx)
}

// renderPending renders the letters still pending, one renderer per core (each claims its own).
func (g *demoGen) renderPending(ctx context.Context) error {
	n := runtime.GOMAXPROCS(0)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = g.db.RenderPendingLetters(ctx)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("demo letters: %w", err)
		}
	}
	return nil
}

// lettersOf makes sure the letters of a case are rendered: rendered now, or waited for when the
// background renderer has them in hand.
func (g *demoGen) lettersOf(ctx context.Context, dc *demoCase) error {
	ds, err := g.db.Documents(ctx, dc.c.ID)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if d.Size == 0 && d.SHA256 == "" {
			if _, err := g.db.Document(ctx, dc.c.ID, d.ID); err != nil {
				return fmt.Errorf("letter %s: %w", d.Number, err)
			}
		}
	}
	return nil
}

// play does the steps of the cases in the order of time.
func (g *demoGen) play(ctx context.Context, log *slog.Logger) error {
	q := &demoQueue{}
	for _, dc := range g.cases {
		if it, ok := g.schedule(dc); ok {
			heap.Push(q, it)
		}
	}
	done := 0
	for q.Len() > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		it := heap.Pop(q).(demoItem)
		dc := it.dc
		st := dc.steps[dc.next]
		g.setNow(it.at)
		if err := st.do(ctx, g, dc, it.day); err != nil {
			tn := ""
			if dc.c != nil {
				tn = dc.c.TrackingNo
			}
			return fmt.Errorf("demo case %d %s, step %s on %s: %w", dc.idx, tn, st.name, it.day, err)
		}
		dc.last, dc.lastAt = it.day, it.at
		dc.next++
		done++
		if done%500 == 0 {
			log.Info("demo progress", "steps", done, "at", it.day.String())
		}
		if it, ok := g.schedule(dc); ok {
			heap.Push(q, it)
		}
	}
	return nil
}

// schedule finds the next step of dc that happens, and when; false when the case is done (or its
// next step lies after the end of the data).
func (g *demoGen) schedule(dc *demoCase) (demoItem, bool) {
	for dc.next < len(dc.steps) {
		st := dc.steps[dc.next]
		day, kind, ok := st.when(g, dc)
		if !ok {
			dc.next++
			continue
		}
		at := g.instant(dc.r, day, kind)
		if !dc.lastAt.IsZero() && !at.After(dc.lastAt) {
			at = dc.lastAt.Add(time.Duration(7+dc.r.IntN(40)) * time.Minute)
		}
		if at.After(g.limit) {
			return demoItem{}, false
		}
		return demoItem{at: at, day: day, dc: dc}, true
	}
	return demoItem{}, false
}

type demoItem struct {
	at  time.Time
	day cases.Date
	dc  *demoCase
}

type demoQueue []demoItem

func (q demoQueue) Len() int { return len(q) }
func (q demoQueue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].dc.idx < q[j].dc.idx
}
func (q demoQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *demoQueue) Push(x any)   { *q = append(*q, x.(demoItem)) }
func (q *demoQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

// fire applies an event to the case as actor.
// beforeDraft does what the drafting guards ask before a draft (docs/design.md): the Art. 35
// reasons asked (and given) before rejected.excessive; the earlier concluded case of the same
// applicant named for rejected.duplicate — without one, the request is treated as a petition.
func (g *demoGen) beforeDraft(ctx context.Context, dc *demoCase, p map[string]any) error {
	switch p["outcome"] {
	case "rejected.excessive":
		if !dc.c.Clock.ReasonsOn.IsZero() {
			return nil
		}
		if err := g.fire(ctx, dc, dc.clerk, cases.EventAskReasons, map[string]any{"text": "您近期提出的政府信息公开申请数量、频次明显超过合理范围"}); err != nil {
			return err
		}
		return g.fire(ctx, dc, dc.clerk, cases.EventReasonsReceived, map[string]any{"text": "申请人称系个人研究需要，未说明具体理由", "received_on": dc.c.Clock.ReasonsOn})
	case "rejected.duplicate":
		cs, _, err := g.db.FindCases(ctx, cases.CaseFilter{AgencyIDs: []int64{dc.c.AgencyID}, Q: dc.c.Applicant.IDNumber, Limit: 50})
		if err != nil {
			return err
		}
		for _, e := range cs {
			if e.ID != dc.c.ID && e.LetterNo != "" && !e.ConcludedOn.IsZero() && e.Applicant.IDType == dc.c.Applicant.IDType && e.Applicant.IDNumber == dc.c.Applicant.IDNumber {
				p["duplicate_of"] = e.TrackingNo
				return nil
			}
		}
		p["outcome"] = "rejected.petition"
	}
	return nil
}

func (g *demoGen) fire(ctx context.Context, dc *demoCase, actor cases.Actor, event cases.EventName, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	if payload == nil {
		b = []byte("{}")
	}
	c, err := g.db.TransitionCase(ctx, dc.c.ID, cases.EventRequest{Event: event, Payload: b}, actor, g.db.Now())
	if err != nil {
		return fmt.Errorf("%s: %s", event, describe(err))
	}
	dc.c = c
	return nil
}

var demoApplicantActor = cases.Actor{Kind: cases.ActorApplicant, Name: "applicant"}

// Step constructors.

func after(name string, days func(dc *demoCase) int, kind stepKind, do func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error) demoStep {
	return demoStep{name: name, do: do, when: func(g *demoGen, dc *demoCase) (cases.Date, stepKind, bool) {
		return g.addWD(dc.last, days(dc)), kind, true
	}}
}

func (g *demoGen) clerkEvent(name cases.EventName, days func(dc *demoCase) int, payload func(dc *demoCase, day cases.Date) any) demoStep {
	return after(string(name), days, office, func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
		return g.fire(ctx, dc, dc.clerk, name, payload(dc, day))
	})
}

func (g *demoGen) supEvent(name cases.EventName, days func(dc *demoCase) int, payload func(dc *demoCase, day cases.Date) any) demoStep {
	return after(string(name), days, office, func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
		return g.fire(ctx, dc, g.supervisor, name, payload(dc, day))
	})
}

// systemAfter is a lapse fired by the nightly sweep on the day after due(dc).
func (g *demoGen) systemAfter(name cases.EventName, due func(dc *demoCase) cases.Date) demoStep {
	return demoStep{name: string(name),
		when: func(g *demoGen, dc *demoCase) (cases.Date, stepKind, bool) { return due(dc).AddDays(1), nightly, true },
		do: func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
			return g.fire(ctx, dc, cases.SystemActor, name, nil)
		}}
}

func between(a, b int) func(dc *demoCase) int { return func(dc *demoCase) int { return dc.off(a, b) } }

func noPayload(*demoCase, cases.Date) any { return nil }

// steps writes the script of a case.
func (g *demoGen) steps(dc *demoCase) []demoStep {
	s := dc.sc
	var out []demoStep
	add := func(st ...demoStep) { out = append(out, st...) }

	// Creation: an online submission (not yet received, Art. 31), or a paper application
	// registered with its receipt date.
	if s.channel == cases.ChannelOnline {
		add(demoStep{name: "create",
			when: func(g *demoGen, dc *demoCase) (cases.Date, stepKind, bool) { return s.created, anytime, true },
			do: func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
				c, code, err := g.db.CreateApplication(ctx, dc.app)
				if err != nil {
					return fmt.Errorf("create: %s", describe(err))
				}
				dc.c, dc.code = c, code
				return nil
			}})
		switch s.discard {
		case "clerk":
			add(g.clerkEvent(cases.EventDiscard, between(1, 1), func(dc *demoCase, _ cases.Date) any {
				return map[string]any{"reason": pick(dc.r, demoDiscardReasons)}
			}))
			return out
		case "applicant":
			add(demoStep{name: "withdraw",
				when: func(g *demoGen, dc *demoCase) (cases.Date, stepKind, bool) { return dc.last, anytime, true },
				do: func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
					return g.fire(ctx, dc, demoApplicantActor, cases.EventWithdraw, map[string]any{"reason": "填写有误，撤回后重新提交"})
				}})
			return out
		}
		if s.stopAfter != "create" {
			add(demoStep{name: "register",
				when: func(g *demoGen, dc *demoCase) (cases.Date, stepKind, bool) {
					return g.addWD(dc.last, dc.off(1, 2)), office, true
				},
				do: func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
					return g.fire(ctx, dc, dc.clerk, cases.EventRegister, nil)
				}})
		}
	} else {
		add(demoStep{name: "create",
			when: func(g *demoGen, dc *demoCase) (cases.Date, stepKind, bool) { return s.created, office, true },
			do: func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
				app := dc.app
				app.ReceivedOn = day
				c, err := g.db.RegisterPaper(ctx, app, dc.clerk)
				if err != nil {
					return fmt.Errorf("register paper: %s", describe(err))
				}
				dc.c = c
				return nil
			}})
	}

	// Art. 30: a correction notice within 7 working days, once.
	if s.correction != "" {
		add(demoStep{name: "request_correction",
			when: func(g *demoGen, dc *demoCase) (cases.Date, stepKind, bool) {
				d := g.addWD(dc.last, dc.off(1, 4))
				if d.After(dc.c.CorrectionNoticeBy) {
					d = maxDate(dc.last, dc.c.CorrectionNoticeBy)
				}
				return d, office, true
			},
			do: func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
				return g.fire(ctx, dc, dc.clerk, cases.EventRequestCorrection, map[string]any{"items": pick(dc.r, demoCorrectionItems)})
			}})
		if s.correction == "lapsed" {
			add(g.systemAfter(cases.EventCorrectionLapsed, func(dc *demoCase) cases.Date { return dc.c.CorrectionDue }))
			return g.finishClosed(dc, out)
		}
		add(demoStep{name: "submit_correction",
			when: func(g *demoGen, dc *demoCase) (cases.Date, stepKind, bool) {
				d := g.addWD(dc.last, dc.off(2, 10))
				if d.After(dc.c.CorrectionDue) {
					d = dc.c.CorrectionDue
				}
				return d, office, true
			},
			do: func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
				return g.fire(ctx, dc, dc.clerk, cases.EventSubmitCorrection, map[string]any{"received_on": day,
					"text": "申请人补正说明：所需信息为" + dc.app.Description})
			}})
	}

	if !s.skipAccept || s.stopAfter == "accept" {
		add(after("accept", between(1, 2), office, func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
			if s.acceptBySup {
				return g.fire(ctx, dc, g.supervisor, cases.EventAccept, map[string]any{"assignee": dc.clerk.Name})
			}
			return g.fire(ctx, dc, dc.clerk, cases.EventAccept, nil)
		}))
	}

	// Art. 32, 34: consultation; the clock pauses.
	if s.consult != "" {
		add(g.clerkEvent(cases.EventConsult, between(1, 4), func(dc *demoCase, _ cases.Date) any {
			p := map[string]any{"kind": s.consultKind}
			if s.consultKind == "agency" {
				p["name"] = pick(dc.r, demoAgencies)
			} else {
				p["name"], p["address"] = demoCompany(dc.r), demoAddress(dc.r)
			}
			return map[string]any{"parties": []any{p}}
		}))
		if s.consult == "silence" {
			add(g.systemAfter(cases.EventConsultationDone, func(dc *demoCase) cases.Date { return dc.c.ConsultationDue }))
		} else {
			add(demoStep{name: "consultation_done",
				when: func(g *demoGen, dc *demoCase) (cases.Date, stepKind, bool) {
					d := g.addWD(dc.last, dc.off(4, 13))
					if d.After(dc.c.ConsultationDue) {
						d = dc.c.ConsultationDue
					}
					return d, office, true
				},
				do: func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
					var answers []any
					for _, p := range dc.c.Parties {
						answers = append(answers, map[string]any{"name": p.Name, "answer": s.consult, "text": demoConsultTexts[s.consult]})
					}
					return g.fire(ctx, dc, dc.clerk, cases.EventConsultationDone, map[string]any{"answers": answers})
				}})
		}
	}

	// 国办函〔2020〕109号: a fee per page; the clock pauses until payment.
	if s.fee != "" {
		add(g.clerkEvent(cases.EventRequestFee, between(1, 3), func(dc *demoCase, _ cases.Date) any {
			return map[string]any{"basis": cases.FeePerPage, "pages": 40 + dc.r.IntN(220)}
		}))
		if s.fee == "lapsed" {
			add(g.systemAfter(cases.EventFeeLapsed, func(dc *demoCase) cases.Date { return dc.c.FeeDue }))
			return g.finishClosed(dc, out)
		}
		add(demoStep{name: "fee_paid",
			when: func(g *demoGen, dc *demoCase) (cases.Date, stepKind, bool) {
				d := g.addWD(dc.last, dc.off(2, 12))
				if d.After(dc.c.FeeDue) {
					d = dc.c.FeeDue
				}
				return d, office, true
			},
			do: func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
				return g.fire(ctx, dc, dc.clerk, cases.EventFeePaid, map[string]any{"paid_on": day})
			}})
	}

	// Art. 33: one extension, decided on or before the deadline.
	if s.extend {
		add(demoStep{name: "extend",
			when: func(g *demoGen, dc *demoCase) (cases.Date, stepKind, bool) {
				d := maxDate(dc.last, g.subWD(dc.c.ReplyDue, dc.off(1, 3)))
				return d, office, !d.After(dc.c.ReplyDue)
			},
			do: func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
				return g.fire(ctx, dc, g.supervisor, cases.EventExtend, map[string]any{"days": 10 + 5*dc.r.IntN(3), "reason": pick(dc.r, demoExtensionReasons)})
			}})
	}

	if s.outcome == cases.OutcomeOther {
		add(demoStep{name: "withdraw",
			when: func(g *demoGen, dc *demoCase) (cases.Date, stepKind, bool) {
				return g.addWD(dc.last, dc.off(1, 6)), office, true
			},
			do: func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
				actor := dc.clerk
				if dc.r.IntN(2) == 0 {
					actor = demoApplicantActor
				}
				return g.fire(ctx, dc, actor, cases.EventWithdraw, map[string]any{"reason": pick(dc.r, demoWithdrawReasons)})
			}})
		return g.finishClosed(dc, out)
	}

	out = append(out, g.reply(dc, s.outcome, s.late, s.returned)...)
	if s.archive {
		add(g.archiveStep())
	}
	if s.remedy != "" {
		add(g.remedyStep())
		if s.reopen && s.remedyRes == "corrected" {
			add(demoStep{name: "reopen",
				when: func(g *demoGen, dc *demoCase) (cases.Date, stepKind, bool) {
					return g.addWD(dc.last, dc.off(2, 5)), office, !dc.remedyPending
				},
				do: func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
					return g.fire(ctx, dc, g.supervisor, cases.EventReopen, map[string]any{"reason": "江州市人民政府行政复议决定撤销原答复，责令在法定期限内重新答复"})
				}})
			for _, st := range g.reply(dc, s.outcome2, false, false) {
				st := st
				when := st.when
				st.when = func(g *demoGen, dc *demoCase) (cases.Date, stepKind, bool) {
					if dc.remedyPending {
						return cases.Date{}, office, false
					}
					return when(g, dc)
				}
				add(st)
			}
			add(g.archiveStep())
		}
	}
	return g.cut(dc, out)
}

// cut ends the script after the step named by stopAfter.
func (g *demoGen) cut(dc *demoCase, out []demoStep) []demoStep {
	if dc.sc.stopAfter == "" {
		return out
	}
	for i, st := range out {
		if st.name == dc.sc.stopAfter {
			return out[:i+1]
		}
	}
	return out
}

func (g *demoGen) finishClosed(dc *demoCase, out []demoStep) []demoStep {
	if dc.sc.archive {
		out = append(out, g.archiveStep())
	}
	return g.cut(dc, out)
}

func (g *demoGen) archiveStep() demoStep {
	return demoStep{name: "archive",
		when: func(g *demoGen, dc *demoCase) (cases.Date, stepKind, bool) {
			return g.addWD(dc.last, dc.off(5, 25)), office, dc.c.State == cases.StateReplied || dc.c.State == cases.StateClosed
		},
		do: func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
			actor := dc.clerk
			if dc.r.IntN(3) == 0 {
				actor = g.supervisor
			}
			if err := g.lettersOf(ctx, dc); err != nil { // an archived file is complete
				return err
			}
			return g.fire(ctx, dc, actor, cases.EventArchive, nil)
		}}
}

// reply drafts, maybe returns and redrafts, approves and delivers a reply with outcome.
func (g *demoGen) reply(dc *demoCase, outcome string, late, returned bool) []demoStep {
	draft := func(dc *demoCase, _ cases.Date) any {
		p := map[string]any{"outcome": outcome, "reasons": demoReasons[outcome]}
		switch outcome {
		case "disclose":
			if dc.r.IntN(4) == 0 {
				p["reasons"] = "经查，您申请获取的政府信息已经主动公开，可在清溪区人民政府门户网站“政府信息公开”专栏查阅。"
				p["where_public"] = "清溪区人民政府门户网站“政府信息公开”专栏"
			}
		case "unavailable.not_held":
			if dc.r.IntN(3) == 0 {
				p["reasons"] = "经查，您申请获取的政府信息不属于本机关负责公开，该信息由江州市自然资源和规划局负责公开。"
				p["responsible_agency"] = "江州市自然资源和规划局（联系电话：0736-7220000）"
			}
		}
		return p
	}
	steps := []demoStep{{name: "draft_reply",
		when: func(g *demoGen, dc *demoCase) (cases.Date, stepKind, bool) {
			var d cases.Date
			switch {
			case dc.sc.quick:
				d = g.addWD(dc.last, 1)
			case late:
				d = g.addWD(dc.c.ReplyDue, 1+dc.r.IntN(3))
			default:
				d = g.subWD(dc.c.ReplyDue, 1+dc.r.IntN(6))
			}
			if !d.After(dc.last) {
				d = g.addWD(dc.last, 1)
			}
			return d, office, true
		},
		do: func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
			p := draft(dc, day)
			if err := g.beforeDraft(ctx, dc, p.(map[string]any)); err != nil {
				return err
			}
			return g.fire(ctx, dc, dc.clerk, cases.EventDraftReply, p)
		}}}
	if outcome == "rejected.excessive" {
		// Art. 35: 不予处理 only after the applicant was asked for the reasons (说明理由通知书)
		// and gave none that convinced the office.
		ask := demoStep{name: string(cases.EventAskReasons),
			when: func(g *demoGen, dc *demoCase) (cases.Date, stepKind, bool) { return g.addWD(dc.last, 1), office, true },
			do: func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
				return g.fire(ctx, dc, dc.clerk, cases.EventAskReasons, map[string]any{
					"text": "您本月向本机关提交的政府信息公开申请数量明显超过合理范围，请说明理由。"})
			}}
		steps = append([]demoStep{ask}, steps...)
	}
	if returned {
		steps = append(steps,
			g.supEvent(cases.EventReturn, between(1, 1), func(dc *demoCase, _ cases.Date) any {
				return map[string]any{"comment": pick(dc.r, demoReturnComments)}
			}),
			demoStep{name: "redraft",
				when: func(g *demoGen, dc *demoCase) (cases.Date, stepKind, bool) { return g.addWD(dc.last, 1), office, true },
				do: func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
					p := draft(dc, day)
					if err := g.beforeDraft(ctx, dc, p.(map[string]any)); err != nil {
						return err
					}
					return g.fire(ctx, dc, dc.clerk, cases.EventDraftReply, p)
				}})
	}
	steps = append(steps,
		demoStep{name: "approve",
			when: func(g *demoGen, dc *demoCase) (cases.Date, stepKind, bool) {
				d := g.addWD(dc.last, 1)
				if dc.r.IntN(2) == 0 || (!late && d.After(dc.c.ReplyDue)) {
					d = dc.last
				}
				return d, office, true
			},
			do: func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
				return g.fire(ctx, dc, g.supervisor, cases.EventApprove, nil)
			}},
		demoStep{name: "record_delivery",
			when: func(g *demoGen, dc *demoCase) (cases.Date, stepKind, bool) {
				d := dc.last
				if dc.c.Delivery == cases.DeliveryPost && dc.r.IntN(2) == 0 {
					d = g.addWD(d, 1)
				}
				return d, office, true
			},
			do: func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
				dc.deliveredOn = day
				p := map[string]any{"way": dc.c.Delivery, "delivered_on": day}
				if dc.c.Delivery == cases.DeliveryPost {
					p["proof"] = map[string]any{"kind": "ems", "number": fmt.Sprintf("EA%09dCN", dc.r.Int64N(1e9))}
				}
				return g.fire(ctx, dc, dc.clerk, cases.EventRecordDelivery, p)
			}})
	return steps
}

// remedyStep records a 行政复议 or 行政诉讼 (table 四): decided when the decision day has come,
// otherwise pending from its filing.
func (g *demoGen) remedyStep() demoStep {
	return demoStep{name: "record_remedy",
		when: func(g *demoGen, dc *demoCase) (cases.Date, stepKind, bool) {
			if dc.c.State != cases.StateReplied && dc.c.State != cases.StateArchived {
				return cases.Date{}, office, false
			}
			dc.filedOn = dc.deliveredOn.AddDays(15 + dc.r.IntN(40))
			span := 45 + dc.r.IntN(40)
			if dc.sc.remedy != "reconsideration" {
				span = 90 + dc.r.IntN(90)
			}
			dc.decidedOn = dc.filedOn.AddDays(span)
			d := maxDate(dc.last, g.nextWD(dc.decidedOn))
			if g.instant(dc.r, d, office).After(g.limit) {
				dc.remedyPending = true
				d = maxDate(dc.last, g.addWD(dc.filedOn, 3))
			}
			return d, office, true
		},
		do: func(ctx context.Context, g *demoGen, dc *demoCase, day cases.Date) error {
			p := map[string]any{"kind": dc.sc.remedy, "filed_on": dc.filedOn}
			if dc.remedyPending {
				p["result"] = "pending"
			} else {
				p["result"], p["decided_on"] = dc.sc.remedyRes, dc.decidedOn
			}
			return g.fire(ctx, dc, dc.clerk, cases.EventRecordRemedy, p)
		}}
}

// describe is an error with the fields of a coded error, so that a failing step says which input
// the workflow refused.
func describe(err error) string {
	var e *cases.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		return fmt.Sprintf("%v %v", err, e.Fields)
	}
	return err.Error()
}
