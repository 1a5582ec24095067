package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"

	"foidesk/archive"
	cases "foidesk/case"
)

const archiveUsage = `Usage:
  foidesk archive export --year Y [--agency CODE] --out DIR
  foidesk archive verify PATH

export: the year's archival transfer (归档移交) of the cases archived with 年度 Y (their conclusion
year): per case a package DIR/<tracking_no>.zip (目录.pdf, the documents byte for byte as stored,
history.json, history.pdf, metadata.json, manifest.json), then DIR/目录.pdf (归档文件目录) and
DIR/index.csv (one line per package). Without --agency every agency's cases, their packages all in
DIR; with several agencies each agency also gets its own 目录.pdf and index.csv in DIR/<agency code>/.
Prints "exported: N".

verify: checks a package (.zip) or a transfer directory offline, without the database: every file
against manifest.json (SHA-256), the event chain of history.json against the manifest's head hash,
every package index.csv lists. Prints "BROKEN <tracking_no> <file>: <reason>" lines, then
"verified: N, broken: M" (N packages checked, M of them broken); exits 1 when M > 0.`

// runArchive runs the subcommand of "foidesk archive" named by args[0].
func runArchive(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, args, stdout, stderr, archiveUsage,
		subcommand{Name: "export", Summary: "write the year's archival transfer", Run: runArchiveExport},
		subcommand{Name: "verify", Summary: "verify a package or a transfer offline", Run: runArchiveVerify})
}

func runArchiveExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "archive export")
	dsn, font := f.DB(), f.Font()
	year := f.String("year", "", "年度 (conclusion year)")
	agency := f.String("agency", "", "agency code")
	out := f.String("out", "", "output directory")
	if err := f.parseNone(args, archiveUsage, stdout); err != nil {
		return err
	}
	y, err := strconv.Atoi(*year)
	if err != nil || y < 1900 || y > 9999 {
		return usagef("--year must be a year, e.g. 2026")
	}
	if *out == "" {
		return usagef("--out is required")
	}
	db, err := openExistingDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil { // archive_items: cases archived before it get their 件号 now
		return err
	}
	var agencies []cases.Agency
	if *agency != "" {
		a, err := db.AgencyByCode(ctx, *agency)
		if err != nil {
			return err
		}
		agencies = []cases.Agency{a}
	} else if agencies, err = db.Agencies(ctx); err != nil {
		return err
	}
	r, err := loadRenderer(ctx, *font)
	if err != nil {
		return err
	}
	db.Renderer = r // a letter serve had not rendered yet is rendered into its package (store/pending.go)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	x := &archive.Exporter{Source: db, Renderer: r}
	n, err := x.Export(ctx, archive.DirSink(*out), y, agencies, *agency == "" && len(agencies) > 1)
	if err != nil {
		return err
	}
	logger(ctx).Info("archive exported", "year", y, "dir", *out, "packages", n)
	fmt.Fprintf(stdout, "exported: %d\n", n)
	return nil
}

func runArchiveVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "archive verify")
	pos, err := f.parse(args, archiveUsage, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give one PATH: a package (.zip) or a transfer directory")
	}
	rep, err := archive.VerifyPath(pos[0])
	if err != nil {
		return err
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(stdout, p)
	}
	fmt.Fprintf(stdout, "verified: %d, broken: %d\n", rep.Checked, rep.Broken)
	if rep.Broken > 0 {
		return exitError{1}
	}
	return nil
}
