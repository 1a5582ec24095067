package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
	"foidesk/workflow"
)

// overviewData is the supervisor's view across clerks: every overdue case and every case due
// within the smallest alert threshold, with the load of each clerk.
type overviewData struct {
	dueWindow
	Overdue []queueRow
	DueSoon []queueRow
	More    bool
	Clerks  []workflow.ClerkLoad // workflow.ClerkLoads
	Pending int
	// Clusters are the Art. 44 clusters of the last 12 months: three or more applicants asking
	// for the same information, candidates for proactive disclosure (docs/rules.md §8).
	Clusters []cases.InformationCluster
}

const overviewLimit = 500

func (s *Server) overview(c *gin.Context) {
	ctx := c.Request.Context()
	u, _ := currentUser(c)
	w, err := s.dueWindowOf(ctx, u)
	if err != nil {
		s.pageError(c, err)
		return
	}
	today, soon := w.Today, w.Soon
	d := overviewData{dueWindow: w}
	list := func(tab string) ([]queueRow, error) {
		f, _ := queueFilter(tab, u, today, soon)
		f.Limit, f.Brief = overviewLimit, true
		cs, next, err := s.db.FindCases(ctx, f)
		if err != nil {
			return nil, err
		}
		if next != "" {
			d.More = true
		}
		var rows []queueRow
		for _, x := range cs {
			if tab == "due_soon" && x.Overdue(today) {
				continue // listed with the overdue cases
			}
			rows = append(rows, s.rowOf(x, today))
		}
		return rows, nil
	}
	if d.Clusters, err = s.db.InformationClusters(ctx, userAgencies(u), today); err != nil {
		s.pageError(c, err)
		return
	}
	if d.Overdue, err = list("overdue"); err != nil {
		s.pageError(c, err)
		return
	}
	if d.DueSoon, err = list("due_soon"); err != nil {
		s.pageError(c, err)
		return
	}
	var overdue, dueSoon, clerks []string
	for _, r := range d.Overdue {
		overdue = append(overdue, r.Assignee)
	}
	for _, r := range d.DueSoon {
		dueSoon = append(dueSoon, r.Assignee)
	}
	for _, aid := range userAgencies(u) {
		ks, err := s.clerksOf(ctx, aid)
		if err != nil {
			s.pageError(c, err)
			return
		}
		for _, k := range ks {
			clerks = append(clerks, k.Username)
		}
	}
	open, err := s.db.OpenCasesByAssignee(ctx, userAgencies(u))
	if err != nil {
		s.pageError(c, err)
		return
	}
	d.Clerks = workflow.ClerkLoads(overdue, dueSoon, clerks, open)
	pf, _ := queueFilter("pending_approval", u, today, soon)
	if d.Pending, err = s.db.CountCases(ctx, pf); err != nil {
		s.pageError(c, err)
		return
	}
	s.render(c, http.StatusOK, "staff/overview", "overview.title", d)
}
