// Package deploytest sets up what deploy tests and benchmarks deploy to:
// fleets of ECS services and Lambda functions spread over accounts and
// regions, and small images in a registry, through the SDK's clients and
// the registry HTTP API, so it runs against moto and a local registry as
// well as against AWS.
//
//	arns, err := deploytest.Fleet(ctx, places, "bench", 16, 8, image)
//	digest, err := deploytest.PushImage(ctx, nil, "127.0.0.1:5000", "AWS", password, "web", "v1")
package deploytest
