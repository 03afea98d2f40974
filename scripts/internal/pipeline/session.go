package pipeline

import (
	"context"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/scripts/settings"
)

// Session is what one run of the targets learns and shares: the settings
// they read, the AWS configuration a login assumed, the registries it
// logged in to, the tag each build context got. It travels in the
// context that mage hands from a target to the ones it runs first, so
// targets share it without package variables, and a target run alone
// makes its own and learns the rest itself.
type Session struct {
	config    settings.Config
	overrides map[string]string // set by the demo, over everything
	side      bool              // a derived session: its results are not the run's

	mu     sync.Mutex
	awsCfg *aws.Config
	logins []LoginResult
	tags   map[string]string // build context folder -> tag
	pushed *PushRecord
	warned map[string]bool
}

type sessionKey struct{}

// NewSession returns a session whose settings come from the environment
// first, then from config.
func NewSession(config settings.Config) *Session {
	return &Session{config: config}
}

// WithSession returns ctx carrying s.
func WithSession(ctx context.Context, s *Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

// SessionFrom returns the session ctx carries, or nil.
func SessionFrom(ctx context.Context) *Session {
	s, _ := ctx.Value(sessionKey{}).(*Session)
	return s
}

// sessionOf returns the session ctx carries, or a new one with no Go
// configuration, for a step called without one.
func sessionOf(ctx context.Context) *Session {
	if s := SessionFrom(ctx); s != nil {
		return s
	}
	return NewSession(settings.Config{})
}

// Getenv returns the value of the variable name for this run: what the
// session was told to set, else the environment's, else the Go
// configuration's. Surrounding space is trimmed.
func (s *Session) Getenv(name string) string {
	s.mu.Lock()
	v, ok := s.overrides[name]
	s.mu.Unlock()
	if ok {
		return v
	}
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	v, _ = s.config.Lookup(name)
	return strings.TrimSpace(v)
}

// Environ returns the run's variables as NAME=VALUE, in the order of
// [Session.Getenv]'s precedence resolved: the environment's, with the Go
// configuration's added where the environment does not set them, and the
// session's own settings over both.
func (s *Session) Environ() []string {
	env := map[string]string{}
	for _, kv := range s.config.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	for _, kv := range os.Environ() {
		if k, v, _ := strings.Cut(kv, "="); v != "" || env[k] == "" {
			env[k] = v
		}
	}
	s.mu.Lock()
	maps.Copy(env, s.overrides)
	s.mu.Unlock()
	out := make([]string, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}

// Set makes name read as value for the rest of the run, whatever the
// environment and the Go configuration say, and "" (unset) when value is
// "".
func (s *Session) Set(name, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.overrides == nil {
		s.overrides = map[string]string{}
	}
	s.overrides[name] = value
}

// derive returns a new session with s's settings and set over them, and
// the registries s logged in to; it learns the rest itself. What it
// pushes is not the run's result: push neither prints its reference on
// standard output nor sets a CI output for it.
func (s *Session) derive(set map[string]string) *Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := &Session{config: s.config, overrides: maps.Clone(s.overrides), logins: slices.Clone(s.logins), side: true}
	if d.overrides == nil {
		d.overrides = map[string]string{}
	}
	maps.Copy(d.overrides, set)
	return d
}

// warnOnce logs msg as a warning, unless this session did already.
func (s *Session) warnOnce(msg string) {
	s.mu.Lock()
	seen := s.warned[msg]
	if s.warned == nil {
		s.warned = map[string]bool{}
	}
	s.warned[msg] = true
	s.mu.Unlock()
	if !seen {
		dax.Warn("%s", msg)
	}
}

// logged records the registries a login reached.
func (s *Session) logged(results []LoginResult) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.logins = slices.Clone(results)
}

// LoggedIn returns the registries this session's login logged in to (or
// found logged in), one per region.
func (s *Session) LoggedIn() []LoginResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.logins)
}
