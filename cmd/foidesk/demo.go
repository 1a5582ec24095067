package main

import (
	"context"
	"fmt"
	"io"
	"time"

	cases "foidesk/case"
	"foidesk/demo"
)

const demoUsage = `Usage: foidesk demo [--cases N] [--seed S] [--today YYYY-MM-DD] [--db DSN] [--font PATH]

Fills an empty database with realistic demo data: the agency's settings (清溪区人民政府, a
fictional district), the demo accounts and N applications (default 240) received over the two
years up to today, through every channel, in every state and with every outcome — each driven
through the real workflow at past instants, so histories, deadlines, lapses, extensions,
consultations, fees, letters and their numbers are real. The same seed (and day) gives the same
data. Prints the logins, the number of cases and one application's tracking number and access
code (for the public tracking page).`

// runDemo parses the flags of "foidesk demo" and calls demo.Fill; the simulator is package demo.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "demo")
	dsn, fontPath := f.DB(), f.Font()
	n := f.Int("cases", demo.DefaultCases, "number of applications")
	seed := f.Int64("seed", 1, "random seed")
	todayText := f.String("today", "", "the last day of the data (default: today)")
	if err := f.parseNone(args, demoUsage, stdout); err != nil {
		return err
	}
	if *n < 0 {
		return usagef("--cases must be ≥ 0")
	}
	var today cases.Date
	if *todayText != "" {
		d, err := parseDate("--today", *todayText)
		if err != nil {
			return err
		}
		today = d
	}
	renderer, err := loadRenderer(ctx, *fontPath)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	db.Renderer = renderer
	have, err := db.CountCases(ctx, cases.CaseFilter{})
	if err != nil {
		return err
	}
	if have > 0 {
		return fmt.Errorf("the database already holds %d cases: demo fills an empty database", have)
	}
	start := time.Now()
	res, err := demo.Fill(ctx, db, demo.Config{Cases: *n, Seed: *seed, Today: today, Log: logger(ctx)})
	if err != nil {
		return err
	}
	logger(ctx).Info("demo data written", "cases", res.Cases, "seconds", time.Since(start).Round(time.Millisecond).Seconds())
	for _, l := range res.Logins {
		fmt.Fprintln(stdout, l.String())
	}
	fmt.Fprintf(stdout, "cases: %d\n", res.Cases)
	if res.SampleTracking != "" {
		fmt.Fprintf(stdout, "track: %s / %s\n", res.SampleTracking, res.SampleCode)
	}
	return nil
}
