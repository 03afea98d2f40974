//go:build !unix

package credhelper

// handoff is nil where a process cannot replace itself: the helper runs
// the fetcher and waits ([RunFetcher]).
var handoff func(serverURL, fetcher string) error
