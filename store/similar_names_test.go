package store

import (
	"context"
	"testing"

	cases "foidesk/case"
)

// Art. 29: the cases filed under an identity number with another applicant name (spaces
// ignored), the registration's warning; other agencies' cases are not listed.
func TestOtherNames(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		g := newGX(t, db)
		c := g.paper("2026-03-02")
		got, err := db.OtherNames(ctx, []int64{c.AgencyID}, cases.IDResident, "11010519491231002x", "李四")
		if err != nil || len(got) != 1 || got[0].TrackingNo != c.TrackingNo || got[0].Name != "张三" || got[0].ReceivedOn.String() != "2026-03-02" {
			t.Fatalf("other name: %+v %v", got, err)
		}
		if got, _ := db.OtherNames(ctx, []int64{c.AgencyID}, cases.IDResident, "11010519491231002X", "张 三"); len(got) != 0 {
			t.Errorf("the same name: %+v", got)
		}
		if got, _ := db.OtherNames(ctx, []int64{c.AgencyID + 100}, cases.IDResident, "11010519491231002X", "李四"); len(got) != 0 {
			t.Errorf("another agency: %+v", got)
		}
	})
}
