package main

import (
	"context"
	"fmt"
	"io"
)

const auditUsage = `Usage: foidesk audit verify [--db DSN]

Verifies the hash chain of every case's history (Art. 45: every step is a recorded event): each
event's hash, its link to the previous one, the sequence and the case's stored count and head
hash, so that an edited or removed event — the last one included — is found. Prints one line
"BROKEN <tracking_no> seq=<n>: <reason>" per broken case, then "verified: N, broken: M"; exits 1
when M > 0.`

// runAudit runs the subcommand of "foidesk audit" named by args[0].
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, args, stdout, stderr, auditUsage,
		subcommand{Name: "verify", Summary: "verify every case", Run: runAuditVerify})
}

func runAuditVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "audit verify")
	dsn := f.DB()
	if err := f.parseNone(args, auditUsage, stdout); err != nil {
		return err
	}
	db, err := openExistingDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	n, broken, err := db.AuditVerify(ctx)
	if err != nil {
		return err
	}
	for _, b := range broken {
		fmt.Fprintf(stdout, "BROKEN %s seq=%d: %s\n", b.TrackingNo, b.Seq, b.Reason)
	}
	fmt.Fprintf(stdout, "verified: %d, broken: %d\n", n, len(broken))
	if len(broken) > 0 {
		return exitError{1}
	}
	return nil
}
