package ecrrepo

import (
	"fmt"
	"regexp"
	"sync"
)

// Name length limits ECR puts on a repository name.
const (
	MinNameLength = 2
	MaxNameLength = 256
)

// namePattern is ECR's repository name grammar: lower-case path
// components of letters and digits, separated inside by one of ". _ -".
// It is the OCI distribution grammar without its "__" and "--" runs.
// It is compiled on first use, not when a program that links this package
// starts.
var namePattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$`)
})

// NameError is a repository name ECR would refuse.
type NameError struct {
	// Name is the name that was checked.
	Name string
	// Reason says which rule it breaks.
	Reason string
}

// Error names the value and the rule it breaks.
func (e *NameError) Error() string {
	return fmt.Sprintf("repository name %q %s", e.Name, e.Reason)
}

// ValidateName checks name against ECR's rules for a repository name: 2 to
// 256 characters, lower-case letters and digits in path components that
// are separated by "/", with single ".", "_" or "-" inside a component. It
// returns a [*NameError] saying which rule is broken.
func ValidateName(name string) error {
	switch {
	case len(name) < MinNameLength:
		return &NameError{Name: name, Reason: fmt.Sprintf("is shorter than %d characters", MinNameLength)}
	case len(name) > MaxNameLength:
		return &NameError{Name: name, Reason: fmt.Sprintf("is longer than %d characters", MaxNameLength)}
	case namePattern().MatchString(name):
		return nil
	}
	for _, r := range name {
		if r >= 'A' && r <= 'Z' {
			return &NameError{Name: name, Reason: "has upper-case letters: ECR names are lower-case"}
		}
	}
	return &NameError{Name: name, Reason: "is not path components of a-z and 0-9 joined by '/', with single '.', '_' or '-' inside a component"}
}
