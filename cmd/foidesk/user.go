package main

import (
	"bufio"
	"context"
	"io"
	"slices"
	"strings"

	cases "foidesk/case"
	"foidesk/store"
)

const userUsage = `Usage: foidesk user add NAME --role R[,R] [--agency CODE] [--all-agencies] [--display NAME] [--db DSN]
       foidesk user unlock NAME [--db DSN]

add creates a staff account. Roles: clerk (经办人), supervisor (审核人), admin (管理员). The
account belongs to the agency CODE (default: the first agency). An admin manages its own agency
only, unless --all-agencies makes it the deployment's administrator (it also creates agencies
and corrects the shared calendar). An administrator does not also handle cases (clerk,
supervisor) unless FOIDESK_ALLOW_COMBINED_ROLES=1. The password is the first line of the
standard input: at least 12 characters of at least three kinds (lower-case, upper-case, digits,
other), not containing NAME, e.g.

  printf '%s\n' "$PASSWORD" | foidesk user add clerk1 --role clerk

unlock lifts the lock of an account that reached the ceiling of failed logins.

Prints nothing on success.`

// runUser runs the subcommand of "foidesk user" named by args[0].
func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, args, stdout, stderr, userUsage,
		subcommand{Name: "add", Summary: "create a staff account", Run: runUserAdd},
		subcommand{Name: "unlock", Summary: "unlock an account locked by failed logins", Run: runUserUnlock})
}

func runUserAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "user add")
	dsn := f.DB()
	roleText := f.String("role", "", "roles, comma-separated: clerk, supervisor, admin")
	agency := f.String("agency", "", "the agency code (default: the first agency)")
	display := f.String("display", "", "the name shown on pages (default: NAME)")
	all := f.Bool("all-agencies", false, "an admin of the whole deployment")
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
	if *all && !slices.Contains(roles, cases.RoleAdmin) {
		return usagef("--all-agencies is for an admin")
	}
	if err := cases.CheckRoleSeparation(roles, allowCombinedRoles()); err != nil {
		return err
	}
	password, err := readPassword(opts(ctx).Stdin)
	if err != nil {
		return err
	}
	if err := cases.ValidatePassword(pos[0], password); err != nil {
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
	if *all {
		if u, err = db.UpdateUser(ctx, u.ID, cases.UserPatch{AllAgencies: all}); err != nil {
			return err
		}
	}
	logger(ctx).Info("user created", "user", u.Username, "roles", u.RolesText)
	return nil
}

func runUserUnlock(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "user unlock")
	dsn := f.DB()
	pos, err := f.parse(args, userUsage, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give one user NAME")
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.UnlockUser(ctx, pos[0], "cli"); err != nil {
		return err
	}
	logger(ctx).Info("user unlocked", "user", pos[0])
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
