package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	cases "foidesk/case"
	"foidesk/forms"
	"foidesk/store"
)

const ledgerUsage = `Usage:
  foidesk ledger export --from D --to D [--by received|concluded] --format pdf|csv|xlsx|json [--out F]
        [--agency CODE] [--state S[,S]] [--outcome CODE] [--clerk NAME] [--overdue] [--full --user ADMIN]
  foidesk ledger audit --year Y --month M [--agency CODE]
  foidesk ledger signoff --year Y --month M --user SUPERVISOR --acknowledge N [--agency CODE] [--note T] [--out F]
  foidesk ledger reopen --year Y --month M --user SUPERVISOR --reason T [--agency CODE]
  foidesk ledger signoffs [--agency CODE] [--year Y [--month M]]

export: the filing ledger (台账) of the applications received (or concluded) between two dates:
PDF (A4 landscape, header row on every page, page numbers, period, time generated, chain digest),
CSV (UTF-8 with BOM, for Excel), XLSX or JSON; to stdout unless --out. Identity numbers and phones
are masked unless --full is given with --user naming an administrator (the export is recorded).

audit: the audit findings of a month (replied after the deadline, late correction notice, late or
repeated extension, reply without delivery record, archive without documents, broken chain), one
line each: "FINDING <date> <tracking_no> seq=<n> <rule>: <message>", then "findings: N".

signoff: a supervisor signs a month off: the month's ledger PDF is generated and stored with its
SHA-256, the findings (their number given with --acknowledge) are recorded, and from then on no
event or fact may be dated in that month. Prints "signed: <agency> <YYYY-MM> sha256=<hex>". A month
reopened is signed off again the same way (a sign-off of the next round).

reopen: a supervisor of the agency reopens a signed month with a reason (e.g. 补登11月30日收到的挂号信),
so that late post received in it can be registered; recorded append-only with who, when and why.
The month is not signed until the next "ledger signoff". Prints
"reopened: <agency> <YYYY-MM> round=<n> by <user>: <reason>".

signoffs: the sign-off history, newest first (a month's latest record first), one line per record:
"SIGNED <agency> <YYYY-MM> round=<n> <time> <user> sha256=<hex>" or
"REOPENED <agency> <YYYY-MM> round=<n> <time> <user>: <reason>" (times RFC 3339 in the agency's
time zone), then "signoffs: N, reopenings: R".`

// runLedger runs the subcommand of "foidesk ledger" named by args[0].
func runLedger(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, args, stdout, stderr, ledgerUsage,
		subcommand{Name: "export", Summary: "export the ledger of a period", Run: runLedgerExport},
		subcommand{Name: "audit", Summary: "list a month's audit findings", Run: runLedgerAudit},
		subcommand{Name: "signoff", Summary: "sign a month off", Run: runLedgerSignOff},
		subcommand{Name: "reopen", Summary: "reopen a signed month for late post, with a reason", Run: runLedgerReopen},
		subcommand{Name: "signoffs", Summary: "list the sign-offs and their reopenings", Run: runLedgerSignOffs})
}

// actorOf returns the staff account named (or the system account for "").
func actorOf(ctx context.Context, db *store.DB, name string) (cases.Actor, error) {
	if name == "" {
		return cases.SystemActor, nil
	}
	u, err := db.UserByName(ctx, name)
	if err != nil {
		return cases.Actor{}, err
	}
	if !u.Active {
		return cases.Actor{}, fmt.Errorf("user %s is disabled", name)
	}
	return u.Actor(), nil
}

func parseDateFlag(name, s string) (cases.Date, error) {
	if s == "" {
		return cases.Date{}, usagef("--%s is required", name)
	}
	d, err := cases.ParseDate(s)
	if err != nil {
		return cases.Date{}, usagef("--%s: %s", name, cases.ErrorMessage(err, "en"))
	}
	return d, nil
}

// renderLedger writes l in format.
func renderLedger(l cases.Ledger, format, fontPath string) ([]byte, error) {
	return renderings{
		JSON: l,
		CSV:  func(w io.Writer) error { return forms.LedgerCSV(w, l) },
		XLSX: func(w io.Writer) error { return forms.LedgerXLSX(w, l) },
		PDF: func(font, bold *forms.Font) ([]byte, error) {
			return forms.LedgerPDF(font, bold, l)
		},
	}.render(format, fontPath)
}

func runLedgerExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "ledger export")
	dsn, fontPath := f.DB(), f.Font()
	from := f.String("from", "", "first day YYYY-MM-DD")
	to := f.String("to", "", "last day YYYY-MM-DD")
	by := f.String("by", cases.ByReceived, "received or concluded")
	format := f.String("format", "", "pdf, csv, xlsx or json")
	out := f.String("out", "", "output file (default stdout)")
	agency := f.String("agency", "", "agency code (default: all)")
	state := f.String("state", "", "states, comma-separated")
	outcome := f.String("outcome", "", "outcome code")
	clerk := f.String("clerk", "", "handling clerk")
	overdue := f.Bool("overdue", false, "overdue cases only")
	full := f.Bool("full", false, "unmasked identity numbers and phones (administrators; recorded)")
	user := f.String("user", "", "the account exporting (an administrator for --full)")
	if err := f.parseNone(args, ledgerUsage, stdout); err != nil {
		return err
	}
	if err := checkFormat(*format, "pdf", "csv", "xlsx", "json"); err != nil {
		return err
	}
	fd, err := parseDateFlag("from", *from)
	if err != nil {
		return err
	}
	td, err := parseDateFlag("to", *to)
	if err != nil {
		return err
	}
	if *full && *user == "" {
		return usagef("--full needs --user naming an administrator")
	}
	db, err := openExistingDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	actor, err := actorOf(ctx, db, *user)
	if err != nil {
		return err
	}
	ids, err := agencyScope(ctx, db, *agency)
	if err != nil {
		return err
	}
	filter := cases.LedgerFilter{AgencyIDs: ids, From: fd, To: td, By: *by, Outcome: *outcome, Clerk: *clerk, OverdueOnly: *overdue, Full: *full, RequestedFrom: "cli"}
	if *state != "" {
		filter.States = strings.Split(*state, ",")
	}
	l, err := db.Ledger(ctx, filter, actor)
	if err != nil {
		return err
	}
	body, err := renderLedger(l, *format, *fontPath)
	if err != nil {
		return err
	}
	logger(ctx).Info("ledger exported", "rows", len(l.Rows), "digest", l.Digest, "format", *format)
	return writeOutput(*out, stdout, body)
}

// monthAgency resolves --agency for a month's audit or sign-off: the agency named, or the only one.
func monthAgency(ctx context.Context, db *store.DB, code string) (cases.Agency, error) {
	if code != "" {
		return db.AgencyByCode(ctx, code)
	}
	all, err := db.Agencies(ctx)
	if err != nil {
		return cases.Agency{}, err
	}
	if len(all) != 1 {
		return cases.Agency{}, usagef("--agency is required: the database has %d agencies", len(all))
	}
	return all[0], nil
}

func runLedgerAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "ledger audit")
	dsn := f.DB()
	year := f.Int("year", 0, "the year")
	month := f.Int("month", 0, "the month")
	agency := f.String("agency", "", "agency code")
	if err := f.parseNone(args, ledgerUsage, stdout); err != nil {
		return err
	}
	if *year == 0 || *month == 0 {
		return usagef("--year and --month are required")
	}
	db, err := openExistingDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := monthAgency(ctx, db, *agency)
	if err != nil {
		return err
	}
	findings, err := db.AuditMonth(ctx, a.ID, *year, *month)
	if err != nil {
		return err
	}
	for _, fd := range findings {
		fmt.Fprintf(stdout, "FINDING %s %s seq=%d %s: %s\n", fd.Date, fd.TrackingNo, fd.Seq, fd.Rule, fd.Message)
	}
	fmt.Fprintf(stdout, "findings: %d\n", len(findings))
	return nil
}

func runLedgerSignOff(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "ledger signoff")
	dsn, fontPath := f.DB(), f.Font()
	year := f.Int("year", 0, "the year")
	month := f.Int("month", 0, "the month")
	agency := f.String("agency", "", "agency code")
	user := f.String("user", "", "the supervisor signing")
	ack := f.Int("acknowledge", -1, "the number of findings acknowledged")
	note := f.String("note", "", "a note")
	out := f.String("out", "", "also write the signed ledger PDF to this file")
	if err := f.parseNone(args, ledgerUsage, stdout); err != nil {
		return err
	}
	if *year == 0 || *month == 0 || *user == "" || *ack < 0 {
		return usagef("--year, --month, --user and --acknowledge are required")
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := monthAgency(ctx, db, *agency)
	if err != nil {
		return err
	}
	actor, err := actorOf(ctx, db, *user)
	if err != nil {
		return err
	}
	l, err := db.SignOffLedger(ctx, a.ID, *year, *month, actor)
	if err != nil {
		return err
	}
	pdf, err := renderLedger(l, "pdf", *fontPath)
	if err != nil {
		return err
	}
	so, err := db.SignOffMonth(ctx, cases.SignOffRequest{AgencyID: a.ID, Year: *year, Month: *month, LedgerPDF: pdf, LedgerDigest: l.Digest, Acknowledged: *ack, Note: *note}, actor)
	if err != nil {
		return err
	}
	if *out != "" {
		if err := os.WriteFile(*out, pdf, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "signed: %s %04d-%02d sha256=%s\n", so.Agency, so.Year, so.Month, so.LedgerSHA256)
	return nil
}

func runLedgerReopen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "ledger reopen")
	dsn := f.DB()
	year := f.Int("year", 0, "the year")
	month := f.Int("month", 0, "the month")
	agency := f.String("agency", "", "agency code")
	user := f.String("user", "", "the supervisor reopening")
	reason := f.String("reason", "", "why the month is reopened (e.g. late post)")
	if err := f.parseNone(args, ledgerUsage, stdout); err != nil {
		return err
	}
	if *year == 0 || *month == 0 || *user == "" || *reason == "" {
		return usagef("--year, --month, --user and --reason are required")
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := monthAgency(ctx, db, *agency)
	if err != nil {
		return err
	}
	actor, err := actorOf(ctx, db, *user)
	if err != nil {
		return err
	}
	ro, err := db.ReopenMonth(ctx, cases.ReopenRequest{AgencyID: a.ID, Year: *year, Month: *month, Reason: *reason}, actor)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "reopened: %s %04d-%02d round=%d by %s: %s\n", ro.Agency, ro.Year, ro.Month, ro.Round, ro.ReopenedBy, ro.Reason)
	return nil
}

func runLedgerSignOffs(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "ledger signoffs")
	dsn := f.DB()
	year := f.Int("year", 0, "only this year")
	month := f.Int("month", 0, "only this month (with --year)")
	agency := f.String("agency", "", "agency code (default: every agency)")
	if err := f.parseNone(args, ledgerUsage, stdout); err != nil {
		return err
	}
	if *month != 0 && *year == 0 {
		return usagef("--month needs --year")
	}
	db, err := openExistingDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	var ids []int64
	if *agency != "" {
		a, err := db.AgencyByCode(ctx, *agency)
		if err != nil {
			return err
		}
		ids = []int64{a.ID}
	}
	all, err := db.Agencies(ctx)
	if err != nil {
		return err
	}
	loc := map[string]*time.Location{}
	for _, a := range all {
		loc[a.Code] = a.Settings.Location()
	}
	list, err := db.SignOffs(ctx, ids)
	if err != nil {
		return err
	}
	signed, reopened := 0, 0
	for _, so := range list {
		if (*year != 0 && so.Year != *year) || (*month != 0 && so.Month != *month) {
			continue
		}
		l := loc[so.Agency]
		if l == nil {
			l = time.UTC
		}
		if r := so.Reopened; r != nil {
			fmt.Fprintf(stdout, "REOPENED %s %04d-%02d round=%d %s %s: %s\n", so.Agency, so.Year, so.Month, so.Round, r.ReopenedAt.In(l).Format(time.RFC3339), r.ReopenedBy, r.Reason)
			reopened++
		}
		fmt.Fprintf(stdout, "SIGNED %s %04d-%02d round=%d %s %s sha256=%s\n", so.Agency, so.Year, so.Month, so.Round, so.SignedAt.In(l).Format(time.RFC3339), so.SignedBy, so.LedgerSHA256)
		signed++
	}
	fmt.Fprintf(stdout, "signoffs: %d, reopenings: %d\n", signed, reopened)
	return nil
}
