package notify

import (
	"context"
	"fmt"
	"time"

	cases "foidesk/case"
)

// Delivery of e-mails and text messages from the outbox.
const (
	// MaxAttempts is the number of tries after which an e-mail is given up (listed for the
	// administrator, who may retry it).
	MaxAttempts = 8
	// claimLease is how long a claimed message is reserved for its sender.
	claimLease = 10 * time.Minute
	claimBatch = 50
)

// Backoff is the wait after the attempt-th failed try: 1 minute, doubling, at most 6 hours
// (1, 2, 4, 8, 16, 32 minutes, 1 h 4 min, 2 h 8 min…).
func Backoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	d := time.Minute
	for i := 1; i < attempt && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// Delivery is what one Deliver run did.
type Delivery struct {
	Sent    int
	Failed  int // tries that failed (retried later or given up)
	GivenUp int
}

// Deliver sends the e-mails and text messages of the outbox that are due, each once: claimed
// (leased so that no other instance sends it meanwhile), sent, then marked sent; a failure records
// the error and the next try (Backoff), or gives up after MaxAttempts. Without a Mailer the e-mails
// stay queued, without an SMS sender the text messages.
func (s *Service) Deliver(ctx context.Context) (Delivery, error) {
	var d Delivery
	if s.Mailer != nil {
		if err := s.deliverChannel(ctx, cases.MessageEmail, s.send, &d); err != nil {
			return d, err
		}
	}
	if s.SMS != nil {
		sendSMS := func(ctx context.Context, m cases.Message) error {
			ctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			return s.SMS.SendSMS(ctx, smsOf(m))
		}
		if err := s.deliverChannel(ctx, cases.MessageSMS, sendSMS, &d); err != nil {
			return d, err
		}
	}
	s.Metrics.delivered(d)
	if d.Sent+d.Failed > 0 {
		s.log().Info("outbox delivered", "sent", d.Sent, "failed", d.Failed, "given_up", d.GivenUp)
	}
	return d, nil
}

// deliverChannel sends the due messages of one channel with send.
func (s *Service) deliverChannel(ctx context.Context, channel string, send func(context.Context, cases.Message) error, d *Delivery) error {
	for round := 0; round < 100; round++ {
		msgs, err := s.Store.ClaimMessages(ctx, channel, claimBatch, claimLease)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if err := send(ctx, m); err != nil {
				d.Failed++
				attempts := m.Attempts + 1
				var next *time.Time
				if attempts < MaxAttempts {
					t := s.now().Add(Backoff(attempts))
					next = &t
				} else {
					d.GivenUp++
				}
				s.log().Warn("message not sent", "channel", channel, "message", m.ID, "attempt", attempts, "err", err)
				if err := s.Store.MarkFailed(ctx, m.ID, truncate(err.Error(), 500), next); err != nil {
					return err
				}
				continue
			}
			if err := s.Store.MarkSent(ctx, m.ID); err != nil {
				return err
			}
			d.Sent++
		}
		if len(msgs) < claimBatch {
			break
		}
	}
	return nil
}

func (s *Service) send(ctx context.Context, m cases.Message) error {
	mail := Mail{To: []string{m.Recipient}, Subject: m.Subject, Body: m.Body, Date: s.now(),
		MessageID: fmt.Sprintf("outbox-%d-%d@foidesk", m.ID, m.CreatedAt.Unix())}
	if m.DocumentID != 0 {
		doc, err := s.Store.OutboxDocument(ctx, m.DocumentID)
		if err != nil {
			return fmt.Errorf("attachment %d: %w", m.DocumentID, err)
		}
		mail.Attachment = &Attachment{Filename: doc.Filename, ContentType: doc.ContentType, Data: doc.Body}
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	return s.Mailer.Send(ctx, mail)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
