package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	cases "foidesk/case"
)

// Art. 29: the identity number of a new registration already on file under another applicant
// name is a warning on the form (the cases listed), never a refusal: the clerk checks the
// document and submits again; the same name registers without a warning.
func TestRegisterIdentityWarning(t *testing.T) {
	o := newOffice(t)
	b := o.as("clerk1")
	if w := b.post("/staff/register", paperForm()); w.Code != http.StatusSeeOther {
		t.Fatalf("first: %d %s", w.Code, pageText(w.Body.String()))
	}
	if w := b.post("/staff/register", paperForm()); w.Code != http.StatusSeeOther {
		t.Fatalf("same name again: %d (no warning expected) %s", w.Code, pageText(w.Body.String()))
	}
	other := paperForm()
	other.Set("applicant.name", "望城县律师事务所")
	w := b.post("/staff/register", other)
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, `id="identity-warning"`) || !strings.Contains(pageText(body), "证件号码已登记在其他姓名（名称）下") ||
		!strings.Contains(body, "望城律师事务所") || !strings.Contains(body, `value="望城县律师事务所"`) {
		t.Fatalf("warning: %d %s", w.Code, pageText(body))
	}
	if n, _ := o.db.CountCases(o.ctx, cases.CaseFilter{}); n != 2 {
		t.Fatalf("the warning stored a case: %d", n)
	}
	m := regexp.MustCompile(`name="identity_ack" value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no acknowledgement in the form")
	}
	other.Set("identity_ack", m[1])
	if w := b.post("/staff/register", other); w.Code != http.StatusSeeOther {
		t.Fatalf("registered anyway: %d %s", w.Code, pageText(w.Body.String()))
	}
	if n, _ := o.db.CountCases(o.ctx, cases.CaseFilter{}); n != 3 {
		t.Errorf("cases %d, want 3", n)
	}
	if T("en", "register.identity.title") == "register.identity.title" {
		t.Error("no English text")
	}
}
