package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	cases "foidesk/case"
	"foidesk/forms"
)

// scan uploads a scanned document to a case as clerk1.
func (o *office) scan(caseID int64, title string) cases.Document {
	o.t.Helper()
	d, err := o.db.AddUpload(o.ctx, caseID, cases.Document{Title: title, Filename: title + ".pdf", ContentType: "application/pdf",
		Body: []byte("%PDF-1.4 scan")}, o.actor("clerk1"))
	if err != nil {
		o.t.Fatal(err)
	}
	return d
}

// record_delivery's typed proof through the case page's form: the kinds and the files staff
// uploaded to the case offered (not the applicant's own); a proof the workflow refuses (an EMS kind without its number, another case's
// document) is refused with the field's error in Chinese, the typed values kept and nothing
// changed; a good one lands in the event's payload and is shown with the delivery and in the
// timeline, with a link to the scan.
func TestDeliveryProofForm(t *testing.T) {
	o := newOffice(t)
	c := o.inState(cases.StateReplied)
	doc := o.scan(c.ID, "送达回证扫描件")
	other := o.inState(cases.StateReplied)
	foreign := o.scan(other.ID, "他案文件")
	if _, err := o.db.AddUpload(o.ctx, c.ID, cases.Document{Title: "申请人身份证", Filename: "id.pdf", ContentType: "application/pdf", Body: []byte("%PDF-1.4 id")}, applicantActor); err != nil {
		t.Fatal(err)
	}
	b := o.as("clerk1")
	page := b.get(fmt.Sprintf("/staff/cases/%d", c.ID)).Body.String()
	for _, want := range []string{`name="proof.kind"`, `<option value="ems">邮政特快专递（EMS）单号</option>`, `<option value="receipt_card">送达回证</option>`,
		`name="proof.number"`, `name="proof.document_id"`, fmt.Sprintf(`<option value="%d">送达回证扫描件`, doc.ID)} {
		if !strings.Contains(page, want) {
			t.Errorf("the delivery form lacks %s", want)
		}
	}
	if strings.Contains(page, "他案文件") {
		t.Error("another case's document is offered")
	}
	if i := strings.Index(page, `name="proof.document_id"`); strings.Contains(page[i:i+strings.Index(page[i:], "</select>")], "申请人身份证") {
		t.Error("the applicant's own file is offered as the proof")
	}

	for _, bad := range []struct {
		form  url.Values
		field string
		msg   string
		echo  []string
	}{
		{url.Values{"way": {"post"}, "delivered_on": {"2026-11-03"}, "proof.kind": {"ems"}, "proof.number": {" "}}, "proof_number", "请填写EMS单号。",
			[]string{`<option value="ems" selected>`, `<option value="post" selected>`}},
		{url.Values{"way": {"pickup"}, "delivered_on": {"2026-11-03"}, "proof.kind": {"receipt_card"}, "proof.number": {"回证第7号"}, "proof.document_id": {itoa64(foreign.ID)}},
			"proof_document", "该文件不是本案卷中的文件。", []string{`value="回证第7号"`, `<option value="receipt_card" selected>`}},
		{url.Values{"way": {"pickup"}, "delivered_on": {"2026-11-03"}, "proof.kind": {"receipt_card"}}, "proof_document", "请选择扫描的送达回证。", nil},
		{url.Values{"way": {"post"}, "delivered_on": {"2026-11-03"}, "proof.number": {"1234567890"}}, "proof_kind", "送达凭证的类型应为", []string{`value="1234567890"`}},
		{url.Values{"way": {"post"}, "delivered_on": {"2026-11-03"}, "proof.kind": {"receipt_card"}, "proof.document_id": {"x"}}, "proof_document", "所选文件不正确。", nil},
	} {
		before := o.load(c.ID)
		code, _, body := postAction(b, c.ID, "record_delivery", formOf(t, b, c.ID, "record_delivery"), bad.form)
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("%v: %d %s", bad.form, code, pageText(body))
		}
		unchanged(t, o, before)
		if after := o.load(c.ID); !after.DeliveredOn.IsZero() {
			t.Fatal("a refused delivery was recorded")
		}
		if !strings.Contains(body, `id="err-record_delivery-`+bad.field+`"`) || !strings.Contains(body, bad.msg) {
			t.Errorf("%v: no error %q at %s", bad.form, bad.msg, bad.field)
		}
		for _, e := range bad.echo {
			if !strings.Contains(body, e) {
				t.Errorf("%v: the typed value %s is lost", bad.form, e)
			}
		}
	}

	code, loc, body := postAction(b, c.ID, "record_delivery", formOf(t, b, c.ID, "record_delivery"),
		url.Values{"way": {"pickup"}, "delivered_on": {"2026-11-03"}, "proof.kind": {"receipt_card"}, "proof.document_id": {itoa64(doc.ID)}})
	if code != http.StatusSeeOther {
		t.Fatalf("good proof: %d %s", code, pageText(body))
	}
	after := o.load(c.ID)
	ev := after.Events[len(after.Events)-1]
	var p struct {
		Way   string               `json:"way"`
		Proof *cases.DeliveryProof `json:"proof"`
	}
	if err := json.Unmarshal(ev.Payload, &p); err != nil || ev.Event != cases.EventRecordDelivery || p.Proof == nil ||
		*p.Proof != (cases.DeliveryProof{Kind: "receipt_card", DocumentID: doc.ID}) {
		t.Fatalf("the event's payload: %s %s", ev.Event, ev.Payload)
	}
	page = b.get(strings.SplitN(loc, "#", 2)[0]).Body.String()
	link := fmt.Sprintf(`href="/staff/cases/%d/documents/%d"`, c.ID, doc.ID)
	i := strings.Index(page, `id="delivery"`)
	if i < 0 {
		t.Fatal("the case page shows no delivery")
	}
	if dd := page[i : i+strings.Index(page[i:], "</dd>")]; !strings.Contains(pageText(dd), "2026-11-03 · 当面领取 送达凭证： 送达回证； 送达回证扫描件") || !strings.Contains(dd, link) {
		t.Errorf("the delivery on the case page: %s", pageText(dd))
	}
	i = strings.Index(page, `data-event="record_delivery"`)
	if row := page[i : i+strings.Index(page[i:], "</tr>")]; !strings.Contains(pageText(row), "送达凭证： 送达回证； 送达回证扫描件") || !strings.Contains(row, link) {
		t.Errorf("the delivery in the timeline: %s", pageText(row))
	}
	en := b.get(fmt.Sprintf("/staff/cases/%d?lang=en", c.ID)).Body.String()
	if i := strings.Index(en, `id="delivery"`); i < 0 || !strings.Contains(pageText(en[i:i+strings.Index(en[i:], "</dd>")]), "Proof of delivery: Signed service receipt; 送达回证扫描件") {
		t.Errorf("the delivery in English: %s", pageText(en[i:i+300]))
	}
}

// withReports serves o with the real report renderer (the font, when installed, for PDFs).
func withReports(t *testing.T, o *office, font *forms.Font) {
	t.Helper()
	r := forms.NewRenderer(font, nil)
	s, err := New(Config{Backend: o.db, Renderer: r, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return o.db.Now() },
		Reports: o.db, ReportRenderer: r, Inbox: o.db, Sessions: o.db.SessionStore()})
	if err != nil {
		t.Fatal(err)
	}
	o.s = s
}

// deliveredWithProofs: three delivered cases, by EMS, by a signed service receipt (scanned) and
// without a proof.
func deliveredWithProofs(o *office) (ems, card, none *cases.Case, doc cases.Document) {
	ems = o.inState(cases.StateReplied)
	o.fire(ems.ID, "clerk1", "record_delivery", map[string]any{"way": "post", "delivered_on": "2026-11-03", "proof": map[string]any{"kind": "ems", "number": "1234567890"}})
	card = o.inState(cases.StateReplied)
	doc = o.scan(card.ID, "回证")
	o.fire(card.ID, "clerk1", "record_delivery", map[string]any{"way": "pickup", "delivered_on": "2026-11-03", "proof": map[string]any{"kind": "receipt_card", "document_id": doc.ID}})
	none = o.inState("delivered")
	return
}

// The proof in the ledger: on the page (linked to the scan), in the JSON rows, and as the last
// CSV column 送达凭证 with the existing columns unchanged.
func TestDeliveryProofLedger(t *testing.T) {
	o := newOffice(t)
	withReports(t, o, nil)
	ems, card, none, doc := deliveredWithProofs(o)
	sup := o.as("sup1")
	page := sup.get("/staff/ledger?from=2026-11-01&to=2026-11-30").Body.String()
	if !strings.Contains(page, `<span class="meta proof">EMS 1234567890</span>`) ||
		!strings.Contains(page, fmt.Sprintf(`<a href="/staff/cases/%d/documents/%d" download>送达回证（扫描件）</a>`, card.ID, doc.ID)) {
		t.Errorf("the ledger page shows no proof: %s", pageText(page))
	}
	w := sup.get("/staff/ledger/export?from=2026-11-01&to=2026-11-30&format=csv")
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(w.Body.Bytes(), []byte("\xEF\xBB\xBF")))).ReadAll()
	if w.Code != http.StatusOK || err != nil || len(recs) != 4 {
		t.Fatalf("csv: %d %v %d lines", w.Code, err, len(recs))
	}
	head := recs[0]
	if len(head) != 26 || head[24] != "事件链头" || head[25] != "送达凭证" || head[19] != "送达方式" {
		t.Fatalf("csv header: %v", head)
	}
	got := map[string]string{}
	for _, r := range recs[1:] {
		got[r[2]] = r[25]
	}
	if got[ems.TrackingNo] != "EMS 1234567890" || got[card.TrackingNo] != "送达回证（扫描件）" || got[none.TrackingNo] != "" {
		t.Errorf("csv proofs: %v", got)
	}
	w = o.api("sup1", "GET", "/api/v1/ledger?from=2026-11-01&to=2026-11-30", nil)
	var l struct {
		Rows []struct {
			TrackingNo    string               `json:"tracking_no"`
			DeliveryProof *cases.DeliveryProof `json:"delivery_proof"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &l); err != nil {
		t.Fatal(err)
	}
	for _, r := range l.Rows {
		if r.TrackingNo == ems.TrackingNo && (r.DeliveryProof == nil || r.DeliveryProof.Number != "1234567890") {
			t.Errorf("json row: %+v", r)
		}
	}
}

// The ledger PDF's 送达 cell carries the proof.
func TestDeliveryProofLedgerPDF(t *testing.T) {
	font := requirePreviewTools(t)
	o := newOffice(t)
	withReports(t, o, font)
	deliveredWithProofs(o)
	w := o.as("sup1").get("/staff/ledger/export?from=2026-11-01&to=2026-11-30&format=pdf")
	if w.Code != http.StatusOK {
		t.Fatalf("pdf: %d", w.Code)
	}
	f := t.TempDir() + "/ledger.pdf"
	if err := os.WriteFile(f, w.Body.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if text := strings.Join(strings.Fields(string(out)), ""); !strings.Contains(text, "1234567890") || !strings.Contains(text, "送达回证") {
		t.Errorf("the ledger PDF shows no proof:\n%s", out)
	}
}
