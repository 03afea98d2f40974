package dax_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
)

func TestCmd_QuotesArgumentContainingShellSyntaxAsOneWord(t *testing.T) {
	t.Parallel()
	want := `a b'c $(echo x) ; && *`
	got, err := dax.Cmd("printf %%s %s", want).Text(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Text() mismatch (-want +got):\n%s", diff)
	}
}
