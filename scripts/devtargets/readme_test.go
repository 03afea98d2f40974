package devtargets_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/deploy"
	"github.com/godax/godax/scripts/internal/state"
)

// readmeDemo returns the lines of the demo's sample output in README.md.
func readmeDemo(t *testing.T) []string {
	t.Helper()
	root, err := state.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(b), "A first run of the demo, on a terminal")
	if !ok {
		t.Fatal("README.md has no sample output of the demo")
	}
	_, block, _ = strings.Cut(block, "```text\n")
	block, _, _ = strings.Cut(block, "```")
	return strings.Split(strings.TrimSuffix(block, "\n"), "\n")
}

// digest pads the 12 hex digits a compact table shows to a whole digest.
func digest(short string) string { return "sha256:" + short + strings.Repeat("0", 64-len(short)) }

// columns splits a table line at runs of two spaces or more.
var columns = regexp.MustCompile(`  +`)

// TestReadme_DemoTablesAreWhatTheTargetsPrint renders the rows of the
// README's sample tables again with the functions the targets print them
// with: a change of the format that the README does not follow fails here.
func TestReadme_DemoTablesAreWhatTheTargetsPrint(t *testing.T) {
	t.Parallel()
	lines := readmeDemo(t)
	var deployTable, statusTable []string
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "TARGET ") && strings.Contains(l, "RESULT"):
			deployTable = lines[i : i+3]
		case strings.HasPrefix(l, "TARGET ") && strings.Contains(l, "DETAIL"):
			statusTable = lines[i : i+3]
		}
	}
	if deployTable == nil || statusTable == nil {
		t.Fatalf("README.md's sample has no deploy or no status table:\n%s", strings.Join(lines, "\n"))
	}
	const host = "127.0.0.1:40269/"
	var outcomes []deploy.Outcome
	for _, row := range deployTable[1:] {
		c := columns.Split(row, -1)
		if len(c) != 4 {
			t.Fatalf("deploy row %q has %d columns, want 4", row, len(c))
		}
		repo, change, _ := strings.Cut(c[1], "@sha256:")
		oldHex, newHex, _ := strings.Cut(change, " -> ")
		oldRev, newRev, moved := strings.Cut(c[2], " -> ")
		o := deploy.Outcome{Target: c[0], Result: deploy.Result{Plan: deploy.Plan{
			OldImage: host + repo + "@" + digest(oldHex), NewImage: host + repo + "@" + digest(newHex), Revision: oldRev}}}
		if moved {
			o.Result.NewRevision = newRev
		}
		outcomes = append(outcomes, o)
	}
	var got strings.Builder
	if err := deploy.WriteCompactTable(&got, outcomes); err != nil {
		t.Fatal(err)
	}
	var sts []deploy.Status
	for _, row := range statusTable[1:] {
		c := columns.Split(row, -1)
		if len(c) != 4 {
			t.Fatalf("status row %q has %d columns, want 4", row, len(c))
		}
		repo, hex, _ := strings.Cut(c[1], "@sha256:")
		sts = append(sts, deploy.Status{Target: c[0], Image: host + repo + "@" + digest(hex), Revision: c[2], Detail: c[3]})
	}
	if err := deploy.WriteCompactStatusTable(&got, sts); err != nil {
		t.Fatal(err)
	}
	want := strings.Join(append(deployTable, statusTable...), "\n") + "\n"
	if d := cmp.Diff(want, got.String()); d != "" {
		t.Errorf("README.md's sample tables are not what deploy and status print (-readme +printed):\n%s", d)
	}
	for _, l := range lines {
		if len(l) > 120 {
			t.Errorf("README.md's sample has a line of %d columns, over the 120 the demo fits: %q", len(l), l)
		}
	}
}
