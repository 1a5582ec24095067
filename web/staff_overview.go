package web

import (
	"net/http"
	"sort"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// overviewData is the supervisor's view across clerks: every overdue case and every case due
// within the smallest alert threshold, with the load of each clerk.
type overviewData struct {
	dueWindow
	Overdue []queueRow
	DueSoon []queueRow
	More    bool
	Clerks  []clerkLoad
	Pending int
	// Clusters are the Art. 44 clusters of the last 12 months: three or more applicants asking
	// for the same information, candidates for proactive disclosure (docs/rules.md §8).
	Clusters []cases.InformationCluster
}

type clerkLoad struct {
	Name    string
	Open    int
	Soon    int
	Overdue int
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
	loads := map[string]*clerkLoad{}
	load := func(name string) *clerkLoad {
		if loads[name] == nil {
			loads[name] = &clerkLoad{Name: name}
		}
		return loads[name]
	}
	list := func(tab string) ([]queueRow, error) {
		f, _ := queueFilter(tab, u, today, soon)
		f.Limit = overviewLimit
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
	for _, r := range d.Overdue {
		load(r.Assignee).Overdue++
	}
	for _, r := range d.DueSoon {
		load(r.Assignee).Soon++
	}
	for _, aid := range userAgencies(u) {
		clerks, err := s.clerksOf(ctx, aid)
		if err != nil {
			s.pageError(c, err)
			return
		}
		for _, k := range clerks {
			load(k.Username)
		}
	}
	for name, l := range loads {
		f := cases.CaseFilter{AgencyIDs: userAgencies(u), States: cases.OpenStates}
		if name == "" {
			f.Unassigned = true
		} else {
			f.Assignee = &name
		}
		if l.Open, err = s.db.CountCases(ctx, f); err != nil {
			s.pageError(c, err)
			return
		}
	}
	pf, _ := queueFilter("pending_approval", u, today, soon)
	if d.Pending, err = s.db.CountCases(ctx, pf); err != nil {
		s.pageError(c, err)
		return
	}
	for _, l := range loads {
		d.Clerks = append(d.Clerks, *l)
	}
	sort.Slice(d.Clerks, func(i, j int) bool {
		a, b := d.Clerks[i], d.Clerks[j]
		if a.Overdue != b.Overdue {
			return a.Overdue > b.Overdue
		}
		if a.Soon != b.Soon {
			return a.Soon > b.Soon
		}
		return a.Name < b.Name
	})
	s.render(c, http.StatusOK, "staff/overview", "overview.title", d)
}
