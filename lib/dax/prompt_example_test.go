package dax_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/godax/godax/lib/dax"
)

// inCI makes the prompts behave as in CI, where there is no one to ask:
// examples must not ask whoever runs the tests at a terminal.
func inCI() (restore func()) {
	saved, had := os.LookupEnv("CI")
	_ = os.Setenv("CI", "true")
	return func() {
		if had {
			_ = os.Setenv("CI", saved)
		} else {
			_ = os.Unsetenv("CI")
		}
	}
}

func ExampleConfirm() {
	defer inCI()()
	defer stderrToStdout()()
	ok, err := dax.Confirm(context.Background(), "Deploy these 3 targets?", dax.Default(false))
	fmt.Println(ok, err)
	// Output:
	// info: Deploy these 3 targets? no (the default: CI is true)
	// false <nil>
}

func ExampleConfirm_withoutDefault() {
	defer inCI()()
	_, err := dax.Confirm(context.Background(), "Deploy?")
	fmt.Println(err)
	fmt.Println(errors.Is(err, dax.ErrNoTerminal))
	// Output:
	// confirm "Deploy?": no terminal to ask on (CI is true), and no default was given
	// true
}

func ExampleShell_Confirm() {
	defer inCI()()
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	ok, _ := sh.Confirm(context.Background(), "Push to production?", dax.Default(true))
	fmt.Println(ok)
	// Output:
	// info: Push to production? yes (the default: CI is true)
	// true
}

func ExampleDefault() {
	defer inCI()()
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	region, _ := sh.Prompt(context.Background(), "Region?", dax.Default("eu-west-1"))
	fmt.Println(region)
	// Output:
	// info: Region? eu-west-1 (the default: CI is true)
	// eu-west-1
}

func ExampleSelect() {
	defer inCI()()
	defer stderrToStdout()()
	stages := []string{"dev", "staging", "prod"}
	i, err := dax.Select(context.Background(), "Deploy to", stages, dax.Default(1))
	fmt.Println(stages[i], err)
	// Output:
	// info: Deploy to staging (the default: CI is true)
	// staging <nil>
}

func ExampleShell_Select() {
	defer inCI()()
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	_, err := sh.Select(context.Background(), "Deploy to", nil)
	fmt.Println(err)
	// Output: select "Deploy to": no options
}

func ExampleMultiSelect() {
	defer inCI()()
	defer stderrToStdout()()
	services := []string{"api", "worker", "web"}
	picked, err := dax.MultiSelect(context.Background(), "Roll out", services, dax.Default([]int{0, 2}))
	fmt.Println(picked, err)
	// Output:
	// info: Roll out api, web (the default: CI is true)
	// [0 2] <nil>
}

func ExampleShell_MultiSelect() {
	defer inCI()()
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	picked, _ := sh.MultiSelect(context.Background(), "Clean up", []string{"cache", "logs"}, dax.Default([]int{}))
	fmt.Println(len(picked))
	// Output:
	// info: Clean up (none) (the default: CI is true)
	// 0
}

func ExamplePrompt() {
	defer inCI()()
	defer stderrToStdout()()
	tag, err := dax.Prompt(context.Background(), "Image tag?", dax.Default("latest"))
	fmt.Println(tag, err)
	// Output:
	// info: Image tag? latest (the default: CI is true)
	// latest <nil>
}

func ExampleShell_Prompt() {
	defer inCI()()
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	_, err := sh.Prompt(context.Background(), "Image tag?")
	fmt.Println(errors.Is(err, dax.ErrNoTerminal))
	// Output: true
}

func ExamplePromptSecret() {
	defer inCI()()
	defer stderrToStdout()()
	_, err := dax.PromptSecret(context.Background(), "MFA code for arn:aws:iam::111122223333:mfa/me:")
	fmt.Println(err)
	// Output: prompt "MFA code for arn:aws:iam::111122223333:mfa/me:": no terminal to ask on (CI is true), and no default was given
}

func ExampleShell_PromptSecret() {
	defer inCI()()
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	pw, _ := sh.PromptSecret(context.Background(), "Password?", dax.Default(dax.Secret("from-the-vault")))
	fmt.Println(pw, len(pw))
	// Output:
	// info: Password? *** (the default: CI is true)
	// *** 14
}

func ExampleErrInterrupted() {
	err := fmt.Errorf("confirm %q: %w", "Deploy?", dax.ErrInterrupted)
	var status interface{ ExitStatus() int }
	fmt.Println(err, errors.Is(err, dax.ErrInterrupted), errors.As(err, &status) && status.ExitStatus() == 130)
	// Output: confirm "Deploy?": interrupted true true
}
