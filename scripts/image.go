// PLACEHOLDER: replaced by the build/push work (issue 5).
package scripts

import (
	"context"
	"errors"
)

type PushRecord struct {
	Repository string
	Tag        string
	Digest     string
	Reference  string
}

func Build(ctx context.Context) error { return errors.New("build: not built yet") }
func Push(ctx context.Context) error  { return errors.New("push: not built yet") }
func LastPush() (PushRecord, error)   { return PushRecord{}, errors.New("push: not built yet") }
