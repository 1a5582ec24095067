package cases

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"
)

// Date is a calendar date (no time of day) in the agency's time zone. The zero Date means "none".
// It is stored and sent as "YYYY-MM-DD" (JSON null and SQL NULL for the zero Date).
type Date struct{ t time.Time }

// NewDate returns the date y-m-d.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// DateOf returns the calendar date of instant t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	t = t.In(loc)
	return NewDate(t.Year(), t.Month(), t.Day())
}

// ParseDate parses "YYYY-MM-DD"; it returns EINVALID for anything else.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, Errorf(EINVALID, "日期“%s”格式不正确，应为YYYY-MM-DD。", "date %q is not in the form YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// MustDate parses s and panics on error; for tests and constants.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func (d Date) IsZero() bool          { return d.t.IsZero() }
func (d Date) Time() time.Time       { return d.t }
func (d Date) Year() int             { return d.t.Year() }
func (d Date) Month() time.Month     { return d.t.Month() }
func (d Date) Day() int              { return d.t.Day() }
func (d Date) Weekday() time.Weekday { return d.t.Weekday() }
func (d Date) AddDays(n int) Date    { return Date{d.t.AddDate(0, 0, n)} }
func (d Date) Before(o Date) bool    { return d.t.Before(o.t) }
func (d Date) After(o Date) bool     { return d.t.After(o.t) }
func (d Date) Equal(o Date) bool     { return d.t.Equal(o.t) }
func (d Date) Sub(o Date) int        { return int(d.t.Sub(o.t).Hours() / 24) }
func (d Date) Compare(o Date) int    { return d.t.Compare(o.t) }
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
}

// String is "YYYY-MM-DD", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format("2006-01-02")
}

// Chinese is the form letters use: 2026年11月3日.
func (d Date) Chinese() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year(), int(d.Month()), d.Day())
}

func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 12)
	b = append(b, '"')
	b = d.t.AppendFormat(b, "2006-01-02")
	return append(b, '"'), nil // "YYYY-MM-DD" needs no escaping
}

func (d *Date) UnmarshalJSON(b []byte) error {
	var s *string
	if str, ok := plainJSONString(b); ok { // most dates (a case's clock has a dozen): no decoder
		s = &str
	} else if string(b) != "null" {
		if err := json.Unmarshal(b, &s); err != nil {
			return Errorf(EINVALID, "日期格式不正确，应为YYYY-MM-DD。", "a date must be a string YYYY-MM-DD")
		}
	}
	if s == nil || *s == "" {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(*s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Value stores the date as TEXT "YYYY-MM-DD" (NULL when zero).
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads TEXT, []byte or time.Time.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
	case string:
		if v == "" {
			*d = Date{}
			return nil
		}
		p, err := ParseDate(v[:min(len(v), 10)])
		if err != nil {
			return err
		}
		*d = p
	case []byte:
		return d.Scan(string(v))
	case time.Time:
		*d = NewDate(v.Year(), v.Month(), v.Day())
	default:
		return fmt.Errorf("cases.Date: cannot scan %T", src)
	}
	return nil
}

// plainJSONString returns the content of a JSON string without escapes or control characters
// (ok false for anything else, which the decoder then reads).
func plainJSONString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false
	}
	for _, c := range b[1 : len(b)-1] {
		if c == '\\' || c == '"' || c < 0x20 || c >= 0x80 {
			return "", false
		}
	}
	return string(b[1 : len(b)-1]), true
}
