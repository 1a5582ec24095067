package web

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/gin-gonic/gin"
)

// Reverse proxies (docs/api.md "Clock and deployment settings", FOIDESK_TRUSTED_PROXIES):
// offices serve foidesk behind one. Only a request whose direct peer is a trusted proxy has
// its X-Forwarded-For (the client's address; gin's ClientIP with SetTrustedProxies) and its
// X-Forwarded-Proto (HTTPS) believed; anyone else could forge them.

// clientAddr is the address of the client of a request: the rate limits (login throttle,
// tracking look-ups, submissions, access-code recovery), the auth log and the access log key
// on it.
func clientAddr(c *gin.Context) string { return c.ClientIP() }

// parseProxies reads the trusted proxies: addresses or CIDRs.
func parseProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, p := range list {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !strings.Contains(p, "/") {
			a, err := netip.ParseAddr(p)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: not an address or CIDR", p)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		pf, err := netip.ParsePrefix(p)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: not an address or CIDR", p)
		}
		out = append(out, pf.Masked())
	}
	return out, nil
}

// fromTrustedProxy reports whether the direct peer of r is a trusted proxy.
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	if len(s.proxies) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(strings.TrimSpace(r.RemoteAddr))
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range s.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// isHTTPS reports whether r came over HTTPS: TLS to foidesk itself, or a trusted proxy saying
// so in X-Forwarded-Proto (the first value, as the proxy nearest the client wrote it).
func (s *Server) isHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !s.fromTrustedProxy(r) {
		return false
	}
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}
