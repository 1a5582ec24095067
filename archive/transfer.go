package archive

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	cases "foidesk/case"
)

// IndexFile is the transfer's machine-readable list, one line per package (no header line); its
// columns are IndexColumns.
const IndexFile = "index.csv"

// IndexColumns are the columns of index.csv, in order (docs/api.md "Archive").
var IndexColumns = []string{"tracking_no", "archival_code", "fonds_no", "year", "retention", "org_code", "item_no",
	"responsible", "document_no", "title", "date", "pages", "version", "event_count", "head_hash", "package", "sha256"}

// Source gives the exporter the archived cases (package store implements it).
type Source interface {
	// ArchiveEntries lists the cases of an agency in state archived whose 年度 is year, by 件号.
	ArchiveEntries(ctx context.Context, year int, agencyID int64) ([]Entry, error)
	// ArchiveCase returns an archived case with everything a package holds (ENOTFOUND; ECONFLICT
	// when the case is not archived now).
	ArchiveCase(ctx context.Context, caseID int64) (Case, error)
}

// TransferRow is one package of a transfer.
type TransferRow struct {
	Metadata   Metadata
	Package    string // path of the ZIP relative to the directory of the list
	SHA256     string // of the ZIP
	EventCount int
	HeadHash   string
	At         time.Time // the package's date
}

// Transfer is a year's transfer of one agency, or of several (Agencies) summed.
type Transfer struct {
	Year     int
	Agencies []cases.Agency
	Rows     []TransferRow
}

// Pages sums the rows' pages.
func (t Transfer) Pages() int {
	n := 0
	for _, r := range t.Rows {
		n += r.Metadata.Pages
	}
	return n
}

// At is the date of a transfer's catalogue: its latest package's, else 31 December of the year,
// so that the same packages give the same catalogue.
func (t Transfer) At() time.Time {
	var at time.Time
	for _, r := range t.Rows {
		if r.At.After(at) {
			at = r.At
		}
	}
	if at.IsZero() {
		at = time.Date(t.Year, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	return at
}

// Sink receives the files of a transfer: a directory (DirSink) or a ZIP stream (ZipSink).
type Sink interface {
	Put(path string, body []byte) error
}

// DirSink writes files under a directory, creating folders as needed.
type DirSink string

// Put writes body at path under the directory.
func (d DirSink) Put(path string, body []byte) error {
	full := filepath.Join(string(d), filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return err
	}
	return os.WriteFile(full, body, 0o644)
}

// ZipSink writes files into a ZIP (the transfer as one download), dated at Modified.
type ZipSink struct {
	W        *zip.Writer
	Modified time.Time
}

// Put adds body as an uncompressed entry (the packages are compressed already).
func (z ZipSink) Put(path string, body []byte) error {
	w, err := z.W.CreateHeader(&zip.FileHeader{Name: path, Method: zip.Store, Modified: z.Modified})
	if err != nil {
		return err
	}
	_, err = w.Write(body)
	return err
}

// Exporter makes packages and transfers from a Source with a Renderer.
type Exporter struct {
	Source   Source
	Renderer Renderer
	Workers  int // packages built at once; 0: the number of CPUs
}

// Package builds the package of one archived case.
func (x *Exporter) Package(ctx context.Context, caseID int64) ([]byte, Manifest, error) {
	in, err := x.Source.ArchiveCase(ctx, caseID)
	if err != nil {
		return nil, Manifest{}, err
	}
	return Build(in, x.Renderer)
}

// Export writes the transfer of year for agencies to sink: per case <tracking_no>.zip (tracking
// numbers are unique across agencies), then 目录.pdf (归档文件目录) and index.csv covering them all
// (docs/api.md "Archive"). With folders, each agency also gets its own 目录.pdf and index.csv (件号
// are per agency) in a folder named by its code, listing its packages as ../<tracking_no>.zip. It
// returns the number of packages.
func (x *Exporter) Export(ctx context.Context, sink Sink, year int, agencies []cases.Agency, folders bool) (int, error) {
	all := Transfer{Year: year, Agencies: agencies}
	for _, a := range agencies {
		prefix := ""
		if folders {
			prefix = a.Code + "/"
		}
		entries, err := x.Source.ArchiveEntries(ctx, year, a.ID)
		if err != nil {
			return 0, err
		}
		rows, err := x.packages(ctx, sink, entries, "")
		if err != nil {
			return 0, err
		}
		if folders {
			t := Transfer{Year: year, Agencies: []cases.Agency{a}, Rows: make([]TransferRow, len(rows))}
			for i, r := range rows {
				r.Package = "../" + r.Package
				t.Rows[i] = r
			}
			if err := x.lists(sink, prefix, t); err != nil {
				return 0, err
			}
		}
		all.Rows = append(all.Rows, rows...)
	}
	if err := x.lists(sink, "", all); err != nil {
		return 0, err
	}
	return len(all.Rows), nil
}

// lists writes a transfer's 目录.pdf and index.csv under prefix.
func (x *Exporter) lists(sink Sink, prefix string, t Transfer) error {
	cat, err := x.Renderer.TransferCatalogue(t, t.At())
	if err != nil {
		return fmt.Errorf("%s目录.pdf: %w", prefix, err)
	}
	if err := sink.Put(prefix+CatalogueFile, cat); err != nil {
		return err
	}
	idx, err := IndexCSV(t)
	if err != nil {
		return err
	}
	return sink.Put(prefix+IndexFile, idx)
}

// IndexCSV is the index.csv of a transfer: one line per package, columns IndexColumns; a cell
// beginning with =, +, -, @, a tab or a carriage return gets a leading ' (spreadsheet formula
// injection).
func IndexCSV(t Transfer) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	for _, r := range t.Rows {
		if err := w.Write(indexRecord(r)); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// indexRecord is a row's line of index.csv.
func indexRecord(r TransferRow) []string {
	m := r.Metadata
	rec := []string{m.TrackingNo, m.ArchivalCode, m.FondsNo, strconv.Itoa(m.Year), m.Retention, m.OrgCode, strconv.Itoa(m.ItemNo),
		m.Responsible, m.DocumentNo, m.Title, m.Date.String(), strconv.Itoa(m.Pages), strconv.Itoa(m.Version), strconv.Itoa(r.EventCount),
		r.HeadHash, r.Package, r.SHA256}
	for i, s := range rec {
		if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
			rec[i] = "'" + s
		}
	}
	return rec
}

type built struct {
	row  TransferRow
	body []byte
	err  error
}

// packages builds the packages of entries on Workers goroutines and puts them in order, holding
// at most 2×Workers packages in memory.
func (x *Exporter) packages(ctx context.Context, sink Sink, entries []Entry, prefix string) ([]TransferRow, error) {
	workers := x.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]chan built, len(entries))
	for i := range results {
		results[i] = make(chan built, 1)
	}
	slots := make(chan struct{}, 2*workers)
	work := make(chan int)
	go func() {
		defer close(work)
		for i := range entries {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case work <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range workers {
		go func() {
			for i := range work {
				results[i] <- x.build(ctx, entries[i], prefix)
			}
		}()
	}
	rows := make([]TransferRow, 0, len(entries))
	for i := range entries {
		var b built
		select {
		case b = <-results[i]:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		<-slots
		if b.err != nil {
			return nil, b.err
		}
		if err := sink.Put(b.row.Package, b.body); err != nil {
			return nil, err
		}
		rows = append(rows, b.row)
	}
	return rows, nil
}

func (x *Exporter) build(ctx context.Context, e Entry, prefix string) built {
	in, err := x.Source.ArchiveCase(ctx, e.CaseID)
	if err != nil {
		return built{err: err}
	}
	body, man, m, err := build(in, x.Renderer)
	if err != nil {
		return built{err: err}
	}
	sum := sha256.Sum256(body)
	return built{body: body, row: TransferRow{Metadata: m, Package: prefix + man.TrackingNo + ".zip", SHA256: hex.EncodeToString(sum[:]),
		EventCount: man.EventCount, HeadHash: man.HeadHash, At: madeAt(in.Case)}}
}
