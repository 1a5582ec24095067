package main

import (
	"bufio"
	"context"
	"io"
	"strings"

	"foidesk/store"
)

const userUsage = `Usage: foidesk user add NAME --role R[,R] [--agency CODE] [--display NAME] [--db DSN]

Creates a staff account. Roles: clerk (经办人), supervisor (审核人), admin (管理员). The account
belongs to the agency CODE (default: the first agency). The password is the first line of the
standard input (at least 8 characters), e.g.

  printf '%s\n' "$PASSWORD" | foidesk user add clerk1 --role clerk

Prints nothing on success.`

// runUser runs the subcommand of "foidesk user" named by args[0].
func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, args, stdout, stderr, userUsage,
		subcommand{Name: "add", Summary: "create a staff account", Run: runUserAdd})
}

func runUserAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "user add")
	dsn := f.DB()
	roleText := f.String("role", "", "roles, comma-separated: clerk, supervisor, admin")
	agency := f.String("agency", "", "the agency code (default: the first agency)")
	display := f.String("display", "", "the name shown on pages (default: NAME)")
	pos, err := f.parse(args, userUsage, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give one user NAME")
	}
	if *roleText == "" {
		return usagef("--role is required")
	}
	roles, err := store.ParseRoles(*roleText)
	if err != nil {
		return err
	}
	password, err := readPassword(opts(ctx).Stdin)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	var agencyID int64
	if *agency != "" {
		a, err := db.AgencyByCode(ctx, *agency)
		if err != nil {
			return err
		}
		agencyID = a.ID
	}
	name := *display
	if name == "" {
		name = pos[0]
	}
	u, err := db.CreateUser(ctx, pos[0], password, roles, agencyID, name)
	if err != nil {
		return err
	}
	logger(ctx).Info("user created", "user", u.Username, "roles", u.RolesText)
	return nil
}

// readPassword reads the first line of r; an empty line is refused.
func readPassword(r io.Reader) (string, error) {
	if r == nil {
		return "", usagef("the password is read from the standard input")
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", usagef("empty password: give the password on the first line of the standard input")
	}
	return line, nil
}
