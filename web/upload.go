package web

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	cases "foidesk/case"

	"github.com/gin-gonic/gin"
)

// Uploads (identity proof, correction material): JPEG, PNG or PDF, recognised by their content
// (http.DetectContentType and the file's magic bytes, never the name or the declared type), at
// most the agency's UploadLimit bytes together (default 10 MB) and maxFiles files a request. A
// request with one bad file is refused whole and nothing of it is stored.

const (
	maxFiles      = 5
	maxFieldBytes = 64 << 10 // one text field of a form
	formOverhead  = 1 << 20  // room for the text fields and multipart framing
	// drainFactor: an oversized file is read to its end (up to this many times the limit) so
	// that the browser receives the answer instead of a reset connection.
	drainFactor = 4
)

// pubUpload is one accepted file.
type pubUpload struct {
	Filename    string
	ContentType string
	Body        []byte
}

// fileType is an accepted kind of file.
type fileType struct {
	contentType string
	magic       []byte
	ext         string
}

var fileTypes = []fileType{
	{"image/jpeg", []byte{0xFF, 0xD8, 0xFF}, ".jpg"},
	{"image/png", []byte("\x89PNG\r\n\x1a\n"), ".png"},
	{"application/pdf", []byte("%PDF-"), ".pdf"},
}

// sniffUpload returns the accepted type of body, or false.
func sniffUpload(body []byte) (fileType, bool) {
	detected := http.DetectContentType(body)
	if i := strings.IndexByte(detected, ';'); i >= 0 {
		detected = detected[:i]
	}
	for _, t := range fileTypes {
		if detected == t.contentType && bytes.HasPrefix(body, t.magic) {
			return t, true
		}
	}
	return fileType{}, false
}

// uploadError is a refused upload, shown against the file field.
type uploadError struct{ zh, en string }

func (e *uploadError) Error() string { return e.en }

func (e *uploadError) field(field string) error {
	var f cases.FieldErrors
	f.Add(field, e.zh, e.en)
	err := f.Err().(*cases.Error)
	err.Message, err.MessageEN = e.zh, e.en
	return err
}

func errTooLarge(limit int64) *uploadError {
	mb := megabytes(limit)
	return &uploadError{"上传的文件过大：合计不得超过" + mb + "MB，请压缩或分次上传。", "The files are too large: together they may not exceed " + mb + " MB. Make them smaller or send them separately."}
}

func errBadType(name string) *uploadError {
	return &uploadError{"文件“" + name + "”不是JPEG、PNG图片或PDF文件，未予接收。", "The file \"" + name + "\" is not a JPEG or PNG image or a PDF document, so it was not accepted."}
}

var errTooMany = &uploadError{"一次最多上传" + strconv.Itoa(maxFiles) + "个文件。", "At most " + strconv.Itoa(maxFiles) + " files may be sent at once."}

// megabytes formats a byte count in MB: "10", "2.5".
func megabytes(n int64) string {
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', -1, 64)
}

// checkUploads checks the files read from a request against the limit and the accepted types.
func checkUploads(files []pubUpload, limit int64) ([]pubUpload, *uploadError) {
	if len(files) > maxFiles {
		return nil, errTooMany
	}
	var total int64
	out := make([]pubUpload, 0, len(files))
	for _, f := range files {
		total += int64(len(f.Body))
		if total > limit {
			return nil, errTooLarge(limit)
		}
		t, ok := sniffUpload(f.Body)
		if !ok {
			return nil, errBadType(f.Filename)
		}
		f.ContentType = t.contentType
		f.Filename = cleanFilename(f.Filename, t.ext)
		out = append(out, f)
	}
	return out, nil
}

// cleanFilename keeps the base name of a client's file name, without control characters, at
// most 100 characters, with the extension of its real type.
func cleanFilename(name, ext string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || r == '/' || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSuffix(name, path.Ext(name))
	name = strings.TrimSpace(name)
	if name == "" || name == "." {
		name = "file"
	}
	if utf8.RuneCountInString(name) > 100 {
		name = string([]rune(name)[:100])
	}
	return name + ext
}

// postedForm is a form read from a request: its fields and files, and what went wrong with the
// files (the fields are kept even then, so the page can show everything typed).
type postedForm struct {
	Values  url.Values
	Files   []pubUpload
	FileErr *uploadError
}

// checkedFiles returns the form's files checked against limit (checkUploads), or the problem the
// reading already found with them.
func (pf *postedForm) checkedFiles(limit int64) ([]pubUpload, *uploadError) {
	if pf.FileErr != nil {
		return pf.Files, pf.FileErr
	}
	return checkUploads(pf.Files, limit)
}

// readPublicForm reads the form posted to a public page (readPostedForm): one that cannot be read
// is answered with the error page and nil; files beyond the limit are kept as the form's FileErr.
func (s *Server) readPublicForm(c *gin.Context, limit int64) *postedForm {
	pf, err := readPostedForm(c.Writer, c.Request, limit)
	if err == nil {
		if err := checkFormValues(pf.Values); err != nil { // NUL, bidi controls, overlong text: web/freetext.go
			s.errorPage(c, err)
			return nil
		}
	}
	if err != nil {
		var ue *uploadError
		if !errors.As(err, &ue) || pf == nil {
			s.errorPage(c, cases.E(cases.EINVALID, "提交的表单无法读取，请重新填写。", "The form could not be read; please fill it in again."))
			return nil
		}
		pf.FileErr, pf.Files = ue, nil
	}
	return pf
}

// readPostedForm reads an url-encoded or multipart form whose files may total limit bytes. Files are
// the parts with a file name; a file part without content (an empty file input) is ignored.
// Text fields are read in full; files beyond the limit are read to their end (up to a hard cap,
// enforced with http.MaxBytesReader) and dropped, so the browser receives the answer.
func readPostedForm(w http.ResponseWriter, r *http.Request, limit int64) (*postedForm, error) {
	hardCap := limit*drainFactor + formOverhead
	r.Body = http.MaxBytesReader(w, r.Body, hardCap)
	pf := &postedForm{Values: url.Values{}}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		pf.Values = r.PostForm
		return pf, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, err
	}
	var total int64
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return pf, readErr(err, limit)
		}
		if part.FileName() == "" {
			b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
			if err != nil {
				return pf, readErr(err, limit)
			}
			if len(b) > maxFieldBytes {
				return pf, &uploadError{"提交的内容过长。", "The form is too long."}
			}
			pf.Values.Add(part.FormName(), string(b))
			continue
		}
		if err := readPostedFile(pf, part, limit, &total); err != nil {
			return pf, readErr(err, limit)
		}
	}
	return pf, nil
}

// readPostedFile reads one file part into pf, or records why it was refused.
func readPostedFile(pf *postedForm, part *multipart.Part, limit int64, total *int64) error {
	if pf.FileErr != nil {
		_, err := io.Copy(io.Discard, part)
		return err
	}
	room := limit - *total
	b, err := io.ReadAll(io.LimitReader(part, room+1))
	if err != nil {
		return err
	}
	if int64(len(b)) > room {
		pf.FileErr = errTooLarge(limit)
		pf.Files = nil
		_, err := io.Copy(io.Discard, part)
		return err
	}
	if len(b) == 0 {
		return nil
	}
	*total += int64(len(b))
	if len(pf.Files) == maxFiles {
		pf.FileErr = errTooMany
		pf.Files = nil
		return nil
	}
	pf.Files = append(pf.Files, pubUpload{Filename: part.FileName(), Body: b})
	return nil
}

// readErr turns a body over the hard cap into the too-large error.
func readErr(err error, limit int64) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return errTooLarge(limit)
	}
	return err
}
