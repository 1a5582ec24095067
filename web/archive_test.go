package web

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"foidesk/archive"
	cases "foidesk/case"
)

// The archive pages: the package of an archived case from its page, the year's transfer from the
// ledger page (supervisors only), and the list of records whose 保管期限 has passed (page and API).
func TestArchivePages(t *testing.T) {
	o, withFont := reportOffice(t)
	cs, _, err := o.db.FindCases(o.ctx, cases.CaseFilter{States: []cases.State{cases.StateReplied}})
	if err != nil {
		t.Fatal(err)
	}
	var replied []int64
	for _, c := range cs {
		if c.State == "replied" {
			replied = append(replied, c.ID)
		}
	}
	slices.Sort(replied)
	a, b := replied[0], replied[1]
	o.fire(a, "clerk1", "record_delivery", map[string]any{"way": "pickup", "delivered_on": "2026-01-13"})
	ac := o.fire(a, "clerk1", "archive", nil)

	clerk, sup := o.as("clerk1"), o.as("sup1")
	if w := clerk.get(fmt.Sprintf("/staff/cases/%d", a)); !strings.Contains(w.Body.String(), fmt.Sprintf(`href="/staff/cases/%d/archive"`, a)) {
		t.Error("the archived case's page has no package link")
	}
	if w := clerk.get(fmt.Sprintf("/staff/cases/%d", b)); strings.Contains(w.Body.String(), "/archive\"") {
		t.Error("a case not archived offers a package")
	}
	if w := clerk.get(fmt.Sprintf("/staff/cases/%d/archive", b)); w.Code != http.StatusConflict {
		t.Errorf("package of a case not archived: %d", w.Code)
	}
	if w := o.as("clerkb").get(fmt.Sprintf("/staff/cases/%d/archive", a)); w.Code != http.StatusNotFound {
		t.Errorf("another agency's clerk: %d", w.Code)
	}
	if w := clerk.get("/staff/ledger/archive?year=2026"); w.Code != http.StatusForbidden {
		t.Errorf("transfer for a clerk: %d", w.Code)
	}
	if w := sup.get("/staff/ledger"); !strings.Contains(w.Body.String(), `id="archive-transfer"`) || !strings.Contains(w.Body.String(), `<option value="2026">`) {
		t.Error("the ledger page offers no transfer of 2026 to the supervisor")
	}
	if w := clerk.get("/staff/ledger"); strings.Contains(w.Body.String(), `id="archive-transfer"`) {
		t.Error("the ledger page offers the transfer to a clerk")
	}
	if withFont {
		w := clerk.get(fmt.Sprintf("/staff/cases/%d/archive", a))
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/zip" || !strings.Contains(w.Header().Get("Content-Disposition"), ac.TrackingNo+".zip") {
			t.Fatalf("package: %d %v", w.Code, w.Header())
		}
		if p := archive.VerifyPackage("p.zip", w.Body.Bytes()); len(p) != 0 {
			t.Errorf("the downloaded package does not verify: %v", p)
		}
		w = sup.get("/staff/ledger/archive?year=2026")
		if w.Code != http.StatusOK {
			t.Fatalf("transfer: %d %s", w.Code, w.Body.String())
		}
		zr, err := zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		// sup1 oversees one agency: no folder per agency.
		if !slices.Equal(names, []string{ac.TrackingNo + ".zip", "目录.pdf", "index.csv"}) {
			t.Errorf("transfer: %v", names)
		}
	}

	// Retention: 予以公开 is kept 30 years from 1 January of the year after 2026.
	due := func(day string) []archive.Due {
		t.Helper()
		tm, _ := time.Parse("2006-01-02 15:04", day+" 09:00")
		o.db.Now = func() time.Time { return tm }
		w := o.api("clerk1", "GET", "/api/v1/archive/due", nil)
		if w.Code != http.StatusOK {
			t.Fatalf("due: %d %s", w.Code, w.Body.String())
		}
		var body struct {
			Today string        `json:"today"`
			Items []archive.Due `json:"items"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Today != day || body.Items == nil {
			t.Fatalf("due body %s", w.Body.String())
		}
		return body.Items
	}
	if items := due("2056-12-31"); len(items) != 0 {
		t.Errorf("due before the end: %+v", items)
	}
	items := due("2057-01-02")
	if len(items) != 1 || items[0].TrackingNo != ac.TrackingNo || items[0].Retention != "30年" || items[0].RetentionEnds.String() != "2057-01-01" {
		t.Fatalf("due: %+v", items)
	}
	if w := o.api("", "GET", "/api/v1/archive/due", nil); w.Code != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", w.Code)
	}
	if w := o.api("admin1", "GET", "/api/v1/archive/due", nil); w.Code != http.StatusForbidden {
		t.Errorf("admin: %d", w.Code)
	}
	w := clerk.get("/staff/archive/due")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), ac.TrackingNo) || !strings.Contains(w.Body.String(), "30年") {
		t.Errorf("due page: %d", w.Code)
	}
	if w := clerk.get("/staff/archive/due?lang=en"); !strings.Contains(w.Body.String(), "Records past their retention period") {
		t.Error("due page in English")
	}
}

// The archive settings of an agency (全宗号, 机构, 保管期限 per group) on its settings page; a
// period that is not one of the three is refused and changes nothing.
func TestArchiveSettings(t *testing.T) {
	o := newOffice(t)
	b := o.as("admin1")
	a, _ := o.db.AgencyByCode(o.ctx, "dept")
	path := fmt.Sprintf("/admin/agencies/%d", a.ID)
	if w := b.get(path); !strings.Contains(w.Body.String(), `name="fonds_no"`) || !strings.Contains(w.Body.String(), `name="retention.decision"`) {
		t.Fatal("the settings page has no archive fields")
	}
	f := agencyForm(a)
	f.Set("fonds_no", "Z017")
	f.Set("archive_org", "区住房和城乡建设局办公室")
	f.Set("archive_org_code", "BGS")
	f.Set("retention.not_held", "30年")
	if w := b.post(path, f); w.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", w.Code, pageText(w.Body.String()))
	}
	a, _ = o.db.Agency(o.ctx, a.ID)
	st := a.Settings
	if st.FondsNo != "Z017" || st.ArchiveOrg != "区住房和城乡建设局办公室" || st.ArchiveOrgCode != "BGS" || len(st.Retention) != 1 || st.Retention["not_held"] != "30年" {
		t.Fatalf("saved: %+v", st)
	}
	if archive.RetentionFor(st, "unavailable.not_held", false) != "30年" || archive.RetentionFor(st, "other.other", false) != "10年" {
		t.Error("settings not applied")
	}
	f.Set("retention.decision", "5年")
	if w := b.post(path, f); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "请选择永久、30年或10年") {
		t.Errorf("bad period: %d", w.Code)
	}
	if a, _ = o.db.Agency(o.ctx, a.ID); a.Settings.Retention["decision"] != "" {
		t.Error("a refused form changed the settings")
	}
}
