package workflow

import "sort"

// ClerkLoad is one line of the supervisor's overview: a clerk's (or, named "", the unassigned)
// open cases, those due soon and those overdue.
type ClerkLoad struct {
	Name    string
	Open    int
	Soon    int
	Overdue int
}

// ClerkLoads counts the overview's load per clerk: one line per assignee of an overdue or soon-due
// case (overdue and soon list their assignees, one entry per case) and per clerk of the agencies
// (clerks), with its open cases from open (by assignee); the heaviest first — most overdue, then
// most due soon, then by name.
func ClerkLoads(overdue, soon, clerks []string, open map[string]int) []ClerkLoad {
	loads := map[string]*ClerkLoad{}
	load := func(name string) *ClerkLoad {
		if loads[name] == nil {
			loads[name] = &ClerkLoad{Name: name, Open: open[name]}
		}
		return loads[name]
	}
	for _, name := range overdue {
		load(name).Overdue++
	}
	for _, name := range soon {
		load(name).Soon++
	}
	for _, name := range clerks {
		load(name)
	}
	out := make([]ClerkLoad, 0, len(loads))
	for _, l := range loads {
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Overdue != b.Overdue {
			return a.Overdue > b.Overdue
		}
		if a.Soon != b.Soon {
			return a.Soon > b.Soon
		}
		return a.Name < b.Name
	})
	return out
}
