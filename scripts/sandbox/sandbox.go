// PLACEHOLDER: replaced by the sandbox work (issue 3).
package sandbox

import (
	"context"
	"errors"
)

var errNotBuilt = errors.New("sandbox: not built yet")

type State struct{}

func Up(ctx context.Context) (*State, error) { return nil, errNotBuilt }
func Down(ctx context.Context) error         { return errNotBuilt }
func Load() (*State, error)                  { return nil, errNotBuilt }
func (s *State) Env() []string               { return nil }
func (s *State) Exports() string             { return "" }
