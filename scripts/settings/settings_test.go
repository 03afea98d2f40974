package settings

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
)

// root is the module root, two folders up from this package.
const root = "../.."

func names(vars []Var) []string {
	var out []string
	for _, v := range vars {
		out = append(out, v.Name)
	}
	return out
}

func TestFor_AddsTheVariablesOfTheTargetsItRunsFirst(t *testing.T) {
	t.Parallel()
	push := names(For("push"))
	for _, want := range []string{"ECR_ROLE", "IMAGE_TAG", "BUILD_ARG_<NAME>", "ECR_SCAN_ON_PUSH"} {
		if !slices.Contains(push, want) {
			t.Errorf("push lacks %s, which it reads through ecrLogin, build or itself: %q", want, push)
		}
	}
	demo := names(For("demo"))
	for _, set := range []string{"IMAGE_REPOSITORY", "ECS_SERVICE", "ECR_REGISTRY"} {
		if slices.Contains(demo, set) {
			t.Errorf("demo lists %s, which it sets itself", set)
		}
	}
	if !slices.Contains(demo, "IMAGE_TAG") || len(For("no-such-target")) != 0 {
		t.Errorf("demo %q should list IMAGE_TAG; an unknown target nothing", demo)
	}
}

func TestVars_NameEachVariableOnceAndOnlyKnownTargets(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, v := range Vars {
		if seen[v.Name] {
			t.Errorf("%s is listed twice", v.Name)
		}
		seen[v.Name] = true
		if v.Meaning == "" || v.Default == "" || len(v.Read) == 0 {
			t.Errorf("%s needs a meaning, a default and the targets that read it", v.Name)
		}
		for _, r := range v.Read {
			if !slices.ContainsFunc(Targets, func(t Target) bool { return t.Name == r }) {
				t.Errorf("%s is read by %q, which is not in Targets", v.Name, r)
			}
		}
	}
}

func TestGenerated_MagefileAndReadmeAreUpToDate(t *testing.T) {
	t.Parallel()
	for name, gen := range map[string]func([]byte) ([]byte, error){
		TargetsFile:  func(b []byte) ([]byte, error) { return Magefile(TargetsFile, b) },
		MagefileFile: func(b []byte) ([]byte, error) { return Magefile(MagefileFile, b) },
		"README.md":  Readme,
	} {
		old, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := gen(old)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d := cmp.Diff(string(old), string(got)); d != "" {
			t.Errorf("%s is not what scripts/settings generates: run go generate ./scripts/settings (-file +generated):\n%s", name, d)
		}
	}
}

func TestMagefile_FailsForATargetTheTableDoesNotList(t *testing.T) {
	t.Parallel()
	src := []byte("//go:build mage\n\npackage main\n\n// Rollout rolls out.\nfunc Rollout() {}\n")
	_, err := Magefile(MagefileFile, src)
	want := "magefile.go has target rollout, which scripts/settings.Targets does not list for it: add it there"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestMagefileTargets_NamesWhatTheMagefileImports(t *testing.T) {
	t.Parallel()
	src := []byte("//go:build mage\n\npackage main\n\nimport (\n\t//mage:import\n\t_ \"github.com/godax/godax/scripts\"\n\t// mage:import tools\n\t\"example.com/tools\"\n\t\"fmt\"\n)\n\n// Hello says hello.\nfunc Hello() { fmt.Println() }\n")
	targets, _, imports, _, err := MagefileTargets(src)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{ImportPath, "example.com/tools tools"}, imports); d != "" {
		t.Errorf("imports (-want +got):\n%s", d)
	}
	if _, ok := targets["hello"]; !ok || len(targets) != 1 {
		t.Errorf("targets = %v, want only hello", targets)
	}
}

func TestHelp_ListsExactlyTheVariablesOfEachTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go run mage.go -h for every target")
	}
	t.Parallel()
	// helpVar is a variable's line in the help mage prints.
	helpVar := regexp.MustCompile(`(?m)^\s+- ([A-Z][A-Z0-9_]*(?:<[A-Z]+>)?): `)
	for _, target := range Targets {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		out, err := dax.Cmd("go run mage.go -h %s", target.Name).Dir(root).Quiet().Text(ctx)
		cancel()
		if err != nil {
			t.Fatalf("-h %s: %v", target.Name, err)
		}
		_, env, ok := strings.Cut(out, EnvironmentHeading)
		if !ok {
			t.Errorf("-h %s has no %q part:\n%s", target.Name, EnvironmentHeading, out)
			continue
		}
		var got []string
		for _, m := range helpVar.FindAllStringSubmatch(env, -1) {
			got = append(got, m[1])
		}
		if d := cmp.Diff(names(For(target.Name)), got); d != "" {
			t.Errorf("`go run mage.go -h %s` and scripts/settings disagree: run go generate ./scripts/settings (-settings +help):\n%s", target.Name, d)
		}
	}
}

func TestReadme_TargetsTableNamesEveryTarget(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, _ := strings.Cut(string(b), "| target | what it does |")
	table, _, _ = strings.Cut(table, "\n\n")
	for _, target := range Targets {
		if !strings.Contains(table, "`"+target.Name+"`") {
			t.Errorf("README.md's targets table does not name %s", target.Name)
		}
	}
}

func TestReadme_FailsForATableWithoutItsEndMarker(t *testing.T) {
	t.Parallel()
	_, err := Readme([]byte("# x\n\n<!-- vars: build -->\n| old |\n"))
	want := `README.md line 3: "<!-- vars: build -->" has no "<!-- end vars -->" after it`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestMagefile_FailsForABacktickThatWouldBreakMagesMainFile(t *testing.T) {
	t.Parallel()
	src := []byte("//go:build mage\n\npackage main\n\n// Install puts `godax` in GOBIN.\nfunc Install() {}\n")
	_, err := Magefile(MagefileFile, src)
	if err == nil || !strings.Contains(err.Error(), "the doc comment of target install has a backtick") {
		t.Errorf("got %v, want an error about the backtick", err)
	}
}
