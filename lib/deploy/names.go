package deploy

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// These are AWS's published rules for the names a deploy sends, checked
// before any call so that a bad name never reaches AWS or a registry.
var (
	// ecsNamePattern is an ECS cluster, service or container name.
	ecsNamePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`) })
	// functionNamePattern is a Lambda function's bare name.
	functionNamePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`) })
	// aliasPattern is a Lambda alias, which must not be all digits (that
	// is a version).
	aliasPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z0-9_-]{1,128}$`) })
	// domainPattern is a registry host with an optional port: DNS labels,
	// an IPv4 address or a bracketed IPv6 address.
	domainPattern = sync.OnceValue(func() *regexp.Regexp {
		label := `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`
		return regexp.MustCompile(`^(?:` + label + `(?:\.` + label + `)*|\[[0-9a-fA-F:.]+\])(?::[0-9]{1,5})?$`)
	})
	// pathPattern is a repository path: lower-case components joined by
	// '/', with '.', '_', '__' or runs of '-' inside a component.
	pathPattern = sync.OnceValue(func() *regexp.Regexp {
		component := `[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`
		return regexp.MustCompile(`^` + component + `(?:/` + component + `)*$`)
	})
	// tagPattern is an image tag.
	tagPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127}$`) })
)

// maxRepositoryLength is the longest image name, host and path, that a
// registry takes.
const maxRepositoryLength = 255

// maxARNLength is the longest ARN any of the services deployed to takes.
const maxARNLength = 2048

// Quoted returns s quoted for a message, as Go quotes it, in ASCII: a
// control character, such as a newline, or any non-ASCII character shows
// escaped, so a name can never forge a line of a log or table. A value
// over 256 bytes shows its first 100 and its length.
func Quoted(s string) string {
	const max, keep = 256, 100
	if len(s) <= max {
		return fmt.Sprintf("%+q", s)
	}
	return fmt.Sprintf("%+q... (%d bytes)", s[:keep], len(s))
}

// ValidateECSName checks name, an ECS cluster, service or container name
// (what says which), against AWS's rule: 1 to 255 letters, digits,
// hyphens and underscores.
func ValidateECSName(what, name string) error {
	if !ecsNamePattern().MatchString(name) {
		return fmt.Errorf("%s name %s: want 1 to 255 letters, digits, '-' and '_'", what, Quoted(name))
	}
	return nil
}

// ValidateFunctionName checks name, a Lambda function's bare name,
// against AWS's rule: 1 to 64 letters, digits, hyphens and underscores.
func ValidateFunctionName(name string) error {
	if !functionNamePattern().MatchString(name) {
		return fmt.Errorf("lambda function name %s: want 1 to 64 letters, digits, '-' and '_'", Quoted(name))
	}
	return nil
}

// ValidateAlias checks name, a Lambda alias, against AWS's rule: 1 to 128
// letters, digits, hyphens and underscores, not all digits (that would
// be a version).
func ValidateAlias(name string) error {
	if !aliasPattern().MatchString(name) || strings.Trim(name, "0123456789") == "" {
		return fmt.Errorf("lambda alias %s: want 1 to 128 letters, digits, '-' and '_', not all digits", Quoted(name))
	}
	return nil
}

// validateRepository checks repo, HOST/PATH or PATH, against the image
// reference grammar: a registry host (DNS labels or an IP address, with
// an optional port) and a lower-case repository path, at most 255
// characters together. needHost says that the host must be there.
func validateRepository(repo string, needHost bool) error {
	if len(repo) > maxRepositoryLength {
		return fmt.Errorf("repository %s is longer than %d characters", Quoted(repo), maxRepositoryLength)
	}
	host, path, ok := strings.Cut(repo, "/")
	if !ok || !strings.ContainsAny(host, ".:[") && host != "localhost" {
		if needHost {
			return fmt.Errorf("repository %s: want HOST/REPOSITORY, with the registry host", Quoted(repo))
		}
		host, path = "", repo
	}
	if host != "" && !domainPattern().MatchString(host) {
		return fmt.Errorf("repository %s: registry host %s is not a host name or IP address with an optional :PORT (no scheme such as https://)", Quoted(repo), Quoted(host))
	}
	if !pathPattern().MatchString(path) {
		return fmt.Errorf("repository %s: path %s is not lower-case letters and digits joined by '/', with '.', '_' or '-' inside a component", Quoted(repo), Quoted(path))
	}
	return nil
}
