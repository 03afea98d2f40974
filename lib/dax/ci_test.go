package dax_test

import (
	"encoding/base64"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
)

// ciLog runs fn with the CI variable name set to true and the process's
// standard error, which the runner reads and dax's log goes to, in a
// file, and returns what was written to it.
func ciLog(t *testing.T, name string, fn func()) string {
	t.Helper()
	t.Setenv(name, "true")
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = f
	fn()
	os.Stderr = saved
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestGroup_WritesGitHubWorkflowGroupsInGitHubActions(t *testing.T) {
	got := ciLog(t, "GITHUB_ACTIONS", func() {
		end := dax.Group("Deploying %d targets", 2)
		dax.Info("api: rolled out")
		end()
		end()
		dax.Step("done")
	})
	want := "::group::Deploying 2 targets\n  info: api: rolled out\n::endgroup::\n==> done\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
}

func TestWarnAndError_WriteGitHubAnnotationsWithTheMessageEscaped(t *testing.T) {
	got := ciLog(t, "GITHUB_ACTIONS", func() {
		dax.Warn("disk 95%% full\r\nsoon")
		dax.Error("push failed: %s", dax.Secret("pw"))
		dax.Info("plain %d%%", 100)
	})
	want := "::warning::disk 95%25 full%0D%0Asoon\n::error::push failed: ***\ninfo: plain 100%\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
}

func TestGroup_WritesCollapsedGitLabSectionsInGitLabCI(t *testing.T) {
	got := ciLog(t, "GITLAB_CI", func() {
		end := dax.Group("Build %s", "app")
		dax.Warn("slow")
		end()
	})
	re := regexp.MustCompile(`^\x1b\[0Ksection_start:(\d+):(dax_group_\d+)\[collapsed=true\]\r\x1b\[0KBuild app\n` +
		`  warn: slow\n` +
		`\x1b\[0Ksection_end:(\d+):(dax_group_\d+)\r\x1b\[0K\n$`)
	m := re.FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("log %q is not one collapsed section holding the warning", got)
	}
	if m[2] != m[4] || m[1] > m[3] {
		t.Errorf("section start %s:%s does not match its end %s:%s", m[1], m[2], m[3], m[4])
	}
}

func TestRun_AsksGitHubToMaskSecretsOnceBeforeTheCommandShowsThem(t *testing.T) {
	const password = "s3cr3t-passw0rd"
	var out strings.Builder
	got := ciLog(t, "GITHUB_ACTIONS", func() {
		sh, err := dax.New(dax.WithStdout(&out))
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := sh.Cmd("echo %s", dax.Secret(password)).Run(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		if err := sh.Cmd("cat").StdinSecret("stdin-secret-value").Quiet().Run(t.Context()); err != nil {
			t.Fatal(err)
		}
	})
	var masks []string
	for line := range strings.Lines(got) {
		v, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "::add-mask::")
		if !ok {
			t.Errorf("log line %q is not an add-mask command", line)
		}
		masks = append(masks, v)
	}
	if len(masks) == 0 || masks[0] != password {
		t.Fatalf("masks %q, want the password first", masks)
	}
	if n := strings.Count(got, "::add-mask::"+password+"\n"); n != 1 {
		t.Errorf("the password was masked %d times, want once", n)
	}
	if strings.Contains(got, "stdin-secret-value") {
		t.Errorf("a quiet command's secret was masked, though nothing shows it:\n%s", got)
	}
	// docker shows base64("AWS:" + password); each form must hide part of it.
	for _, shown := range []string{"AWS:" + password, password, "x" + password} {
		enc := base64.StdEncoding.EncodeToString([]byte(shown))
		hidden := false
		for _, m := range masks[1:] {
			hidden = hidden || strings.Contains(enc, m)
		}
		if !hidden {
			t.Errorf("no mask hides base64(%q) = %s; masks %q", shown, enc, masks)
		}
	}
}

func TestLog_IsUnchangedInCIWhenTheLoggerIsNotTheProcesssOwn(t *testing.T) {
	t.Setenv("GITHUB_ACTIONS", "true")
	var log strings.Builder
	sh, err := dax.New(dax.WithLogger(&log), dax.WithStdout(&strings.Builder{}))
	if err != nil {
		t.Fatal(err)
	}
	end := sh.Group("build")
	sh.Warn("slow")
	if err := sh.Cmd("true %s", dax.Secret("pw")).PrintCommand().Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	end()
	want := "==> build\n  warn: slow\n  $ true ***\n"
	if diff := cmp.Diff(want, log.String()); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
}
