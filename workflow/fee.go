package workflow

import (
	"math"

	cases "foidesk/case"
)

// Fees of 《政府信息公开信息处理费管理办法》 (国办函〔2020〕109号; docs/rules.md §5). Art. 42: applying
// is free by default; a fee is charged only for requests clearly beyond a reasonable number or
// frequency, on one basis per request, progressively on the excess. Amounts are in yuan.

// PerRequestRate returns the fee for the n-th request of one applicant in one calendar month
// (按件计收, 国办函〔2020〕109号): requests 1–10 are free, 11–30 cost 100 元 each, and from the 31st
// every further band of 10 adds 100 元 (31–40: 200, 41–50: 300, …). n < 1 costs nothing.
func PerRequestRate(n int) int {
	switch {
	case n <= 10:
		return 0
	case n <= 30:
		return 100
	default:
		return 100 * (2 + (n-31)/10)
	}
}

// PerRequestMonthTotal returns the total charged for n requests of one applicant in one calendar
// month: the sum of PerRequestRate(1…n). 45 requests: 20×100 + 10×200 + 5×300 = 5,500 元.
func PerRequestMonthTotal(n int) int {
	total := 0
	for i := 11; i <= n; i++ {
		total += PerRequestRate(i)
	}
	return total
}

// PerPageFee returns the fee for one request of the given number of pages (按量计收,
// 国办函〔2020〕109号): pages 1–30 are free; each page from 31 to 100 costs 10 元, from 101 to 200
// 20 元, from 201 on 40 元. 250 pages: 70×10 + 100×20 + 50×40 = 4,700 元.
func PerPageFee(pages int) int {
	fee := 0
	for _, band := range []struct{ from, to, rate int }{
		{31, 100, 10},
		{101, 200, 20},
		{201, math.MaxInt, 40},
	} {
		if pages < band.from {
			break
		}
		fee += (min(pages, band.to) - band.from + 1) * band.rate
	}
	return fee
}

// ComputeFee returns the fee of one request on basis cases.FeePerRequest (the request is the
// monthCount-th of its applicant in its receipt month, itself included) or cases.FeePerPage (of
// pages pages). The amount may be 0: below the thresholds nothing is due (Art. 42), and the
// caller decides whether a notice makes sense. It returns EINVALID for an unknown basis, a
// monthCount below 1 or pages below 1.
func ComputeFee(basis string, monthCount int, pages int) (cases.Fee, error) {
	switch basis {
	case cases.FeePerRequest:
		if monthCount < 1 {
			return cases.Fee{}, fieldError("count", monthCount,
				"本月申请件数应至少为1（含本件），当前为%d。", "the applicant's request count in the month must be at least 1 (this request included), not %d")
		}
		return cases.Fee{Basis: basis, Count: monthCount, Amount: PerRequestRate(monthCount)}, nil
	case cases.FeePerPage:
		if pages < 1 {
			return cases.Fee{}, fieldError("pages", pages,
				"按量计收时页数应至少为1，当前为%d。", "charging per page needs at least 1 page, not %d")
		}
		return cases.Fee{Basis: basis, Pages: pages, Amount: PerPageFee(pages)}, nil
	}
	err := cases.Errorf(cases.EINVALID, "收费方式“%s”无效，应为按件计收（per_request）或按量计收（per_page）。",
		"unknown fee basis %q: use per_request or per_page", basis)
	err.Fields = map[string]string{"basis": err.Message}
	err.FieldsEN = map[string]string{"basis": err.MessageEN}
	return cases.Fee{}, err
}

// fieldError is an EINVALID error about one field.
func fieldError(field string, v int, zh, en string) error {
	err := cases.Errorf(cases.EINVALID, zh, en, v)
	err.Fields = map[string]string{field: err.Message}
	err.FieldsEN = map[string]string{field: err.MessageEN}
	return err
}
