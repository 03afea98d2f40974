package dax_test

import (
	"context"
	"os"
	"time"

	"github.com/godax/godax/lib/dax"
)

func ExampleProgress() {
	defer stderrToStdout()()
	ctx := context.Background()
	// Without a terminal, as here, a plain line now and at most every 5s.
	bar := dax.Progress(ctx, "Waiting for the services", dax.ProgressLength(3))
	defer bar.Done()
	for running := 1; running <= 3; running++ {
		bar.SetPosition(running)
	}
	// Output: info: Waiting for the services (0/3)
}

func ExampleShell_Progress() {
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	bar := sh.Progress(context.Background(), "Waiting for moto") // a spinner: no length
	bar.Done()
	// Output: info: Waiting for moto
}

func ExampleProgressLength() {
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	bar := sh.Progress(context.Background(), "Updating functions", dax.ProgressLength(12))
	bar.Done()
	// Output: info: Updating functions (0/12)
}

func ExampleProgressEvery() {
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	bar := sh.Progress(context.Background(), "Rolling out", dax.ProgressEvery(30*time.Second))
	bar.Done()
	// Output: info: Rolling out
}

func ExampleProgressBar_SetMessage() {
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	bar := sh.Progress(context.Background(), "Rolling out api")
	defer bar.Done()
	bar.SetMessage("Rolling out worker") // shown at the next redraw or plain line
	// Output: info: Rolling out api
}

func ExampleProgressBar_SetLength() {
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	bar := sh.Progress(context.Background(), "Listing targets")
	defer bar.Done()
	bar.SetLength(7) // the spinner becomes a bar
	// Output: info: Listing targets
}

func ExampleProgressBar_SetPosition() {
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	bar := sh.Progress(context.Background(), "api: tasks running", dax.ProgressLength(4))
	defer bar.Done()
	bar.SetPosition(2)
	// Output: info: api: tasks running (0/4)
}

func ExampleProgressBar_Add() {
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	bar := sh.Progress(context.Background(), "Deploying targets", dax.ProgressLength(3))
	defer bar.Done()
	for range 3 {
		bar.Add(1)
	}
	// Output: info: Deploying targets (0/3)
}

func ExampleProgressBar_Done() {
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	ctx, cancel := context.WithCancel(context.Background())
	bar := sh.Progress(ctx, "Waiting")
	cancel()   // the bar stops with its context...
	bar.Done() // ...and Done may be called any number of times
	bar.Done()
	sh.Info("done")
	// Output:
	// info: Waiting
	// info: done
}

func ExampleProgressDelay() {
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	bar := sh.Progress(context.Background(), "Waiting for moto", dax.ProgressDelay(2*time.Second))
	bar.Done() // done within 2s: nothing shown
	sh.Info("moto is up")
	// Output: info: moto is up
}
