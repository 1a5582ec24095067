package notify

import (
	"testing"
	"time"
)

// docs/api.md "Clock and deployment settings": with FOIDESK_NOW the scheduler runs as if the
// clock had been set to that instant — the 08:30 sweep runs when the service's clock reads 08:30,
// not when the wall clock does.
func TestSchedulerFollowsTheServiceClock(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	// The service's clock reads 08:29:00 on 5 January 2027, whatever the wall clock says.
	offset := time.Date(2027, 1, 5, 8, 29, 0, 0, loc).Sub(time.Now())
	s := &Service{Now: func() time.Time { return time.Now().Add(offset) }}
	sc, err := s.Start(Schedule{Sweep: DefaultSweepSpec, Monthly: "off", Deliver: "off", Location: loc})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Stop()
	entries := sc.cron.Entries()
	if len(entries) != 1 {
		t.Fatalf("%d jobs scheduled, want the sweep alone", len(entries))
	}
	// The wall time of the next run, read on the service's clock, is 08:30 that day.
	if got, want := entries[0].Next.Add(offset).In(loc), time.Date(2027, 1, 5, 8, 30, 0, 0, loc); got.Sub(want).Abs() > 2*time.Second {
		t.Errorf("next sweep at %s on the service's clock, want %s", got, want)
	}
	// Without an offset the schedule is the wall clock's.
	plain := shifted{entries[0].Schedule.(shifted).Schedule, 0}
	wall := time.Date(2026, 12, 2, 8, 0, 0, 0, loc)
	if got := plain.Next(wall); !got.Equal(time.Date(2026, 12, 2, 8, 30, 0, 0, loc)) {
		t.Errorf("unshifted next %s", got)
	}
}
