package web

import (
	"archive/zip"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"foidesk/archive"
	cases "foidesk/case"
)

// The archive (docs/operations.md "Archive"): the package of an archived case from its page, the
// year's transfer from the ledger page (supervisors), and the cases whose 保管期限 has passed
// (a page and GET /api/v1/archive/due). Packages are made on demand, never stored.

// ArchiveBackend is what the archive pages need of the store (package store implements it).
type ArchiveBackend interface {
	archive.Source
	ArchiveDue(ctx context.Context, agencyIDs []int64, today cases.Date) ([]archive.Due, error)
	ArchiveYears(ctx context.Context, agencyIDs []int64) ([]int, error)
}

func (s *Server) archiveRoutes(r *gin.Engine) {
	r.GET("/staff/cases/:id/archive", s.casePackage)
	r.GET("/staff/ledger/archive", s.ledgerArchive)
	r.GET("/staff/archive/due", s.archiveDuePage)
	r.Group("/api/v1").GET("/archive/due", s.apiArchiveDue)
}

func (s *Server) archiveBackend() (ArchiveBackend, error) {
	if s.cfg.Archive != nil {
		return s.cfg.Archive, nil
	}
	return nil, cases.E(cases.EINTERNAL, "归档功能不可用。", "the archive is not available")
}

func (s *Server) exporter() (*archive.Exporter, error) {
	b, err := s.archiveBackend()
	if err != nil {
		return nil, err
	}
	r := s.cfg.ArchiveRenderer
	if r == nil {
		return nil, cases.E(cases.EINTERNAL, "归档包生成功能不可用。", "archival packages cannot be made")
	}
	return &archive.Exporter{Source: b, Renderer: r}, nil
}

// zipHeaders names a ZIP download (names may be Chinese: filename* carries UTF-8).
func zipHeaders(c *gin.Context, name string) {
	c.Header("Content-Disposition", "attachment; filename=\""+asciiName(name)+"\"; filename*=UTF-8''"+url.PathEscape(name))
	c.Header("Cache-Control", "private, no-store")
}

// casePackage downloads the archival package of an archived case (ECONFLICT when it is not
// archived now).
func (s *Server) casePackage(c *gin.Context) {
	cs, err := s.caseFor(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	x, err := s.exporter()
	if err != nil {
		s.pageError(c, err)
		return
	}
	body, _, err := x.Package(c.Request.Context(), cs.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	zipHeaders(c, cs.TrackingNo+".zip")
	c.Data(http.StatusOK, "application/zip", body)
}

// ledgerArchive downloads the year's transfer (归档移交) of the agencies the supervisor may see
// (or the one named) as one ZIP: the layout of "foidesk archive export".
func (s *Server) ledgerArchive(c *gin.Context) {
	year, err := strconv.Atoi(c.Query("year"))
	if err != nil || year < 1900 || year > 9999 {
		s.pageError(c, cases.E(cases.EINVALID, "请选择年度。", "choose a year"))
		return
	}
	_, agencies, err := s.reportScope(c, c.Query("agency"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	x, err := s.exporter()
	if err != nil {
		s.pageError(c, err)
		return
	}
	name := fmt.Sprintf("archive-%d.zip", year)
	if c.Query("agency") != "" {
		name = fmt.Sprintf("archive-%d-%s.zip", year, c.Query("agency"))
	}
	zipHeaders(c, name)
	c.Header("Content-Type", "application/zip")
	c.Status(http.StatusOK)
	zw := zip.NewWriter(c.Writer)
	n, err := x.Export(c.Request.Context(), archive.ZipSink{W: zw, Modified: s.now()}, year, agencies, len(agencies) > 1)
	if err == nil {
		err = zw.Close()
	}
	if err != nil { // the answer has begun: the ZIP stays incomplete and unreadable
		s.log.Error("archive transfer", "year", year, "err", err)
		return
	}
	s.log.Info("archive transfer downloaded", "year", year, "packages", n)
}

// archiveToday is today in the zone of the first agency (the zones of one deployment agree).
func (s *Server) archiveToday(agencies []cases.Agency) cases.Date {
	if len(agencies) > 0 {
		return s.staffToday(agencies[0])
	}
	return cases.DateOf(s.now(), cases.Settings{}.Location())
}

type archiveDueData struct {
	Items    []archive.Due
	Outcomes map[string]string // outcome code → label in the page's language
	Today    cases.Date
	Agencies []cases.Agency
	Agency   string
}

func (s *Server) archiveDue(c *gin.Context) (archiveDueData, error) {
	d := archiveDueData{Agency: c.Query("agency")}
	ids, agencies, err := s.reportScope(c, d.Agency)
	if err != nil {
		return d, err
	}
	b, err := s.archiveBackend()
	if err != nil {
		return d, err
	}
	d.Today = s.archiveToday(agencies)
	d.Agencies = s.visibleAgencies(c)
	d.Items, err = b.ArchiveDue(c.Request.Context(), ids, d.Today)
	if d.Items == nil {
		d.Items = []archive.Due{}
	}
	return d, err
}

// archiveDuePage lists the archived cases whose 保管期限 has passed, for the 鉴定 review.
func (s *Server) archiveDuePage(c *gin.Context) {
	d, err := s.archiveDue(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	d.Outcomes = map[string]string{}
	for _, it := range d.Items {
		if o, ok := cases.FindOutcome(it.Outcome); ok {
			d.Outcomes[it.Outcome] = outcomeLabel(o, lang(c))
		}
	}
	s.render(c, http.StatusOK, "staff/archive_due", "archive.due.title", d)
}

// apiArchiveDue: GET /api/v1/archive/due[?agency=CODE] → {today, items: [...]}.
func (s *Server) apiArchiveDue(c *gin.Context) {
	d, err := s.archiveDue(c)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"today": d.Today, "items": d.Items})
}
