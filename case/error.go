package cases

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. The web layer maps each to one HTTP status (see docs/api.md "Codes").
const (
	EINVALID      = "EINVALID"      // 422: a bad payload or field
	EFORBIDDEN    = "EFORBIDDEN"    // 403: the actor's role or relation does not allow it
	EUNAUTHORIZED = "EUNAUTHORIZED" // 401: no or bad credentials
	ENOTFOUND     = "ENOTFOUND"     // 404
	ECONFLICT     = "ECONFLICT"     // 409: not allowed in this state or history, or lost a race
	ERATELIMIT    = "ERATELIMIT"    // 429
	EINTERNAL     = "EINTERNAL"     // 500
)

// Error is the one error type of foidesk. Message is safe to show a person (Chinese); MessageEN
// is its English form; Fields maps a field path such as "applicant.id_number" to its message.
type Error struct {
	Code      string
	Message   string
	MessageEN string
	Fields    map[string]string // field path → Chinese message
	FieldsEN  map[string]string // field path → English message
}

func (e *Error) Error() string {
	if e.MessageEN != "" {
		return fmt.Sprintf("%s: %s", e.Code, e.MessageEN)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with a Chinese message and an English one. The arguments fill the
// verbs of each message; a message without verbs (often the Chinese one, when only the English
// one carries the details) is kept as written, with no "%!(EXTRA …)" tail.
func Errorf(code, zh, en string, args ...any) *Error {
	return &Error{Code: code, Message: sprintfIfVerbs(zh, args), MessageEN: sprintfIfVerbs(en, args)}
}

func sprintfIfVerbs(format string, args []any) string {
	if !strings.Contains(format, "%") {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// ErrorCode returns the code of err, EINTERNAL for anything that is not an *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the person-safe message of err in the given language ("zh" or "en").
func ErrorMessage(err error, lang string) string {
	var e *Error
	if errors.As(err, &e) {
		if lang == "en" && e.MessageEN != "" {
			return e.MessageEN
		}
		return e.Message
	}
	if lang == "en" {
		return "Internal error."
	}
	return "系统内部错误。"
}

// FieldErrors collects per-field validation errors in both languages.
type FieldErrors struct {
	ZH map[string]string
	EN map[string]string
}

// Add records the message for a field; the first message of a field wins.
func (f *FieldErrors) Add(field, zh, en string) {
	if f.ZH == nil {
		f.ZH, f.EN = map[string]string{}, map[string]string{}
	}
	if _, ok := f.ZH[field]; ok {
		return
	}
	f.ZH[field], f.EN[field] = zh, en
}

// Merge adds every field of o under prefix (e.g. "applicant.").
func (f *FieldErrors) Merge(prefix string, o FieldErrors) {
	for k, v := range o.ZH {
		f.Add(prefix+k, v, o.EN[k])
	}
}

// Empty reports whether no field failed.
func (f FieldErrors) Empty() bool { return len(f.ZH) == 0 }

// Err returns nil when no field failed, else an EINVALID *Error listing the fields.
func (f FieldErrors) Err() error {
	if f.Empty() {
		return nil
	}
	return &Error{Code: EINVALID, Message: "提交的内容有误，请按提示修改。", MessageEN: "Some fields are invalid; please correct them.", Fields: f.ZH, FieldsEN: f.EN}
}

// FieldError returns an EINVALID *Error about one input (a body field path or a query parameter
// name), its message being that field's (docs/api.md "Codes": every 422 caused by one input names it).
func FieldError(field, zh, en string) *Error {
	return &Error{Code: EINVALID, Message: zh, MessageEN: en, Fields: map[string]string{field: zh}, FieldsEN: map[string]string{field: en}}
}

// E returns an *Error with the given messages as they are (no formatting).
func E(code, zh, en string) *Error { return &Error{Code: code, Message: zh, MessageEN: en} }
