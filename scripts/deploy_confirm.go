package scripts

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// ConfirmOnTerminal is the default [Confirm]: on a terminal it prints plan
// and asks "Deploy? [y/N]" on standard error, reading the answer from
// standard input; only y or yes goes ahead. Without a terminal it refuses
// with an error rather than assume yes.
func ConfirmOnTerminal(ctx context.Context, plan string) (bool, error) {
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		return false, errors.New("DEPLOY_CONFIRM=1 asks before deploying, and standard input is not a terminal: refusing (unset DEPLOY_CONFIRM to deploy without asking)")
	}
	return askYesNo(ctx, os.Stdin, os.Stderr, plan)
}

// askYesNo prints plan and the question to w and reads one answer line
// from r; only y or yes (any case) is yes. It gives up when ctx ends.
func askYesNo(ctx context.Context, r io.Reader, w io.Writer, plan string) (bool, error) {
	if _, err := fmt.Fprintf(w, "%s\nDeploy? [y/N] ", strings.TrimSuffix(plan, "\n")); err != nil {
		return false, err
	}
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		answer <- strings.ToLower(strings.TrimSpace(line))
	}()
	select {
	case <-ctx.Done():
		return false, ctx.Err()
	case a := <-answer:
		return a == "y" || a == "yes", nil
	}
}
