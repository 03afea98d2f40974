package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHandler_AnswersTheGreetingAndHealthCheck(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(handler())
	defer srv.Close()
	tests := []struct {
		path string
		code int
		body string
	}{
		{"/", http.StatusOK, "hello from godax's sample service (dev)\n"},
		{"/healthz", http.StatusOK, "ok\n"},
		{"/nope", http.StatusNotFound, "404 page not found\n"},
	}
	for _, tt := range tests {
		resp, err := http.Get(srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		if cerr := resp.Body.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([2]any{tt.code, tt.body}, [2]any{resp.StatusCode, string(body)}); d != "" {
			t.Errorf("GET %s (-want +got):\n%s", tt.path, d)
		}
	}
}
