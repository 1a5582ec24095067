package web

import (
	"net/http"
	"os"
	"testing"
)

func TestStaffPagesRender(t *testing.T) {
	o := newOffice(t)
	c := o.register("2026-11-02")
	for _, who := range []string{"clerk1", "sup1"} {
		b := o.as(who)
		for _, p := range []string{"/staff/queue", "/staff/queue?tab=registered", "/staff/cases/" + itoa64(c.ID), "/staff/register", "/staff/overview"} {
			w := b.get(p)
			if os.Getenv("DUMP") != "" {
				os.WriteFile("/tmp/w/dump-"+who+"-"+sanitize(p)+".html", w.Body.Bytes(), 0o644)
			}
			if w.Code != http.StatusOK && w.Code != http.StatusForbidden {
				t.Errorf("%s %s: %d %s", who, p, w.Code, w.Body.String())
			}
		}
	}
	b := o.as("admin1")
	for _, p := range []string{"/admin", "/admin/agencies", "/admin/agencies/1", "/admin/users", "/admin/users/1", "/admin/calendar"} {
		w := b.get(p)
		if os.Getenv("DUMP") != "" {
			os.WriteFile("/tmp/w/dump-admin-"+sanitize(p)+".html", w.Body.Bytes(), 0o644)
		}
		if w.Code != http.StatusOK {
			t.Errorf("admin %s: %d %s", p, w.Code, w.Body.String())
		}
	}
}
