package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/dax/envvar"
)

// confirm shows plan, the change to n targets, and asks on sh's terminal
// ([dax.Shell.Confirm]) whether to go ahead; it fails unless the answer is
// yes. Without a terminal, or with CI=true, it refuses at once rather than
// assume yes. Ctrl-C fails it with [dax.ErrInterrupted].
func confirm(ctx context.Context, sh *dax.Shell, n int, plan string) error {
	sh.Step("plan for %d target(s):\n%s", n, strings.TrimSuffix(plan, "\n"))
	ok, err := sh.Confirm(ctx, fmt.Sprintf("Deploy to these %d target(s)?", n))
	switch {
	case errors.Is(err, dax.ErrNoTerminal):
		why := "there is none"
		if envvar.CI(os.Getenv("CI")) {
			why = "CI is true"
		}
		return fmt.Errorf("DEPLOY_CONFIRM=1 needs a terminal to ask on, and %s: nothing changed (unset DEPLOY_CONFIRM to deploy without asking)", why)
	case err != nil:
		return err
	case !ok:
		return errors.New("not confirmed; nothing changed")
	}
	return nil
}
