// Command godax-ecr-token gets ECR authorization tokens for
// docker-credential-godax, which hands a get over to it on a cache miss.
// It is a program of its own so that the helper's cached path links no
// AWS SDK; it links the SDK and package ecrtoken, not the command runner.
//
// Run as `godax-ecr-token get SERVERURL` (how the helper replaces itself
// with it on Unix), it serves that get as the helper would: it takes the
// cache lock, asks ECR for a token, caches it and prints the protocol's
// answer on stdout, or the protocol's one-line error with exit status 1.
//
// Run with no arguments (how the helper runs it where a process cannot
// replace itself), it reads a credhelper.Request as JSON on stdin, asks
// ECR for a token, and writes a credhelper.Response as JSON on stdout; on
// failure it writes one line to stderr and exits 1.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/docker/docker-credential-helpers/credentials"

	"github.com/godax/godax/lib/ecrauth/credhelper"
	"github.com/godax/godax/lib/ecrauth/ecrtoken"
)

func main() {
	if len(os.Args) == 3 && os.Args[1] == credhelper.HandoffAction {
		h := credhelper.New(credhelper.Options{Fetch: ecrtoken.Fetch})
		if err := credentials.Get(h, strings.NewReader(os.Args[2]), os.Stdout); err != nil {
			fmt.Fprintln(os.Stdout, err)
			os.Exit(1)
		}
		return
	}
	var req credhelper.Request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fail(fmt.Errorf("godax-ecr-token: read the request on stdin: %w", err))
	}
	ctx, cancel := context.WithTimeout(context.Background(), credhelper.DefaultFetchTimeout)
	defer cancel()
	resp, err := ecrtoken.Fetch(ctx, req)
	if err != nil {
		fail(err)
	}
	if err := json.NewEncoder(os.Stdout).Encode(resp); err != nil {
		fail(fmt.Errorf("godax-ecr-token: %w", err))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
