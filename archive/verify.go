package archive

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	cases "foidesk/case"
	"foidesk/workflow"
)

// Problem is one thing wrong with a package: the case, the file and why.
type Problem struct {
	TrackingNo string
	File       string
	Reason     string
}

func (p Problem) String() string {
	return fmt.Sprintf("BROKEN %s %s: %s", p.TrackingNo, p.File, p.Reason)
}

// Report is the result of a verification: the packages checked and what is wrong, sorted by
// tracking number and file. Broken counts the packages with at least one problem.
type Report struct {
	Checked  int
	Broken   int
	Problems []Problem
}

// VerifyPackage checks one package's bytes offline: every file against manifest.json (present,
// size, SHA-256; nothing unlisted), history.json's hash chain (each event's hash recomputed,
// each link, the sequence) against the manifest's event count and head hash, and metadata.json
// against the manifest. name is used when the tracking number cannot be read (a damaged ZIP).
func VerifyPackage(name string, body []byte) []Problem {
	tn := strings.TrimSuffix(filepath.Base(name), ".zip")
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return []Problem{{tn, filepath.Base(name), "not a readable ZIP archive: " + err.Error()}}
	}
	files := map[string][]byte{}
	var problems []Problem
	var unreadable []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			unreadable = append(unreadable, f.Name)
			continue
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			unreadable = append(unreadable, f.Name) // zip.ErrChecksum, a damaged deflate stream
			continue
		}
		files[f.Name] = b
	}
	mb, ok := files[ManifestFile]
	if !ok {
		reason := "missing"
		if contains(unreadable, ManifestFile) {
			reason = "unreadable (damaged)"
		}
		return []Problem{{tn, ManifestFile, reason + ": nothing can be verified"}}
	}
	var man Manifest
	if err := json.Unmarshal(mb, &man); err != nil || man.TrackingNo == "" {
		return []Problem{{tn, ManifestFile, "not a manifest of " + FormatName}}
	}
	tn = man.TrackingNo
	listed := map[string]bool{ManifestFile: true}
	for _, fe := range man.Files {
		listed[fe.Path] = true
		b, ok := files[fe.Path]
		switch {
		case contains(unreadable, fe.Path):
			problems = append(problems, Problem{tn, fe.Path, "unreadable: the stored data are damaged (checksum error)"})
		case !ok:
			problems = append(problems, Problem{tn, fe.Path, "missing"})
		case int64(len(b)) != fe.Size:
			problems = append(problems, Problem{tn, fe.Path, fmt.Sprintf("size %d, the manifest says %d", len(b), fe.Size)})
		default:
			sum := sha256.Sum256(b)
			if hex.EncodeToString(sum[:]) != fe.SHA256 {
				problems = append(problems, Problem{tn, fe.Path, "SHA-256 differs from the manifest: the file was altered"})
			}
		}
	}
	for _, f := range zr.File {
		if !listed[f.Name] {
			problems = append(problems, Problem{tn, f.Name, "not in the manifest"})
		}
	}
	if hb, ok := files[HistoryJSON]; ok {
		if reason := verifyHistory(hb, man); reason != "" {
			problems = append(problems, Problem{tn, HistoryJSON, reason})
		}
	}
	if mdb, ok := files[MetadataFile]; ok {
		var md Metadata
		if err := json.Unmarshal(mdb, &md); err != nil {
			problems = append(problems, Problem{tn, MetadataFile, "not valid JSON"})
		} else if md.TrackingNo != man.TrackingNo || md.Version != man.Version {
			problems = append(problems, Problem{tn, MetadataFile, "tracking number or version differs from the manifest"})
		}
	}
	return dedupe(problems)
}

// verifyHistory recomputes the chain of history.json with workflow.EventHash (the store's own
// function) and compares it to the manifest; "" when it holds.
func verifyHistory(b []byte, man Manifest) string {
	var h History
	if err := json.Unmarshal(b, &h); err != nil {
		return "not valid JSON: " + err.Error()
	}
	if h.TrackingNo != man.TrackingNo {
		return fmt.Sprintf("history of %s, the manifest is of %s", h.TrackingNo, man.TrackingNo)
	}
	evs := make([]cases.Event, len(h.Events))
	for i, he := range h.Events {
		e, err := he.ToEvent(h.CaseID)
		if err != nil {
			return err.Error()
		}
		evs[i] = e
	}
	head := &cases.Case{TrackingNo: man.TrackingNo, EventCount: man.EventCount, HeadHash: man.HeadHash}
	if b := workflow.VerifyChain(head, evs); b != nil {
		return fmt.Sprintf("event chain broken at seq=%d: %s", b.Seq, b.Reason)
	}
	return ""
}

// VerifyPath checks a package (a .zip file) or a transfer directory. In a directory with an
// index.csv every line's package must be present and match its line (tracking number, head
// hash); without one every .zip under the directory is checked.
func VerifyPath(p string) (Report, error) {
	st, err := os.Stat(p)
	if err != nil {
		return Report{}, err
	}
	var rep Report
	add := func(probs []Problem) {
		rep.Checked++
		if len(probs) > 0 {
			rep.Broken++
			rep.Problems = append(rep.Problems, probs...)
		}
	}
	if !st.IsDir() {
		body, err := os.ReadFile(p)
		if err != nil {
			return Report{}, err
		}
		add(VerifyPackage(p, body))
		return rep, nil
	}
	walk := func() error {
		return filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".zip") {
				return err
			}
			body, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			add(VerifyPackage(path, body))
			return nil
		})
	}
	rows, err := readIndex(filepath.Join(p, IndexFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := walk(); err != nil {
			return Report{}, err
		}
	case err != nil: // a damaged list: say so, and check every package found
		rep.Problems = append(rep.Problems, Problem{"-", IndexFile, "unreadable: " + err.Error()})
		rep.Broken++
		if err := walk(); err != nil {
			return Report{}, err
		}
	default:
		for _, rec := range rows {
			tn, pkg := rec[indexColumn("tracking_no")], rec[indexColumn("package")]
			body, err := os.ReadFile(filepath.Join(p, filepath.FromSlash(pkg)))
			if errors.Is(err, fs.ErrNotExist) {
				add([]Problem{{tn, pkg, "missing: index.csv lists the package"}})
				continue
			}
			if err != nil {
				return Report{}, err
			}
			probs := VerifyPackage(pkg, body)
			if len(probs) == 0 {
				probs = checkIndexLine(tn, pkg, rec, body)
			}
			add(probs)
		}
	}
	sort.SliceStable(rep.Problems, func(i, j int) bool {
		a, b := rep.Problems[i], rep.Problems[j]
		if a.TrackingNo != b.TrackingNo {
			return a.TrackingNo < b.TrackingNo
		}
		return a.File < b.File
	})
	return rep, nil
}

func readManifest(body []byte) (Manifest, error) {
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return Manifest{}, err
	}
	f, err := zr.Open(ManifestFile)
	if err != nil {
		return Manifest{}, err
	}
	defer f.Close()
	var m Manifest
	return m, json.NewDecoder(f).Decode(&m)
}

func indexColumn(name string) int {
	for i, c := range IndexColumns {
		if c == name {
			return i
		}
	}
	panic("archive: no index column " + name)
}

// readIndex reads the lines of an index.csv.
func readIndex(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = len(IndexColumns)
	return r.ReadAll()
}

// checkIndexLine compares a package that verified with its line of index.csv: every column as the
// export wrote it from the package's metadata and manifest, and the SHA-256 of the ZIP itself (so
// that a byte changed anywhere in it, headers included, is found).
func checkIndexLine(tn, pkg string, rec []string, body []byte) []Problem {
	man, err := readManifest(body)
	if err != nil {
		return []Problem{{tn, ManifestFile, "unreadable: " + err.Error()}}
	}
	md, err := readMetadata(body)
	if err != nil {
		return []Problem{{tn, MetadataFile, "unreadable: " + err.Error()}}
	}
	if man.TrackingNo != strings.TrimPrefix(tn, "'") {
		return []Problem{{tn, pkg, fmt.Sprintf("holds the package of %s", man.TrackingNo)}}
	}
	sum := sha256.Sum256(body)
	want := indexRecord(TransferRow{Metadata: md, Package: pkg, SHA256: hex.EncodeToString(sum[:]), EventCount: man.EventCount, HeadHash: man.HeadHash})
	if sha := indexColumn("sha256"); rec[sha] != want[sha] {
		return []Problem{{tn, pkg, "SHA-256 of the package differs from index.csv: its bytes were altered"}}
	}
	for i, col := range IndexColumns {
		if rec[i] != want[i] {
			return []Problem{{tn, IndexFile, fmt.Sprintf("column %s differs from the package", col)}}
		}
	}
	return nil
}

func readMetadata(body []byte) (Metadata, error) {
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return Metadata{}, err
	}
	f, err := zr.Open(MetadataFile)
	if err != nil {
		return Metadata{}, err
	}
	defer f.Close()
	var m Metadata
	return m, json.NewDecoder(f).Decode(&m)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func dedupe(ps []Problem) []Problem {
	seen := map[Problem]bool{}
	out := ps[:0]
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}
