package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// publicRoutes are the applicant's pages and the public API (no account needed).
func (s *Server) publicRoutes(r *gin.Engine) {
	r.GET("/", s.home)
}

func init() {
	addMessages(map[string][2]string{
		"home.title": {"依申请公开", "Apply for disclosure"},
	})
}

func (s *Server) home(c *gin.Context) {
	s.render(c, http.StatusOK, "public/home", "home.title", nil)
}
