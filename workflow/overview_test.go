package workflow

import (
	"reflect"
	"testing"
)

// The overview's load per clerk: overdue and soon-due cases by assignee, every clerk listed
// (idle ones too), the unassigned as "", the heaviest first.
func TestClerkLoads(t *testing.T) {
	open := map[string]int{"li": 7, "wang": 3, "": 2, "zhao": 1}
	got := ClerkLoads([]string{"wang", "li", "wang", ""}, []string{"li", "li", "zhao"}, []string{"li", "wang", "chen"}, open)
	want := []ClerkLoad{
		{Name: "wang", Open: 3, Overdue: 2},
		{Name: "li", Open: 7, Overdue: 1, Soon: 2},
		{Name: "", Open: 2, Overdue: 1},
		{Name: "zhao", Open: 1, Soon: 1},
		{Name: "chen"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("loads\n got %+v\nwant %+v", got, want)
	}
	if got := ClerkLoads(nil, nil, nil, nil); len(got) != 0 {
		t.Errorf("no cases, no clerks: %+v", got)
	}
}
