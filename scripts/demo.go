package scripts

import (
	"context"
	"errors"
)

// DemoSetup is filled in once the sandbox exists.
func DemoSetup(ctx context.Context) error { return errors.New("demo: not built yet") }

// Test is filled in once lib/dax exists.
func Test(ctx context.Context) error { return errors.New("test: not built yet") }
