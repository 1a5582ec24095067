package archive

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"time"

	cases "foidesk/case"
)

// FormatName names the package format in metadata.json and manifest.json.
const FormatName = "foidesk-archive/1"

// Fixed names of the package's files.
const (
	CatalogueFile = "目录.pdf"
	HistoryJSON   = "history.json"
	HistoryPDF    = "history.pdf"
	MetadataFile  = "metadata.json"
	ManifestFile  = "manifest.json"
	documentsDir  = "documents/"
)

// Entry is a case's place in the archive: its 年度 and 件号, assigned in the transaction of its
// first archiving and kept for ever (a case reopened and archived again keeps them).
type Entry struct {
	CaseID int64
	Year   int
	ItemNo int
}

// Case is everything a package is made of: the case with its events, remedies and documents
// (bodies included), its agency and its Entry.
type Case struct {
	Case   *cases.Case
	Agency cases.Agency
	Entry  Entry
}

// Item is one row of the 卷内文件目录: one document of the case.
type Item struct {
	Seq         int        `json:"seq"` // 序号 within the 件
	Path        string     `json:"path"`
	Kind        string     `json:"kind"`
	Responsible string     `json:"responsible"` // 责任者
	Number      string     `json:"number"`      // 文号
	Title       string     `json:"title"`       // 题名
	Date        cases.Date `json:"date"`        // 日期
	Pages       int        `json:"pages"`       // 页数
}

// Renderer renders the package's PDFs (package forms implements it). Each PDF is dated at, and
// depends only on, what it is given, so that the package is deterministic.
type Renderer interface {
	// CaseCatalogue is the 卷内文件目录 of one case.
	CaseCatalogue(m Metadata, items []Item, at time.Time) ([]byte, error)
	// History is the case's history for a reader.
	History(m Metadata, events []cases.Event, at time.Time) ([]byte, error)
	// TransferCatalogue is the 归档文件目录 of a year's transfer.
	TransferCatalogue(t Transfer, at time.Time) ([]byte, error)
}

// FileEntry is one file of a package in its manifest.
type FileEntry struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Manifest lists every file of a package but itself, and the case's hash chain head at the time
// the package was made.
type Manifest struct {
	Format     string      `json:"format"`
	TrackingNo string      `json:"tracking_no"`
	Version    int         `json:"version"`
	EventCount int         `json:"event_count"`
	HeadHash   string      `json:"head_hash"`
	Files      []FileEntry `json:"files"`
}

// History is the content of history.json: the case id (part of every event's hash) and the events.
type History struct {
	Format     string         `json:"format"`
	CaseID     int64          `json:"case_id"`
	TrackingNo string         `json:"tracking_no"`
	Events     []HistoryEvent `json:"events"`
}

// HistoryEvent is one event as history.json holds it: every field the hash covers, exactly.
type HistoryEvent struct {
	Seq            int             `json:"seq"`
	Event          string          `json:"event"`
	Actor          string          `json:"actor"`
	At             string          `json:"at"` // RFC 3339 with nanoseconds, UTC: as hashed
	FromState      string          `json:"from_state"`
	ToState        string          `json:"to_state"`
	ReplyDueBefore string          `json:"reply_due_before"`
	ReplyDueAfter  string          `json:"reply_due_after"`
	Payload        json.RawMessage `json:"payload"`
	PrevHash       string          `json:"prev_hash"`
	Hash           string          `json:"hash"`
}

func historyOf(c *cases.Case) History {
	h := History{Format: FormatName, CaseID: c.ID, TrackingNo: c.TrackingNo, Events: make([]HistoryEvent, len(c.Events))}
	for i, e := range c.Events {
		p := e.Payload
		if len(p) == 0 {
			p = json.RawMessage("{}")
		}
		h.Events[i] = HistoryEvent{Seq: e.Seq, Event: string(e.Event), Actor: e.Actor, At: e.At.UTC().Format(time.RFC3339Nano),
			FromState: string(e.FromState), ToState: string(e.ToState), ReplyDueBefore: e.ReplyDueBefore.String(), ReplyDueAfter: e.ReplyDueAfter.String(),
			Payload: p, PrevHash: e.PrevHash, Hash: e.Hash}
	}
	return h
}

// ToEvent turns a history.json event back into the event whose hash it carries.
func (h HistoryEvent) ToEvent(caseID int64) (cases.Event, error) {
	at, err := time.Parse(time.RFC3339Nano, h.At)
	if err != nil {
		return cases.Event{}, fmt.Errorf("event %d: time %q: %w", h.Seq, h.At, err)
	}
	var before, after cases.Date
	if h.ReplyDueBefore != "" {
		if before, err = cases.ParseDate(h.ReplyDueBefore); err != nil {
			return cases.Event{}, fmt.Errorf("event %d: reply_due_before %q", h.Seq, h.ReplyDueBefore)
		}
	}
	if h.ReplyDueAfter != "" {
		if after, err = cases.ParseDate(h.ReplyDueAfter); err != nil {
			return cases.Event{}, fmt.Errorf("event %d: reply_due_after %q", h.Seq, h.ReplyDueAfter)
		}
	}
	return cases.Event{CaseID: caseID, Seq: h.Seq, Event: cases.EventName(h.Event), Actor: h.Actor, At: at, FromState: cases.State(h.FromState), ToState: cases.State(h.ToState),
		Payload: h.Payload, ReplyDueBefore: before, ReplyDueAfter: after, PrevHash: h.PrevHash, Hash: h.Hash}, nil
}

// Version is the package version of a case: the number of times it was archived.
func Version(c *cases.Case) int {
	n := 0
	for _, e := range c.Events {
		if e.Event == cases.EventArchive {
			n++
		}
	}
	return max(n, 1)
}

// madeAt is the instant a package is dated at: the case's last event, so that the same history
// gives the same bytes.
func madeAt(c *cases.Case) time.Time {
	if n := len(c.Events); n > 0 {
		return c.Events[n-1].At.UTC()
	}
	return c.UpdatedAt.UTC()
}

// Describe returns the archival metadata and the 卷内文件目录 of a case.
func Describe(in Case) (Metadata, []Item) {
	c, a := in.Case, in.Agency
	s := a.Settings
	remedy := len(c.Remedies) > 0
	ret := RetentionFor(s, c.Outcome, remedy)
	org, orgCode := s.ArchiveOrg, s.ArchiveOrgCode
	if org == "" {
		org = a.Name
	}
	if orgCode == "" {
		orgCode = a.Code
	}
	items := make([]Item, 0, len(c.Documents))
	pages := 0
	for i, d := range c.Documents {
		it := Item{Seq: i + 1, Path: documentPath(i+1, d), Kind: d.Kind, Number: d.Number, Title: documentTitle(d),
			Date: cases.DateOf(d.CreatedAt, s.Location()), Pages: PageCount(d.Body)}
		switch d.Kind {
		case cases.DocApplicationForm, cases.DocUpload:
			it.Responsible = c.Applicant.Name
			if d.Kind == cases.DocUpload && !d.Applicant {
				it.Responsible = a.Name // a staff upload (delivery proof, released documents)
			}
		default:
			it.Responsible = a.Name
		}
		pages += it.Pages
		items = append(items, it)
	}
	m := Metadata{Format: FormatName, FondsNo: s.FondsNo, Category: "WS", Year: in.Entry.Year, Retention: ret, RetentionCode: RetentionCode(ret),
		RetentionEnds: RetentionEnds(in.Entry.Year, ret), Organisation: org, OrgCode: strings.ToUpper(orgCode), ItemNo: in.Entry.ItemNo,
		Title: Title(c), Responsible: a.Name, DocumentNo: c.LetterNo, Date: c.ConcludedOn, Pages: pages, Documents: len(items),
		TrackingNo: c.TrackingNo, Applicant: c.Applicant.Name, Outcome: c.Outcome, OutcomeLabel: OutcomeLabel(c.Outcome),
		ReceivedOn: c.ReceivedOn, ConcludedOn: c.ConcludedOn, ArchivedOn: c.ArchivedOn, Version: Version(c), Remedies: len(c.Remedies),
		Agency: a.Code, Language: "zh", Carrier: "电子", Classification: "无", TimeZone: s.Location().String()}
	m.ArchivalCode = ArchivalCode(s.FondsNo, m.Year, ret, m.OrgCode, m.ItemNo)
	return m, items
}

// documentTitle is a document's 题名: its stored title, else the label of its kind.
func documentTitle(d cases.Document) string {
	if t := strings.TrimSpace(d.Title); t != "" {
		return t
	}
	return cases.DocKinds.Label(d.Kind, "zh")
}

// documentPath is where document n of the case goes: documents/NN-<kind>-<id><ext>. Only ASCII,
// so that every unzip shows the same names; the title is in 目录.pdf and metadata.
func documentPath(n int, d cases.Document) string {
	ext := strings.ToLower(path.Ext(d.Filename))
	if ext == "" || len(ext) > 6 || strings.ContainsAny(ext, "/\\ ") {
		ext = extFor(d.ContentType)
	}
	return fmt.Sprintf("%s%02d-%s-%d%s", documentsDir, n, d.Kind, d.ID, ext)
}

func extFor(contentType string) string {
	switch strings.TrimSpace(strings.SplitN(contentType, ";", 2)[0]) {
	case "application/pdf":
		return ".pdf"
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "text/plain":
		return ".txt"
	}
	return ".bin"
}

// Build makes the package of one case: the ZIP bytes and its manifest. The case must carry its
// events, remedies and documents with their bodies. Nothing in it depends on the clock.
func Build(in Case, r Renderer) ([]byte, Manifest, error) {
	body, man, _, err := build(in, r)
	return body, man, err
}

func build(in Case, r Renderer) ([]byte, Manifest, Metadata, error) {
	c := in.Case
	m, items := Describe(in)
	at := madeAt(c)
	type file struct {
		path string
		body []byte
	}
	var files []file
	cat, err := r.CaseCatalogue(m, items, at)
	if err != nil {
		return nil, Manifest{}, Metadata{}, fmt.Errorf("%s: 目录.pdf: %w", c.TrackingNo, err)
	}
	files = append(files, file{CatalogueFile, cat})
	for i, d := range c.Documents {
		if int64(len(d.Body)) != d.Size {
			return nil, Manifest{}, Metadata{}, fmt.Errorf("%s: document %d: %d bytes stored, %d recorded", c.TrackingNo, d.ID, len(d.Body), d.Size)
		}
		files = append(files, file{items[i].Path, d.Body})
	}
	hj, err := json.MarshalIndent(historyOf(c), "", "  ")
	if err != nil {
		return nil, Manifest{}, Metadata{}, err
	}
	files = append(files, file{HistoryJSON, append(hj, '\n')})
	hp, err := r.History(m, c.Events, at)
	if err != nil {
		return nil, Manifest{}, Metadata{}, fmt.Errorf("%s: history.pdf: %w", c.TrackingNo, err)
	}
	files = append(files, file{HistoryPDF, hp})
	mj, err := json.MarshalIndent(struct {
		Metadata
		Items []Item `json:"items"`
	}{m, items}, "", "  ")
	if err != nil {
		return nil, Manifest{}, Metadata{}, err
	}
	files = append(files, file{MetadataFile, append(mj, '\n')})

	man := Manifest{Format: FormatName, TrackingNo: c.TrackingNo, Version: m.Version, EventCount: c.EventCount, HeadHash: c.HeadHash}
	for _, f := range files {
		sum := sha256.Sum256(f.body)
		man.Files = append(man.Files, FileEntry{Path: f.path, Size: int64(len(f.body)), SHA256: hex.EncodeToString(sum[:])})
	}
	mf, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return nil, Manifest{}, Metadata{}, err
	}
	files = append(files, file{ManifestFile, append(mf, '\n')})

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		method := zip.Deflate
		if strings.HasSuffix(f.path, ".pdf") || strings.HasSuffix(f.path, ".jpg") || strings.HasSuffix(f.path, ".png") {
			method = zip.Store // already compressed
		}
		// The MS-DOS time of each entry in the agency's zone (what unzip shows); the extended
		// timestamp Go writes beside it is zone-free.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.path, Method: method, Modified: at.In(in.Agency.Settings.Location())})
		if err != nil {
			return nil, Manifest{}, Metadata{}, err
		}
		if _, err := w.Write(f.body); err != nil {
			return nil, Manifest{}, Metadata{}, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, Manifest{}, Metadata{}, err
	}
	return buf.Bytes(), man, m, nil
}
