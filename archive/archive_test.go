package archive

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cases "foidesk/case"
	"foidesk/workflow"
)

// fakeRenderer makes small deterministic stand-ins for the PDFs (package forms renders the real
// ones; its tests look at them).
type fakeRenderer struct{}

func fakePDF(kind string, at time.Time, n int) []byte {
	return []byte(fmt.Sprintf("%%PDF-1.4\n%% %s %s\n1 0 obj << /Type /Page >> endobj\n%d\n%%%%EOF\n", kind, at.Format(time.RFC3339), n))
}

func (fakeRenderer) CaseCatalogue(m Metadata, items []Item, at time.Time) ([]byte, error) {
	return fakePDF("catalogue "+m.ArchivalCode, at, len(items)), nil
}
func (fakeRenderer) History(m Metadata, evs []cases.Event, at time.Time) ([]byte, error) {
	return fakePDF("history "+m.TrackingNo, at, len(evs)), nil
}
func (fakeRenderer) TransferCatalogue(t Transfer, at time.Time) ([]byte, error) {
	return fakePDF("transfer", at, len(t.Rows)), nil
}

// testCase is an archived case with a valid hash chain, three documents and a remedy-free outcome.
func testCase(t *testing.T, id int64, tn string) Case {
	t.Helper()
	c := &cases.Case{ID: id, TrackingNo: tn, State: cases.StateArchived, Outcome: cases.OutcomeDisclose, LetterNo: "望政公开答〔2026〕3号",
		Applicant: cases.Applicant{Name: "张三"}, Description: "某路段拓宽工程的立项批复文件", ReceivedOn: cases.MustDate("2026-03-02"),
		ConcludedOn: cases.MustDate("2026-03-20"), ArchivedOn: cases.MustDate("2026-03-30")}
	at := time.Date(2026, 3, 2, 1, 2, 3, 456789000, time.UTC)
	steps := []struct{ ev, from, to, payload string }{
		{"register", "", "registered", `{"channel":"in_person"}`},
		{"accept", "registered", "in_progress", `{"assignee":"clerk1"}`},
		{"draft_reply", "in_progress", "pending_approval", `{"outcome":"disclose","reasons":"予以公开。"}`},
		{"approve", "pending_approval", "replied", `{}`},
		{"record_delivery", "replied", "replied", `{"way":"post","delivered_on":"2026-03-23"}`},
		{"archive", "replied", "archived", `{"item_no":7,"year":2026}`},
	}
	prev := ""
	for i, s := range steps {
		e := cases.Event{CaseID: id, Seq: i + 1, Event: cases.EventName(s.ev), Actor: "clerk1", At: at.Add(time.Duration(i) * 24 * time.Hour), FromState: cases.State(s.from), ToState: cases.State(s.to),
			Payload: json.RawMessage(s.payload), ReplyDueBefore: cases.MustDate("2026-03-30"), ReplyDueAfter: cases.MustDate("2026-03-30")}
		if i == 0 {
			e.ReplyDueBefore = cases.Date{}
		}
		e.PrevHash = prev
		h, err := workflow.EventHash(prev, e)
		if err != nil {
			t.Fatal(err)
		}
		e.Hash, prev = h, h
		c.Events = append(c.Events, e)
	}
	c.EventCount, c.HeadHash = len(c.Events), prev
	doc := func(id int64, kind, number, title, name string, body []byte) cases.Document {
		sum := sha256.Sum256(body)
		return cases.Document{ID: id, Kind: kind, Number: number, Title: title, Filename: name, ContentType: "application/pdf", Size: int64(len(body)),
			SHA256: hex.EncodeToString(sum[:]), Body: body, CreatedAt: at, Applicant: true}
	}
	twoPages := []byte("%PDF-1.7\n1 0 obj << /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >> endobj\n2 0 obj << /Type /Page >> endobj\n3 0 obj << /Type /Page >> endobj\n%%EOF\n")
	c.Documents = []cases.Document{
		doc(10, cases.DocApplicationForm, "", "政府信息公开申请表", "application.pdf", twoPages),
		doc(11, cases.DocUpload, "", "身份证复印件", "id card.JPG", []byte("\xff\xd8\xff\xe0 jpeg")),
		doc(12, cases.DocReply, "望政公开答〔2026〕3号", "政府信息公开申请答复书", "reply.pdf", fakePDF("reply", at, 1)),
	}
	c.Documents[1].ContentType = "image/jpeg"
	a := cases.Agency{ID: 1, Code: "wj", Name: "望城区人民政府办公室", Settings: cases.Settings{FondsNo: "Z001"}}
	return Case{Case: c, Agency: a, Entry: Entry{CaseID: id, Year: 2026, ItemNo: 7}}
}

func unzip(t *testing.T, b []byte) (names []string, files map[string][]byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	files = map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		names = append(names, f.Name)
		files[f.Name] = body
	}
	return names, files
}

// rezip writes files back in the order of names, leaving out drop.
func rezip(t *testing.T, names []string, files map[string][]byte, drop string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		if n == drop {
			continue
		}
		w, _ := zw.Create(n)
		w.Write(files[n])
	}
	zw.Close()
	return buf.Bytes()
}

func TestPackageLayout(t *testing.T) {
	in := testCase(t, 42, "GK2026000042")
	body, man, err := Build(in, fakeRenderer{})
	if err != nil {
		t.Fatal(err)
	}
	names, files := unzip(t, body)
	want := []string{"目录.pdf", "documents/01-application_form-10.pdf", "documents/02-upload-11.jpg", "documents/03-reply-12.pdf",
		"history.json", "history.pdf", "metadata.json", "manifest.json"}
	if !slices.Equal(names, want) {
		t.Fatalf("files %v, want %v", names, want)
	}
	// Documents byte for byte as stored.
	for i, d := range in.Case.Documents {
		if !bytes.Equal(files[want[i+1]], d.Body) {
			t.Errorf("%s differs from the stored document", want[i+1])
		}
	}
	if man.HeadHash != in.Case.HeadHash || man.EventCount != 6 || len(man.Files) != len(want)-1 || man.Version != 1 {
		t.Errorf("manifest %+v", man)
	}
	var md struct {
		Metadata
		Items []Item `json:"items"`
	}
	if err := json.Unmarshal(files["metadata.json"], &md); err != nil {
		t.Fatal(err)
	}
	if md.ArchivalCode != "Z001-WS·2026-D30-WJ-0007" || md.ItemNo != 7 || md.Year != 2026 || md.Retention != Retention30 ||
		md.Pages != 4 || md.Responsible != "望城区人民政府办公室" || md.DocumentNo != "望政公开答〔2026〕3号" || md.Date.String() != "2026-03-20" ||
		!strings.Contains(md.Title, "张三") || md.RetentionEnds.String() != "2057-01-01" {
		t.Errorf("metadata %+v", md.Metadata)
	}
	if len(md.Items) != 3 || md.Items[0].Pages != 2 || md.Items[0].Responsible != "张三" || md.Items[2].Responsible != "望城区人民政府办公室" ||
		md.Items[2].Number != "望政公开答〔2026〕3号" {
		t.Errorf("items %+v", md.Items)
	}
	var h History
	if err := json.Unmarshal(files["history.json"], &h); err != nil || len(h.Events) != 6 || h.CaseID != 42 || h.Events[5].Hash != in.Case.HeadHash {
		t.Errorf("history %+v %v", h, err)
	}
	// Deterministic: the same case gives the same bytes, with the time of its last event.
	again, _, _ := Build(testCase(t, 42, "GK2026000042"), fakeRenderer{})
	if !bytes.Equal(body, again) {
		t.Error("the same case gave a different package")
	}
	zr, _ := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if !zr.File[0].Modified.Equal(in.Case.Events[5].At.Truncate(time.Second)) {
		t.Errorf("zip time %v, want the last event's %v", zr.File[0].Modified, in.Case.Events[5].At)
	}
	if probs := VerifyPackage("x.zip", body); len(probs) != 0 {
		t.Errorf("a fresh package does not verify: %v", probs)
	}
}

func TestVerifyPackageNamesTamperedAndMissingFiles(t *testing.T) {
	in := testCase(t, 42, "GK2026000042")
	body, _, _ := Build(in, fakeRenderer{})
	names, files := unzip(t, body)

	files["documents/03-reply-12.pdf"] = append([]byte(nil), files["documents/03-reply-12.pdf"]...)
	files["documents/03-reply-12.pdf"][20] ^= 1
	probs := VerifyPackage("x.zip", rezip(t, names, files, "documents/02-upload-11.jpg"))
	got := fmt.Sprint(probs)
	if len(probs) != 2 || !strings.Contains(got, "BROKEN GK2026000042 documents/03-reply-12.pdf: SHA-256") ||
		!strings.Contains(got, "BROKEN GK2026000042 documents/02-upload-11.jpg: missing") {
		t.Errorf("problems %v", probs)
	}

	// An extra file is named too.
	_, files = unzip(t, body)
	files["extra.txt"] = []byte("x")
	if probs := VerifyPackage("x.zip", rezip(t, append(names, "extra.txt"), files, "")); len(probs) != 1 || probs[0].File != "extra.txt" {
		t.Errorf("extra file: %v", probs)
	}

	// A raw byte flipped inside the ZIP: the damaged member is named.
	raw := append([]byte(nil), body...)
	i := bytes.Index(raw, in.Case.Documents[0].Body)
	raw[i+12] ^= 0x20
	if probs := VerifyPackage("x.zip", raw); len(probs) != 1 || probs[0].File != "documents/01-application_form-10.pdf" {
		t.Errorf("raw byte: %v", probs)
	}
	// Not a ZIP at all.
	if probs := VerifyPackage("GK1.zip", []byte("nope")); len(probs) != 1 || probs[0].File != "GK1.zip" {
		t.Errorf("garbage: %v", probs)
	}
}

// The chain of history.json is recomputed: an event edited with history.json's and the
// manifest's digests updated to match is still found, and so is the last event removed.
func TestVerifyPackageRecomputesTheChain(t *testing.T) {
	in := testCase(t, 42, "GK2026000042")
	body, _, _ := Build(in, fakeRenderer{})
	names, files := unzip(t, body)
	forge := func(edit func(h *History)) []Problem {
		var h History
		json.Unmarshal(files["history.json"], &h)
		edit(&h)
		hj, _ := json.MarshalIndent(h, "", "  ")
		f2 := map[string][]byte{}
		for k, v := range files {
			f2[k] = v
		}
		f2["history.json"] = hj
		var man Manifest
		json.Unmarshal(files["manifest.json"], &man)
		for i := range man.Files {
			if man.Files[i].Path == "history.json" {
				sum := sha256.Sum256(hj)
				man.Files[i].Size, man.Files[i].SHA256 = int64(len(hj)), hex.EncodeToString(sum[:])
			}
		}
		f2["manifest.json"], _ = json.Marshal(man)
		return VerifyPackage("x.zip", rezip(t, names, f2, ""))
	}
	if p := forge(func(h *History) {
		h.Events[2].Payload = json.RawMessage(`{"outcome":"withhold.state_secret","reasons":"予以公开。"}`)
	}); len(p) != 1 ||
		!strings.Contains(p[0].Reason, "seq=3") {
		t.Errorf("edited event: %v", p)
	}
	if p := forge(func(h *History) { h.Events = h.Events[:5] }); len(p) != 1 || p[0].File != "history.json" {
		t.Errorf("last event removed: %v", p)
	}
	if p := forge(func(h *History) {}); len(p) != 0 {
		t.Errorf("unchanged history: %v", p)
	}
}

type fakeSource map[int64]Case

func (s fakeSource) ArchiveEntries(ctx context.Context, year int, agencyID int64) ([]Entry, error) {
	var out []Entry
	for id := int64(1); id <= int64(len(s)); id++ {
		if c := s[id]; c.Agency.ID == agencyID && c.Entry.Year == year {
			out = append(out, c.Entry)
		}
	}
	return out, nil
}
func (s fakeSource) ArchiveCase(ctx context.Context, id int64) (Case, error) { return s[id], nil }

func TestExportAndVerifyDirectory(t *testing.T) {
	src := fakeSource{}
	other := cases.Agency{ID: 2, Code: "jt", Name: "望城区交通运输局"}
	for i := int64(1); i <= 5; i++ {
		c := testCase(t, i, fmt.Sprintf("GK202600000%d", i))
		c.Entry.ItemNo = int(i)
		if i > 3 {
			c.Agency = other
			c.Entry.ItemNo = int(i - 3)
		}
		src[i] = c
	}
	agencies := []cases.Agency{src[1].Agency, other}
	dir := t.TempDir()
	x := &Exporter{Source: src, Renderer: fakeRenderer{}, Workers: 2}
	n, err := x.Export(context.Background(), DirSink(dir), 2026, agencies, true)
	if err != nil || n != 5 {
		t.Fatalf("export: %d, %v", n, err)
	}
	for _, p := range []string{"目录.pdf", "index.csv", "wj/目录.pdf", "wj/index.csv", "GK2026000001.zip", "GK2026000005.zip", "jt/index.csv"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("missing %s", p)
		}
	}
	idx, _ := os.ReadFile(filepath.Join(dir, "index.csv"))
	if lines := strings.Count(string(idx), "\n"); lines != 5 || !strings.HasPrefix(string(idx), "GK2026000001,Z001-WS·2026-D30-WJ-0001,") {
		t.Errorf("index.csv (%d lines):\n%s", lines, idx)
	}
	rep, err := VerifyPath(dir)
	if err != nil || rep.Checked != 5 || rep.Broken != 0 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	// An agency's own list names its packages beside it (../<tracking_no>.zip) and verifies.
	if rep, err := VerifyPath(filepath.Join(dir, "jt")); err != nil || rep.Checked != 2 || rep.Broken != 0 {
		t.Fatalf("verify jt: %+v %v", rep, err)
	}
	// The same cases give the same transfer.
	dir2 := t.TempDir()
	x.Export(context.Background(), DirSink(dir2), 2026, agencies, true)
	for _, p := range []string{"目录.pdf", "index.csv", "GK2026000004.zip"} {
		a, _ := os.ReadFile(filepath.Join(dir, p))
		b, _ := os.ReadFile(filepath.Join(dir2, p))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two exports", p)
		}
	}
	// One package removed, one replaced by another case's: both named.
	os.Remove(filepath.Join(dir, "GK2026000002.zip"))
	b, _ := os.ReadFile(filepath.Join(dir, "GK2026000004.zip"))
	os.WriteFile(filepath.Join(dir, "GK2026000005.zip"), b, 0o644)
	rep, _ = VerifyPath(dir)
	if rep.Checked != 5 || rep.Broken != 2 || len(rep.Problems) != 2 || rep.Problems[0].TrackingNo != "GK2026000002" ||
		rep.Problems[0].File != "GK2026000002.zip" || rep.Problems[1].TrackingNo != "GK2026000005" {
		t.Errorf("verify after tampering: %+v", rep)
	}
	// A single package path.
	rep, err = VerifyPath(filepath.Join(dir, "GK2026000001.zip"))
	if err != nil || rep.Checked != 1 || rep.Broken != 0 {
		t.Errorf("one package: %+v %v", rep, err)
	}
}

func TestPageCount(t *testing.T) {
	signed := []byte("%PDF-1.7\n3 0 obj << /Type /Page /Parent 1 0 R >> endobj\n4 0 obj << /Type /Page >> endobj\n1 0 obj << /Type /Pages /Count 2 >> endobj\n%%EOF\n" +
		"3 0 obj << /Type /Page /Parent 1 0 R /Annots [9 0 R] >> endobj\n9 0 obj << /Type /Annot /Subtype /Widget >> endobj\n%%EOF\n")
	for _, c := range []struct {
		name string
		body []byte
		want int
	}{
		{"not a PDF", []byte("\xff\xd8 jpeg"), 1},
		{"two pages", []byte("%PDF-1.4\n1 0 obj<</Type/Page>>endobj 2 0 obj<</Type /Page/Parent 5 0 R>>endobj 5 0 obj<</Type/Pages/Count 2>>endobj"), 2},
		{"incremental update rewrites a page", signed, 2},
		{"object streams only", []byte("%PDF-1.5\n<</Type/Pages/Count 7/Kids[]>>"), 7},
	} {
		if got := PageCount(c.body); got != c.want {
			t.Errorf("%s: %d pages, want %d", c.name, got, c.want)
		}
	}
}

// 保管期限 per retention group (docs/operations.md "Archive"); a remedy makes the file permanent.
func TestRetention(t *testing.T) {
	s := cases.Settings{}
	for _, c := range []struct {
		outcome string
		remedy  bool
		want    string
	}{
		{"disclose", false, Retention30}, {"withhold.state_secret", false, Retention30}, {"partial", false, Retention30},
		{"unavailable.not_held", false, Retention10}, {"rejected.duplicate", false, Retention10}, {"other.other", false, Retention10},
		{"other.fee_lapsed", true, RetentionPermanent}, {"disclose", true, RetentionPermanent},
	} {
		if got := RetentionFor(s, c.outcome, c.remedy); got != c.want {
			t.Errorf("%s remedy=%v: %s, want %s", c.outcome, c.remedy, got, c.want)
		}
	}
	s.Retention = map[string]string{GroupNotHeld: Retention30, GroupDecision: "bogus"}
	if RetentionFor(s, "unavailable.not_held", false) != Retention30 || RetentionFor(s, "disclose", false) != Retention30 {
		t.Error("settings not applied")
	}
	if RetentionEnds(2026, Retention10).String() != "2037-01-01" || !RetentionEnds(2026, RetentionPermanent).IsZero() {
		t.Error("RetentionEnds")
	}
}

// A byte changed anywhere in a transfer is named: in a ZIP header that no file's digest covers
// (the package's SHA-256 in index.csv), in index.csv itself (its columns against the packages),
// and an index.csv that no longer parses (then every package found is still checked).
func TestVerifyDirectoryCatchesEveryByte(t *testing.T) {
	src := fakeSource{}
	for i := int64(1); i <= 2; i++ {
		c := testCase(t, i, fmt.Sprintf("GK202600000%d", i))
		c.Entry.ItemNo = int(i)
		src[i] = c
	}
	dir := t.TempDir()
	x := &Exporter{Source: src, Renderer: fakeRenderer{}}
	if _, err := x.Export(context.Background(), DirSink(dir), 2026, []cases.Agency{src[1].Agency}, false); err != nil {
		t.Fatal(err)
	}
	// A byte of a local file header's name: the central directory still lists the right name.
	pkg := filepath.Join(dir, "GK2026000001.zip")
	b, _ := os.ReadFile(pkg)
	i := bytes.Index(b, []byte("history.json"))
	b[i] = 'H'
	os.WriteFile(pkg, b, 0o644)
	idx := filepath.Join(dir, "index.csv")
	ib, _ := os.ReadFile(idx)
	os.WriteFile(idx, bytes.Replace(ib, []byte("张三"), []byte("李四"), 1), 0o644)
	rep, err := VerifyPath(dir)
	if err != nil || rep.Broken != 1 || len(rep.Problems) != 1 || rep.Problems[0].File != "GK2026000001.zip" {
		// Both the package and its line changed: the package's bytes are named first.
		t.Fatalf("header byte: %+v %v", rep, err)
	}
	b[i] = 'h'
	os.WriteFile(pkg, b, 0o644)
	rep, _ = VerifyPath(dir)
	if rep.Broken != 1 || rep.Problems[0].String() != "BROKEN GK2026000001 index.csv: column title differs from the package" {
		t.Fatalf("index.csv edited: %+v", rep)
	}
	os.WriteFile(idx, append(ib, []byte("a,\"b\n")...), 0o644)
	rep, err = VerifyPath(dir)
	if err != nil || rep.Checked != 2 || rep.Broken != 1 || rep.Problems[0].File != "index.csv" {
		t.Fatalf("index.csv broken: %+v %v", rep, err)
	}
}
