package ecrauth_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/ecrauth"
	"github.com/godax/godax/lib/ecrauth/tokencache"
)

// An outside program logs in with the cache in a few lines. Its login
// function would assume a role, ask ECR for a token with [ecrauth.GetToken]
// and run `docker login --password-stdin` (container.CLI.Login); here it
// stands in for them, and a map stands in for Docker's config.
func ExampleLogin() {
	dir, _ := os.MkdirTemp("", "ecr-cache")
	defer os.RemoveAll(dir)
	docker := &fakeDocker{stored: map[string]string{}}
	login := func(ctx context.Context, t ecrauth.Target) (ecrauth.Token, error) {
		fmt.Println("asking ECR for a token and logging in to", t.Host)
		tok := ecrauth.Token{Username: "AWS", Password: dax.Secret("token"), Host: t.Host,
			RequestedAt: time.Now(), ExpiresAt: time.Now().Add(12 * time.Hour)}
		docker.stored[t.Host] = tokencache.Digest(tok.Username, string(tok.Password))
		return tok, nil
	}
	host := "111122223333.dkr.ecr.eu-west-1.amazonaws.com"
	targets := []ecrauth.Target{{Region: "eu-west-1", Host: host,
		Key: tokencache.Key{Host: host, Region: "eu-west-1", Role: "arn:aws:iam::111122223333:role/pusher"}}}
	quiet := func(string, ...any) {}
	for range 2 {
		res, err := ecrauth.Login(context.Background(), targets, login,
			ecrauth.WithCacheDir(dir), ecrauth.WithDocker(docker), ecrauth.WithLog(quiet, quiet))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: from cache %v\n", res[0].Host, res[0].FromCache)
	}
	// Output:
	// asking ECR for a token and logging in to 111122223333.dkr.ecr.eu-west-1.amazonaws.com
	// 111122223333.dkr.ecr.eu-west-1.amazonaws.com: from cache false
	// 111122223333.dkr.ecr.eu-west-1.amazonaws.com: from cache true
}
