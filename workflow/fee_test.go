package workflow

import (
	"errors"
	"testing"

	cases "foidesk/case"
)

// 国办函〔2020〕109号 按件计收: 1–10 free, 11–30 100 元, then +100 元 per band of 10.
func TestPerRequestRate(t *testing.T) {
	for _, tc := range []struct{ n, want int }{
		{-1, 0}, {0, 0}, {1, 0}, {10, 0},
		{11, 100}, {15, 100}, {30, 100}, // docs/rules.md §5: the 15th request of a month costs 100 元
		{31, 200}, {40, 200},
		{41, 300}, {45, 300}, {50, 300}, // the 45th: 300 元
		{51, 400}, {60, 400}, {61, 500}, {100, 800}, {101, 900},
	} {
		if got := PerRequestRate(tc.n); got != tc.want {
			t.Errorf("PerRequestRate(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
}

func TestPerRequestMonthTotal(t *testing.T) {
	for _, tc := range []struct{ n, want int }{
		{0, 0}, {10, 0}, {11, 100}, {30, 2000}, {31, 2200}, {40, 4000},
		{45, 5500}, // docs/rules.md §5 example: 0 + 20×100 + 10×200 + 5×300
		{50, 7000},
	} {
		if got := PerRequestMonthTotal(tc.n); got != tc.want {
			t.Errorf("PerRequestMonthTotal(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
	// The total is the sum of the rates of each request.
	for n := 1; n <= 120; n++ {
		if got, want := PerRequestMonthTotal(n)-PerRequestMonthTotal(n-1), PerRequestRate(n); got != want {
			t.Fatalf("total(%d) - total(%d) = %d, want rate %d", n, n-1, got, want)
		}
	}
}

// 国办函〔2020〕109号 按量计收: 1–30 pages free, 31–100 10 元/页, 101–200 20 元/页, 201+ 40 元/页.
func TestPerPageFee(t *testing.T) {
	for _, tc := range []struct{ pages, want int }{
		{0, 0}, {1, 0}, {30, 0},
		{31, 10}, {100, 700},
		{101, 720}, {200, 2700},
		{201, 2740},
		{250, 4700}, // docs/rules.md §5 example: 70×10 + 100×20 + 50×40
		{1000, 34700},
	} {
		if got := PerPageFee(tc.pages); got != tc.want {
			t.Errorf("PerPageFee(%d) = %d, want %d", tc.pages, got, tc.want)
		}
	}
}

func TestComputeFee(t *testing.T) {
	for _, tc := range []struct {
		basis        string
		count, pages int
		want         cases.Fee
	}{
		{cases.FeePerRequest, 15, 0, cases.Fee{Basis: cases.FeePerRequest, Count: 15, Amount: 100}},
		{cases.FeePerRequest, 45, 999, cases.Fee{Basis: cases.FeePerRequest, Count: 45, Amount: 300}}, // one basis per request: pages ignored
		{cases.FeePerRequest, 3, 0, cases.Fee{Basis: cases.FeePerRequest, Count: 3, Amount: 0}},       // Art. 42: free by default
		{cases.FeePerPage, 0, 250, cases.Fee{Basis: cases.FeePerPage, Pages: 250, Amount: 4700}},
		{cases.FeePerPage, 45, 30, cases.Fee{Basis: cases.FeePerPage, Pages: 30, Amount: 0}},
	} {
		got, err := ComputeFee(tc.basis, tc.count, tc.pages)
		if err != nil || got != tc.want {
			t.Errorf("ComputeFee(%q, %d, %d) = %+v, %v; want %+v", tc.basis, tc.count, tc.pages, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		basis        string
		count, pages int
		field        string
	}{
		{cases.FeePerPage, 10, 0, "pages"},
		{cases.FeePerPage, 10, -3, "pages"},
		{cases.FeePerRequest, 0, 10, "count"},
		{"per_word", 10, 10, "basis"},
		{"", 10, 10, "basis"},
	} {
		_, err := ComputeFee(tc.basis, tc.count, tc.pages)
		var e *cases.Error
		if !errors.As(err, &e) || e.Code != cases.EINVALID {
			t.Errorf("ComputeFee(%q, %d, %d) error = %v, want EINVALID", tc.basis, tc.count, tc.pages, err)
			continue
		}
		if e.Message == "" || e.MessageEN == "" || e.Fields[tc.field] == "" || e.FieldsEN[tc.field] == "" {
			t.Errorf("ComputeFee(%q, %d, %d) error lacks a message or field %q: %+v", tc.basis, tc.count, tc.pages, tc.field, e)
		}
	}
}
