// PLACEHOLDER: replaced by the deploy work (issue 6).
package scripts

import (
	"context"
	"errors"
)

func Deploy(ctx context.Context) error            { return errors.New("deploy: not built yet") }
func EnsureDemoTargets(ctx context.Context) error { return nil }
func DemoSummary(ctx context.Context) error       { return errors.New("demo: not built yet") }
