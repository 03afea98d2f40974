package credhelper_test

import (
	"fmt"

	"github.com/godax/godax/lib/ecrauth/credhelper"
)

func ExampleLookup() {
	cfg := credhelper.Config{Registries: map[string]credhelper.Registry{
		"registry.example.com": {ECR: "111122223333.dkr.ecr.eu-west-1.amazonaws.com", Profile: "ci"},
	}}
	env := map[string]string{"ECR_ROLE": "arn:aws:iam::111122223333:role/pull", "ECR_REGISTRY": "127.0.0.1:5000"}
	getenv := func(k string) string { return env[k] }
	for _, host := range []string{"registry.example.com", "https://127.0.0.1:5000/v2/", "444455556666.dkr.ecr.us-east-1.amazonaws.com", "docker.io"} {
		r, ok := credhelper.Lookup(cfg, getenv, host)
		fmt.Printf("%s: served %v, profile %q, role %q\n", host, ok, r.Profile, r.Role)
	}
	// Output:
	// registry.example.com: served true, profile "ci", role ""
	// https://127.0.0.1:5000/v2/: served true, profile "", role "arn:aws:iam::111122223333:role/pull"
	// 444455556666.dkr.ecr.us-east-1.amazonaws.com: served true, profile "", role "arn:aws:iam::111122223333:role/pull"
	// docker.io: served false, profile "", role ""
}
