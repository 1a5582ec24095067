package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	cases "foidesk/case"
)

func staffMultipart(t *testing.T, fields map[string]string, filename string, content []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	return &buf, mw.FormDataContentType()
}

// Released documents are uploaded to the case, then chosen in the draft reply; a file whose
// content does not match its type is refused and nothing is stored.
func TestUploadAndReleaseInDraft(t *testing.T) {
	o := newOffice(t)
	c := o.inState(cases.StateInProgress)
	b := o.as("clerk1")
	id := strconv.FormatInt(c.ID, 10)
	pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	body, ct := staffMultipart(t, map[string]string{"title": "2025年老旧小区改造资金使用情况表", "to_applicant": "1", "for_release": "1"}, "zijin.pdf", pdf)
	w := b.do("POST", "/staff/cases/"+id+"/uploads", body, ct)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", w.Code, pageText(w.Body.String()))
	}
	after := o.load(c.ID)
	var up cases.Document
	for _, d := range after.Documents {
		if d.Kind == cases.DocUpload {
			up = d
		}
	}
	if up.ID == 0 || up.Title != "2025年老旧小区改造资金使用情况表" || up.ContentType != "application/pdf" || !up.Applicant {
		t.Fatalf("uploaded: %+v", up)
	}
	dl := b.get("/staff/cases/" + id + "/documents/" + strconv.FormatInt(up.ID, 10))
	if dl.Code != http.StatusOK || !bytes.Equal(dl.Body.Bytes(), pdf) || !strings.Contains(dl.Header().Get("Content-Disposition"), "attachment") {
		t.Errorf("download: %d %q", dl.Code, dl.Header().Get("Content-Disposition"))
	}

	// Disguised file: refused, nothing stored.
	body, ct = staffMultipart(t, nil, "virus.pdf", []byte("MZ\x90\x00 not a pdf"))
	w = b.do("POST", "/staff/cases/"+id+"/uploads", body, ct)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `<details open id="upload">`) {
		t.Fatalf("disguised file: %d", w.Code)
	}
	unchanged(t, o, after)

	// A working paper uploaded without "for release" is not offered as an attachment.
	body, ct = staffMultipart(t, map[string]string{"title": "内部审核意见"}, "neibu.pdf", pdf)
	if w := b.do("POST", "/staff/cases/"+id+"/uploads", body, ct); w.Code != http.StatusSeeOther {
		t.Fatalf("second upload: %d", w.Code)
	}
	var internal int64
	for _, d := range o.load(c.ID).Documents {
		if d.Title == "内部审核意见" {
			internal = d.ID
		}
	}

	// The draft form offers the upload for release, and only it; choosing it records it in the draft.
	v := formOf(t, b, c.ID, "draft_reply")
	page := b.get("/staff/cases/" + id).Body.String()
	if !strings.Contains(page, `name="documents" value="`+strconv.FormatInt(up.ID, 10)+`"`) {
		t.Fatal("the draft form does not offer the upload")
	}
	if internal == 0 || strings.Contains(page, `name="documents" value="`+strconv.FormatInt(internal, 10)+`"`) {
		t.Fatalf("the draft form offers a document not uploaded for release (id %d)", internal)
	}
	code, _, out := postAction(b, c.ID, "draft_reply", v, url.Values{"outcome": {"disclose"}, "reasons": {"予以公开，见附件。"}, "documents": {strconv.FormatInt(up.ID, 10)}})
	if code != http.StatusSeeOther {
		t.Fatalf("draft: %d %s", code, pageText(out))
	}
	d := o.load(c.ID).Draft
	if d == nil || len(d.Documents) != 1 || d.Documents[0] != up.ID {
		t.Fatalf("draft documents: %+v", d)
	}
	if page := pageText(b.get("/staff/cases/" + id).Body.String()); !strings.Contains(page, "提供的文件 2025年老旧小区改造资金使用情况表") {
		t.Errorf("draft summary lacks the released document: %s", page)
	}
}
