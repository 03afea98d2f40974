// Package daxhttp sends HTTP requests from a script, as dax's request
// builder and zx's fetch do: a [Request] is an immutable value built with
// [New] and modifiers, sent by a sink that reads the response as text,
// bytes or JSON, or downloads it to a file.
//
//	var release struct{ TagName string `json:"tag_name"` }
//	err := daxhttp.New("https://api.example.com/repos/app/releases/latest").
//		Bearer(dax.Secret(token)).
//		Timeout(10 * time.Second).
//		Retries(3).
//		JSON(ctx, &release)
//	err = daxhttp.New(assetURL).Shell(sh).Download(ctx, "app.tar.gz")
//
// Secrets given as a [dax.Secret] are shown as *** wherever the request is
// printed; see [Request]. A response whose status is not 2xx is an error,
// an [*Error] with the status and the start of the body.
//
// It is a package of its own, so that a program using only package dax
// does not link net/http.
package daxhttp
