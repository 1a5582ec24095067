package notify

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the Prometheus counters of the jobs (served on /metrics by the web server).
type Metrics struct {
	Alerts      *prometheus.CounterVec // by kind
	Lapses      *prometheus.CounterVec // by event
	EmailsSent  prometheus.Counter
	EmailFails  prometheus.Counter
	SweepSecond prometheus.Histogram
}

// NewMetrics creates the counters and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Alerts:      prometheus.NewCounterVec(prometheus.CounterOpts{Name: "foidesk_alerts_total", Help: "Deadline alerts recorded, by kind."}, []string{"kind"}),
		Lapses:      prometheus.NewCounterVec(prometheus.CounterOpts{Name: "foidesk_lapses_total", Help: "Statutory lapses applied by the sweep, by event."}, []string{"event"}),
		EmailsSent:  prometheus.NewCounter(prometheus.CounterOpts{Name: "foidesk_emails_sent_total", Help: "E-mails delivered from the outbox."}),
		EmailFails:  prometheus.NewCounter(prometheus.CounterOpts{Name: "foidesk_email_failures_total", Help: "Failed e-mail tries (retried with backoff)."}),
		SweepSecond: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "foidesk_sweep_seconds", Help: "Duration of the deadline sweep.", Buckets: prometheus.ExponentialBuckets(0.01, 4, 8)}),
	}
	reg.MustRegister(m.Alerts, m.Lapses, m.EmailsSent, m.EmailFails, m.SweepSecond)
	return m
}

func (m *Metrics) sweep(r Report, seconds float64) {
	if m == nil {
		return
	}
	for _, a := range r.Alerts {
		m.Alerts.WithLabelValues(a.Kind).Inc()
	}
	for _, l := range r.Lapses {
		m.Lapses.WithLabelValues(l.Event).Inc()
	}
	m.SweepSecond.Observe(seconds)
}

func (m *Metrics) delivered(d Delivery) {
	if m == nil {
		return
	}
	m.EmailsSent.Add(float64(d.Sent))
	m.EmailFails.Add(float64(d.Failed))
}
