package web

import "github.com/gin-gonic/gin"

// staffRoutes are the office's pages and the staff API (login or bearer token required).
func (s *Server) staffRoutes(r *gin.Engine) {}
