package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// readBody decodes the JSON body of an API request into v strictly: at most limit bytes, valid
// UTF-8 (Go's decoder would silently replace invalid bytes), no unknown fields, no trailing data.
// Every refusal is a 422 naming its input in fields (docs/api.md "Codes"): the field path of a
// wrong type, a bad value (e.g. a date) or an unknown field, else "body"; messages never name Go
// types.
func readBody(c *gin.Context, v any, limit int64) error {
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, limit+1))
	if err != nil || int64(len(body)) > limit {
		return bodyError("body", "请求内容过长或无法读取。", "The request body is too large or unreadable.")
	}
	if !utf8.Valid(body) {
		return bodyError("body", "请求内容不是有效的UTF-8编码。", "The request body is not valid UTF-8.")
	}
	if err := checkJSONStrings(body); err != nil { // web/freetext.go
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(body, v, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return bodyError("body", "请求内容在JSON之后还有多余数据。", "The body has data after the JSON value.")
	}
	return nil
}

func bodyError(field, zh, en string) error {
	var f cases.FieldErrors
	f.Add(field, zh, en)
	e := f.Err().(*cases.Error)
	e.Message, e.MessageEN = zh, en
	return e
}

// jsonError turns a decoding error into a 422 naming the field.
func jsonError(body []byte, v any, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "body"
		}
		want := jsonKind(te.Type)
		return bodyError(field, fmt.Sprintf("字段 %s 应为%s。", field, want[0]), fmt.Sprintf("The field %s must be %s.", field, want[1]))
	}
	msg := err.Error()
	if i := strings.Index(msg, "unknown field "); i >= 0 {
		name := strings.Trim(msg[i+len("unknown field "):], `"`)
		return bodyError(name, fmt.Sprintf("未知的字段 %s。", name), fmt.Sprintf("Unknown field %s.", name))
	}
	var ce *cases.Error
	if errors.As(err, &ce) { // a value refused by its type's UnmarshalJSON (e.g. a date): find its field
		field := badField(body, reflect.TypeOf(v), "")
		if field == "" {
			field = "body"
		}
		if len(ce.Fields) > 0 {
			return ce
		}
		return bodyError(field, field+"："+ce.Message, field+": "+cases.ErrorMessage(ce, "en"))
	}
	var se *json.SyntaxError
	if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return bodyError("body", "请求内容不是有效的JSON。", "The body is not valid JSON.")
	}
	return bodyError("body", "请求内容不是有效的JSON。", "The body is not valid JSON.")
}

// jsonKind names the JSON kind a Go type expects, in Chinese and English.
func jsonKind(t reflect.Type) [2]string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return [2]string{"字符串", "a string"}
	case reflect.Bool:
		return [2]string{"true或false", "true or false"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return [2]string{"整数", "a whole number"}
	case reflect.Float32, reflect.Float64:
		return [2]string{"数字", "a number"}
	case reflect.Slice, reflect.Array:
		return [2]string{"数组", "an array"}
	}
	return [2]string{"对象", "an object"}
}

// badField finds the path of the first field of body whose value its type refuses (for errors
// of custom UnmarshalJSON methods, which carry no field).
func badField(body []byte, t reflect.Type, prefix string) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return ""
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" || !sf.IsExported() {
			continue
		}
		if sf.Anonymous && name == "" {
			if f := badField(body, sf.Type, prefix); f != "" {
				return f
			}
			continue
		}
		if name == "" {
			name = sf.Name
		}
		raw, ok := m[name]
		if !ok {
			for k, r := range m {
				if strings.EqualFold(k, name) {
					raw, ok = r, true
				}
			}
		}
		if !ok {
			continue
		}
		if err := json.Unmarshal(raw, reflect.New(sf.Type).Interface()); err != nil {
			if f := badField(raw, sf.Type, prefix+name+"."); f != "" {
				return f
			}
			return prefix + name
		}
	}
	return ""
}
