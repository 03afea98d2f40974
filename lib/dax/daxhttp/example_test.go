package daxhttp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/dax/daxhttp"
)

// exampleServer serves on 127.0.0.1 until stop is called:
//
//	/echo     the request: method, URL, the headers it set, and its body
//	/release  {"tag_name":"v1.2.0"}
//	/missing  404 with a message
//	/flaky    503 on every other request
//	/slow     nothing for 10s
func exampleServer() (url string, stop func()) {
	var flaky atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/echo":
			body, _ := io.ReadAll(r.Body)
			fmt.Fprintf(w, "%s %s\n", r.Method, r.URL.RequestURI())
			for _, k := range []string{"Authorization", "Content-Type", "Accept", "X-Request-Id"} {
				if v := r.Header.Get(k); v != "" {
					fmt.Fprintf(w, "%s: %s\n", k, v)
				}
			}
			if len(body) > 0 {
				fmt.Fprintf(w, "\n%s\n", body)
			}
		case "/release":
			fmt.Fprint(w, `{"tag_name":"v1.2.0"}`)
		case "/missing":
			http.Error(w, "no such release", http.StatusNotFound)
		case "/flaky":
			if flaky.Add(1)%2 == 1 {
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
			fmt.Fprint(w, "done")
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		}
	}))
	return srv.URL, srv.Close
}

// hidePort replaces the test server's address in s.
func hidePort(s, url string) string { return strings.ReplaceAll(s, url, "http://127.0.0.1") }

func ExampleNew() {
	url, stop := exampleServer()
	defer stop()
	var release struct {
		TagName string `json:"tag_name"`
	}
	err := daxhttp.New(url+"/release").Retries(3).JSON(context.Background(), &release)
	fmt.Println(release.TagName, err)
	// Output: v1.2.0 <nil>
}

func ExampleRequest_Shell() {
	url, stop := exampleServer()
	defer stop()
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	sh, _ := dax.New(dax.WithDir(dir))
	// Relative to the Shell's directory.
	err := daxhttp.New(url+"/release").Shell(sh).Download(context.Background(), "release.json")
	b, _ := os.ReadFile(filepath.Join(dir, "release.json"))
	fmt.Println(string(b), err)
	// Output: {"tag_name":"v1.2.0"} <nil>
}

func ExampleRequest_String() {
	req := daxhttp.New("https://user:hunter22@registry.example.com/v2/").QuerySecret("token", "t0ken")
	fmt.Println(req)
	// Output: GET https://user:***@registry.example.com/v2/?token=***
}

func ExampleRequest_Method() {
	url, stop := exampleServer()
	defer stop()
	text, _ := daxhttp.New(url + "/echo").Method("DELETE").Text(context.Background())
	fmt.Print(text)
	// Output: DELETE /echo
}

func ExampleRequest_Header() {
	url, stop := exampleServer()
	defer stop()
	text, _ := daxhttp.New(url+"/echo").Header("X-Request-Id", "42").Text(context.Background())
	fmt.Print(text)
	// Output:
	// GET /echo
	// X-Request-Id: 42
}

func ExampleRequest_HeaderSecret() {
	url, stop := exampleServer()
	defer stop()
	_, err := daxhttp.New(url+"/missing").HeaderSecret("X-Api-Key", "k3y-k3y").Text(context.Background())
	fmt.Println(hidePort(err.Error(), url))
	// Output: GET http://127.0.0.1/missing: 404 Not Found: no such release
}

func ExampleRequest_Bearer() {
	url, stop := exampleServer()
	defer stop()
	text, _ := daxhttp.New(url + "/echo").Bearer(dax.Secret("t0ken")).Text(context.Background())
	fmt.Print(text)
	// Output:
	// GET /echo
	// Authorization: Bearer t0ken
}

func ExampleRequest_BasicAuth() {
	url, stop := exampleServer()
	defer stop()
	text, _ := daxhttp.New(url+"/echo").BasicAuth("AWS", dax.Secret("password")).Text(context.Background())
	fmt.Print(text)
	// Output:
	// GET /echo
	// Authorization: Basic QVdTOnBhc3N3b3Jk
}

func ExampleRequest_Query() {
	req := daxhttp.New("https://api.example.com/v1/items?page=2").Query("q", "a&b c")
	fmt.Println(req)
	// Output: GET https://api.example.com/v1/items?page=2&q=a%26b+c
}

func ExampleRequest_QuerySecret() {
	req := daxhttp.New("https://api.example.com/v1/items").QuerySecret("key", dax.Secret("k3y"))
	fmt.Println(req)
	// Output: GET https://api.example.com/v1/items?key=***
}

func ExampleRequest_BodyJSON() {
	url, stop := exampleServer()
	defer stop()
	text, _ := daxhttp.New(url + "/echo").BodyJSON(map[string]int{"replicas": 3}).Text(context.Background())
	fmt.Print(text)
	// Output:
	// POST /echo
	// Content-Type: application/json
	//
	// {"replicas":3}
}

func ExampleRequest_BodyString() {
	url, stop := exampleServer()
	defer stop()
	text, _ := daxhttp.New(url+"/echo").Method("PUT").Header("Content-Type", "text/plain").BodyString("hello").Text(context.Background())
	fmt.Print(text)
	// Output:
	// PUT /echo
	// Content-Type: text/plain
	//
	// hello
}

func ExampleRequest_BodyBytes() {
	url, stop := exampleServer()
	defer stop()
	text, _ := daxhttp.New(url + "/echo").BodyBytes([]byte("raw")).Text(context.Background())
	fmt.Print(text)
	// Output:
	// POST /echo
	//
	// raw
}

func ExampleRequest_Timeout() {
	url, stop := exampleServer()
	defer stop()
	_, err := daxhttp.New(url + "/slow").Timeout(20 * time.Millisecond).Text(context.Background())
	fmt.Println(hidePort(err.Error(), url))
	// Output: GET http://127.0.0.1/slow: timed out after 20ms
}

func ExampleRequest_Retries() {
	url, stop := exampleServer()
	defer stop()
	var log strings.Builder
	sh, _ := dax.New(dax.WithLogger(&log))
	text, err := daxhttp.New(url + "/flaky").Shell(sh).Retries(2).RetryDelay(0).Text(context.Background())
	fmt.Print(hidePort(log.String(), url))
	fmt.Println(text, err)
	// Output:
	// warn: GET http://127.0.0.1/flaky: 503 Service Unavailable: busy; retrying in 0s (attempt 2 of 3)
	// done <nil>
}

func ExampleRequest_RetryDelay() {
	url, stop := exampleServer()
	defer stop()
	sh, _ := dax.New(dax.WithLogger(io.Discard))
	text, err := daxhttp.New(url + "/flaky").Shell(sh).Retries(1).RetryDelay(time.Millisecond).Text(context.Background())
	fmt.Println(text, err)
	// Output: done <nil>
}

func ExampleRequest_Idempotent() {
	url, stop := exampleServer()
	defer stop()
	sh, _ := dax.New(dax.WithLogger(io.Discard))
	post := daxhttp.New(url + "/flaky").Shell(sh).BodyString("x").Retries(1).RetryDelay(0)
	_, err := post.Text(context.Background())
	fmt.Println(hidePort(err.Error(), url))
	text, err := post.Idempotent().Text(context.Background())
	fmt.Println(text, err)
	// Output:
	// POST http://127.0.0.1/flaky: 503 Service Unavailable: busy
	// done <nil>
}

func ExampleRequest_Text() {
	url, stop := exampleServer()
	defer stop()
	text, err := daxhttp.New(url + "/release").Text(context.Background())
	fmt.Println(text, err)
	// Output: {"tag_name":"v1.2.0"} <nil>
}

func ExampleRequest_Bytes() {
	url, stop := exampleServer()
	defer stop()
	b, err := daxhttp.New(url + "/release").Bytes(context.Background())
	fmt.Println(len(b), err)
	// Output: 21 <nil>
}

func ExampleRequest_JSON() {
	url, stop := exampleServer()
	defer stop()
	var release map[string]string
	err := daxhttp.New(url+"/release").JSON(context.Background(), &release)
	fmt.Println(release["tag_name"], err)
	// Output: v1.2.0 <nil>
}

func ExampleRequest_Download() {
	defer stderrToStdout()()
	url, stop := exampleServer()
	defer stop()
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	// Without a terminal, as here, plain lines now and at most every 5s.
	err := daxhttp.New(url+"/release").Progress(dax.ProgressDelay(0)).Download(context.Background(), filepath.Join(dir, "release.json"))
	fmt.Println(err)
	// Output:
	// info: Downloading release.json (0/21)
	// <nil>
}

func ExampleRequest_Progress() {
	defer stderrToStdout()()
	url, stop := exampleServer()
	defer stop()
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	// The default delay of 1s hides the progress of a quick download.
	err := daxhttp.New(url+"/release").Download(context.Background(), filepath.Join(dir, "release.json"))
	fmt.Println(err)
	// Output: <nil>
}

func ExampleRequest_NoProgress() {
	defer stderrToStdout()()
	url, stop := exampleServer()
	defer stop()
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	err := daxhttp.New(url+"/release").Progress(dax.ProgressDelay(0)).NoProgress().Download(context.Background(), filepath.Join(dir, "release.json"))
	fmt.Println(err)
	// Output: <nil>
}

func ExampleError() {
	url, stop := exampleServer()
	defer stop()
	_, err := daxhttp.New(url + "/missing").Text(context.Background())
	var herr *daxhttp.Error
	if errors.As(err, &herr) {
		fmt.Println(herr.StatusCode, strings.TrimSpace(herr.Body))
	}
	// Output: 404 no such release
}

func ExampleError_Error() {
	url, stop := exampleServer()
	defer stop()
	_, err := daxhttp.New(url + "/missing").Text(context.Background())
	fmt.Println(hidePort(err.Error(), url))
	// Output: GET http://127.0.0.1/missing: 404 Not Found: no such release
}

func ExampleError_TimedOut() {
	url, stop := exampleServer()
	defer stop()
	_, err := daxhttp.New(url + "/slow").Timeout(20 * time.Millisecond).Text(context.Background())
	var herr *daxhttp.Error
	fmt.Println(errors.As(err, &herr) && herr.TimedOut(), errors.Is(err, context.DeadlineExceeded))
	// Output: true true
}

// stderrToStdout makes the default logger write where examples are
// checked.
func stderrToStdout() (restore func()) {
	saved := os.Stderr
	os.Stderr = os.Stdout
	return func() { os.Stderr = saved }
}
