package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
)

// fakeDocker is a docker that prints its arguments and the password it
// read on standard input.
func fakeDocker(ctx context.Context, inv dax.Invocation) error {
	password, err := io.ReadAll(inv.Stdin)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(inv.Stdout, "%s (password %s)\n", strings.Join(inv.Args, " "), password)
	return err
}

func Example_login() {
	sh, _ := dax.New(dax.WithCommand("docker", fakeDocker), dax.WithLogger(os.Stdout))
	err := login(context.Background(), sh, "arn:aws:iam::123456789012:role/pusher")
	fmt.Println(err)
	// Output:
	// docker login -u AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com (password 123456789012-auth-token)
	// info: logged in to 123456789012.dkr.ecr.us-east-1.amazonaws.com
	// <nil>
}

func TestLogin_RunsNoCommandWhenTheRoleIsBad(t *testing.T) {
	t.Parallel()
	ran := false
	sh, err := dax.New(dax.WithCommand("docker", func(context.Context, dax.Invocation) error {
		ran = true
		return nil
	}), dax.WithLogger(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	err = login(context.Background(), sh, "not-an-arn")
	if err == nil || !strings.Contains(err.Error(), `"not-an-arn" is not a role ARN`) {
		t.Errorf("error %v, want one naming the bad role ARN", err)
	}
	if ran {
		t.Error("docker ran after the token request failed")
	}
}

func TestLogin_ErrorNamesTheFailingCommandWithoutThePassword(t *testing.T) {
	t.Parallel()
	sh, err := dax.New(dax.WithCommand("docker", func(ctx context.Context, inv dax.Invocation) error {
		password, _ := io.ReadAll(inv.Stdin)
		fmt.Fprintf(inv.Stderr, "login refused for %s\n", password)
		return dax.ExitCode(1)
	}), dax.WithStderr(io.Discard), dax.WithLogger(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	err = login(context.Background(), sh, "arn:aws:iam::123456789012:role/pusher")
	want := "docker login -u AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com: exit status 1: login refused for ***"
	if err == nil {
		t.Fatal("no error")
	}
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
