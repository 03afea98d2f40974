package pipeline

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// onGitHub reports whether the run is a GitHub Actions job, whose runner
// reads step outputs and a job summary from files it names.
func onGitHub() bool { return os.Getenv("GITHUB_ACTIONS") == "true" }

// githubOutput sets the step output name to value in a GitHub Actions
// job (a line name=value appended to $GITHUB_OUTPUT), so that later steps
// read it as steps.ID.outputs.NAME. Elsewhere it does nothing.
func githubOutput(name, value string) error {
	path := os.Getenv("GITHUB_OUTPUT")
	if !onGitHub() || path == "" {
		return nil
	}
	if strings.ContainsAny(value, "\r\n") {
		return fmt.Errorf("GITHUB_OUTPUT: the value of %s holds a line break", name)
	}
	return appendTo("GITHUB_OUTPUT", path, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "%s=%s\n", name, value)
		return err
	})
}

// githubSummary appends what write writes, Markdown, to the job summary
// of a GitHub Actions job ($GITHUB_STEP_SUMMARY). Elsewhere it does
// nothing.
func githubSummary(write func(io.Writer) error) error {
	path := os.Getenv("GITHUB_STEP_SUMMARY")
	if !onGitHub() || path == "" {
		return nil
	}
	return appendTo("GITHUB_STEP_SUMMARY", path, write)
}

// appendTo appends what write writes to the file at path, which the
// variable name named, in one write, so that lines of steps running at
// once do not interleave.
func appendTo(name, path string, write func(io.Writer) error) error {
	var b strings.Builder
	if err := write(&b); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	_, err = io.WriteString(f, b.String())
	return errors.Join(err, f.Close())
}
