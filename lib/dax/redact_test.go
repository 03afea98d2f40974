package dax_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
)

// leakyPassword needs escaping in a URL, in JSON, in Go and in a shell.
const leakyPassword = `p@ss/w rd"x'`

// passwordForms are the ways a program may print leakyPassword.
var passwordForms = map[string]string{
	"as is":              leakyPassword,
	"in a URL":           "https://user:" + leakyPassword + "@host/x",
	"URL user:password":  url.UserPassword("user", leakyPassword).String() + "@host",
	"URL query":          "https://host/x?token=" + url.QueryEscape(leakyPassword),
	"URL path":           "https://host/" + url.PathEscape(leakyPassword) + "/x",
	"KEY=value":          "TOKEN=" + leakyPassword,
	"Go %q":              strconv.Quote("TOKEN=" + leakyPassword),
	"JSON":               jsonString(map[string]string{"password": leakyPassword}),
	"base64 of AWS:pw":   base64.StdEncoding.EncodeToString([]byte("AWS:" + leakyPassword)),
	"base64 at offset 0": base64.StdEncoding.EncodeToString([]byte(leakyPassword + "!")),
	"base64 at offset 2": base64.StdEncoding.EncodeToString([]byte("ab" + leakyPassword)),
	"base64url":          base64.URLEncoding.EncodeToString([]byte(`{"p":"` + leakyPassword + `"}`)),
}

func jsonString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// revealed returns the forms of leakyPassword that s shows.
func revealed(s string) []string {
	var shown []string
	for name, form := range passwordForms {
		if strings.Contains(s, form) {
			shown = append(shown, name)
		}
	}
	return shown
}

func TestCommandError_RedactsSecretInEveryFormItIsPrintedIn(t *testing.T) {
	t.Parallel()
	for name, form := range passwordForms {
		sh, _, _, _ := testShell(t)
		_, err := sh.Cmd("cat >/dev/null; echo fatal: %s >&2; echo out: %s; exit 1", form, form).
			StdinSecret(dax.Secret(leakyPassword)).Text(context.Background())
		var cerr *dax.CommandError
		if !errors.As(err, &cerr) {
			t.Fatalf("%s: Text() = %v, want a CommandError", name, err)
		}
		if got := revealed(cerr.Command); len(got) > 0 {
			t.Errorf("%s: Command = %q shows the password %s", name, cerr.Command, got)
		}
		for field, text := range map[string]string{"Error()": err.Error(), "Stderr": cerr.Stderr, "Stdout": cerr.Stdout} {
			if got := revealed(text); len(got) > 0 || !strings.Contains(text, "***") {
				t.Errorf("%s: %s = %q shows the password %s, want ***", name, field, text, got)
			}
		}
	}
}

func TestCmd_StringRedactsSecretInsideOtherArguments(t *testing.T) {
	t.Parallel()
	pw := dax.Secret(leakyPassword)
	for name, tc := range map[string]struct {
		cmd  dax.Command
		want string
	}{
		"URL hole":       {dax.Cmd("git clone https://user:%s@host/repo", pw), "git clone https://user:***@host/repo"},
		"KEY=value hole": {dax.Cmd("docker run -e TOKEN=%s app", pw), "docker run -e TOKEN=*** app"},
		"plain argument": {
			dax.Cmd("curl -u user:%s %s", pw, "https://user:"+url.QueryEscape(leakyPassword)+"@host"),
			"curl -u user:*** 'https://user:***@host'",
		},
		"JSON argument": {
			dax.Cmd("login %s %s", pw, jsonString(map[string]string{"password": leakyPassword})),
			`login *** '{"password":***}'`,
		},
		"raw text": {dax.Cmd("printf %s %s", pw, dax.Raw(base64.StdEncoding.EncodeToString([]byte("AWS:"+leakyPassword)))), "printf *** QVdTOn***w=="},
	} {
		if diff := cmp.Diff(tc.want, tc.cmd.String()); diff != "" {
			t.Errorf("%s: String() mismatch (-want +got):\n%s", name, diff)
		}
	}
}

func TestCmd_SecretInAnotherArgumentIsKeptOutOfItsError(t *testing.T) {
	t.Parallel()
	err := dax.Cmd("echo %s %s", dax.Secret("s3cr3tvalue"), "token=s3cr3tvalue\x00").Run(context.Background())
	if err == nil || strings.Contains(err.Error(), "s3cr3tvalue") {
		t.Errorf("Run() = %v, want an error that does not show the secret", err)
	}
}

func TestInfo_RedactsSecretFromTheOtherArguments(t *testing.T) {
	t.Parallel()
	sh, _, _, log := testShell(t)
	pw := dax.Secret(leakyPassword)
	loginErr := errors.New(`config: {"auths":{"host":{"auth":"` + passwordForms["base64 of AWS:pw"] + `"}}}`)
	sh.Warn("login with %s to %s failed: %v", pw, passwordForms["URL user:password"], loginErr)
	want := `warn: login with *** to user:***@host failed: config: {"auths":{"host":{"auth":"QVdTOn***w=="}}}` + "\n"
	if diff := cmp.Diff(want, log.String()); diff != "" {
		t.Errorf("logged mismatch (-want +got):\n%s", diff)
	}
}
