package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	cases "foidesk/case"
	"foidesk/forms"
	"foidesk/store"
)

const reportUsage = `Usage:
  foidesk report annual --year Y [--agency CODE] --format json|csv|pdf [--out F] [--db DSN]
  foidesk report monthly --year Y --month M [--agency CODE] --format json|csv|pdf [--out F] [--db DSN]

annual: the annual report of year Y (国办公开办函〔2021〕30号): table 三 (applications received,
carried over and concluded by outcome, per applicant column, with the check 一+二=（七）+四 of every
column), table 四 (reconsiderations and lawsuits filed in Y, with the results decided by 31
December) and the fees paid in Y. JSON and CSV are exactly as docs/api.md "Annual report
formats" gives them (the JSON adds "check"); the PDF follows the official layout.

monthly: the statistics of a month (docs/rules.md §8): received, concluded by outcome, replied on
time, average working days without pauses, paused, extended, overdue still open — per agency and
summed.

Without --agency the report is summed over all agencies. Output goes to stdout unless --out.`

// runReport runs the subcommand of "foidesk report" named by args[0].
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, args, stdout, stderr, reportUsage,
		subcommand{Name: "annual", Summary: "the annual report", Run: runReportAnnual},
		subcommand{Name: "monthly", Summary: "the monthly statistics", Run: runReportMonthly})
}

// loadFonts loads the report font (a missing one is an error naming the path and the package)
// and its bold face when one sits beside it.
func loadFonts(path string) (*forms.Font, *forms.Font, error) {
	font, err := forms.LoadFont(path)
	if err != nil {
		return nil, nil, err
	}
	var bold *forms.Font
	if bp := boldPath(path); bp != "" && fileExists(bp) {
		bold, _ = forms.LoadFont(bp)
	}
	return font, bold, nil
}

// agencyScope resolves --agency: the agency's id, or none (all agencies).
func agencyScope(ctx context.Context, db *store.DB, code string) ([]int64, error) {
	if code == "" {
		return nil, nil
	}
	a, err := db.AgencyByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	return []int64{a.ID}, nil
}

// writeOutput writes body to --out or stdout.
func writeOutput(out string, stdout io.Writer, body []byte) error {
	if out == "" {
		_, err := stdout.Write(body)
		return err
	}
	return os.WriteFile(out, body, 0o644)
}

// renderings are the ways to write one report or ledger: indented JSON of JSON, the writers of
// CSV and XLSX, and the PDF made on the fonts of --font.
type renderings struct {
	JSON      any
	CSV, XLSX func(io.Writer) error
	PDF       func(font, bold *forms.Font) ([]byte, error)
}

// render writes the report in format (one checkFormat has let through).
func (r renderings) render(format, fontPath string) ([]byte, error) {
	var buf bytes.Buffer
	switch format {
	case "json":
		b, err := json.MarshalIndent(r.JSON, "", "  ")
		if err != nil {
			return nil, err
		}
		buf.Write(append(b, '\n'))
	case "csv":
		if err := r.CSV(&buf); err != nil {
			return nil, err
		}
	case "xlsx":
		if err := r.XLSX(&buf); err != nil {
			return nil, err
		}
	case "pdf":
		font, bold, err := loadFonts(fontPath)
		if err != nil {
			return nil, err
		}
		pdf, err := r.PDF(font, bold)
		if err != nil {
			return nil, err
		}
		buf.Write(pdf)
	}
	return buf.Bytes(), nil
}

func checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return usagef("--format must be one of %v", allowed)
}

func runReportAnnual(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "report annual")
	dsn, fontPath := f.DB(), f.Font()
	year := f.Int("year", 0, "the year")
	agency := f.String("agency", "", "agency code (default: all, summed)")
	format := f.String("format", "", "json, csv or pdf")
	out := f.String("out", "", "output file (default stdout)")
	if err := f.parseNone(args, reportUsage, stdout); err != nil {
		return err
	}
	if *year == 0 {
		return usagef("--year is required")
	}
	if err := checkFormat(*format, "json", "csv", "pdf"); err != nil {
		return err
	}
	db, err := openExistingDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ids, err := agencyScope(ctx, db, *agency)
	if err != nil {
		return err
	}
	rep, err := db.AnnualReport(ctx, ids, *year)
	if err != nil {
		return err
	}
	if !rep.Balanced() {
		logger(ctx).Warn("the annual report does not balance: 一+二 ≠ （七）+四 in some column", "check", rep.Check)
	}
	body, err := renderings{
		JSON: rep,
		CSV:  rep.WriteCSV,
		PDF: func(font, bold *forms.Font) ([]byte, error) {
			return forms.AnnualPDF(font, bold, rep, db.Now())
		},
	}.render(*format, *fontPath)
	if err != nil {
		return err
	}
	return writeOutput(*out, stdout, body)
}

func runReportMonthly(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "report monthly")
	dsn, fontPath := f.DB(), f.Font()
	year := f.Int("year", 0, "the year")
	month := f.Int("month", 0, "the month (1–12)")
	agency := f.String("agency", "", "agency code (default: all, per agency and summed)")
	format := f.String("format", "", "json, csv or pdf")
	out := f.String("out", "", "output file (default stdout)")
	if err := f.parseNone(args, reportUsage, stdout); err != nil {
		return err
	}
	if *year == 0 || *month == 0 {
		return usagef("--year and --month are required")
	}
	if err := checkFormat(*format, "json", "csv", "pdf"); err != nil {
		return err
	}
	db, err := openExistingDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ids, err := agencyScope(ctx, db, *agency)
	if err != nil {
		return err
	}
	st, err := db.MonthlyStats(ctx, ids, *year, *month)
	if err != nil {
		return err
	}
	body, err := renderings{
		JSON: st,
		CSV:  func(w io.Writer) error { return forms.MonthlyCSV(w, st) },
		PDF: func(font, bold *forms.Font) ([]byte, error) {
			scope, err := reportAgencies(ctx, db, ids)
			if err != nil {
				return nil, err
			}
			return forms.MonthlyPDF(font, bold, st, scope, db.Now())
		},
	}.render(*format, *fontPath)
	if err != nil {
		return err
	}
	return writeOutput(*out, stdout, body)
}

// reportAgencies returns the agencies of a scope (all when ids is empty).
func reportAgencies(ctx context.Context, db *store.DB, ids []int64) ([]cases.Agency, error) {
	all, err := db.Agencies(ctx)
	if err != nil || len(ids) == 0 {
		return all, err
	}
	var out []cases.Agency
	for _, a := range all {
		for _, id := range ids {
			if a.ID == id {
				out = append(out, a)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no such agency")
	}
	return out, nil
}
