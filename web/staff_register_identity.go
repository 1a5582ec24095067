package web

import (
	"net/url"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// identityWarning looks up the cases filed under the form's identity document with another
// applicant name (a typo, or an application under another person's identity number, Art. 29).
// It warns once and never refuses: the form comes back with the cases listed and the number
// acknowledged in identity_ack, and the same form submitted again registers.
func (s *Server) identityWarning(c *gin.Context, app cases.Application, form url.Values) ([]cases.NameOnFile, string, error) {
	number := cases.NormalizeIDNumber(app.Applicant.IDType, app.Applicant.IDNumber)
	if number == "" || form.Get("identity_ack") == app.Applicant.IDType+":"+number {
		return nil, "", nil
	}
	u, _ := currentUser(c)
	ids := userAgencies(u)
	if app.Agency != "" {
		if a, err := s.db.AgencyByCode(c.Request.Context(), app.Agency); err == nil {
			ids = []int64{a.ID}
		}
	}
	names, err := s.db.OtherNames(c.Request.Context(), ids, app.Applicant.IDType, number, app.Applicant.Name)
	if err != nil || len(names) == 0 {
		return nil, "", err
	}
	return names, app.Applicant.IDType + ":" + number, nil
}
