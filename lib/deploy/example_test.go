package deploy

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/godax/godax/lib/dax"
)

func ExampleParseImage() {
	img, err := ParseImage("127.0.0.1:5000/web:v1@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(img.Repository)
	fmt.Println(img)

	_, err = ParseImage("127.0.0.1:5000/web:v1")
	fmt.Println(err)
	// Output:
	// 127.0.0.1:5000/web
	// 127.0.0.1:5000/web@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
	// image "127.0.0.1:5000/web:v1" is not pinned by digest (want REPOSITORY@sha256:<64 hex digits>)
}

// ExampleECS_Deploy runs against an in-memory ECS whose service becomes
// stable at once; with a real client, pass ecs.NewFromConfig(cfg).
func ExampleECS_Deploy() {
	client := newFakeECS("prod", "web", ecstypes.TaskDefinition{
		Family: aws.String("web"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{
			{Name: aws.String("app"), Image: aws.String("127.0.0.1:5000/web:v1")},
			{Name: aws.String("proxy"), Image: aws.String("envoyproxy/envoy:v1.31")},
		},
	}, nil)
	d, err := NewECS(client, "prod", "web", WithProgress(os.Stdout), WithRollback(true))
	if err != nil {
		fmt.Println(err)
		return
	}
	img, err := ParseImage("127.0.0.1:5000/web@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae")
	if err != nil {
		fmt.Println(err)
		return
	}
	plan, err := d.Plan(context.Background(), img)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("plan:", plan)
	res, err := d.Deploy(context.Background(), img)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("done:", res)
	// Output:
	// plan: ecs service prod/web (container app), now web:1: 127.0.0.1:5000/web:v1 -> 127.0.0.1:5000/web@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
	// ecs service prod/web: registered web:2
	// ecs service prod/web: 1/1 running, 0 pending, 1 deployment(s), rollout completed
	// ecs service prod/web: stable on web:2
	// done: ecs service prod/web runs 127.0.0.1:5000/web@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae as web:2
}

func ExampleParseARN() {
	a, err := ParseARN("arn:aws:lambda:eu-west-1:111122223333:function:api:live")
	if err != nil {
		fmt.Println(err)
		return
	}
	fn, alias, err := LambdaFunction(a)
	fmt.Println(a.Region, a.Account, fn, alias, err)

	_, err = ParseARN("arn:aws:ecs:eu-west-1:1111:service/prod/web")
	fmt.Println(err)
	// Output:
	// eu-west-1 111122223333 api live <nil>
	// "arn:aws:ecs:eu-west-1:1111:service/prod/web": account "1111" is not a 12-digit account id
}

// ExampleRunAll deploys to two in-memory services at once; with real
// clients, make the targets with ECSKind and LambdaKind.
func ExampleRunAll() {
	var targets []Target
	for _, name := range []string{"web", "api"} {
		client := newFakeECS("prod", name, ecstypes.TaskDefinition{
			Family:               aws.String(name),
			ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("127.0.0.1:5000/web:v1")}},
		}, nil)
		d, err := NewECS(client, "prod", name)
		if err != nil {
			fmt.Println(err)
			return
		}
		targets = append(targets, d)
	}
	img, err := ParseImage("127.0.0.1:5000/web@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae")
	if err != nil {
		fmt.Println(err)
		return
	}
	outcomes, err := RunAll(context.Background(), targets, img)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range outcomes {
		fmt.Println(o.Target, o.Status(), ShortRevision(o.Result.NewRevision))
	}
	// Output:
	// ecs service prod/web ok web:2
	// ecs service prod/api ok api:2
}

func ExampleNewShellReporter() {
	sh, err := dax.New(dax.WithLogger(os.Stdout))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	r := NewShellReporter(ctx, sh, 2)
	defer r.Close()
	// What RunAll and its targets call; a wait shorter than ShowAfter
	// shows no bar.
	w := r.Wait(ctx, "ecs service prod/web", "rolling out")
	r.Progress("ecs service prod/web", "registered web:42")
	w.Update("", 1, 1)
	w.End()
	r.Done(Outcome{Target: "ecs service prod/web", Took: 1200 * time.Millisecond})
	// Output:
	// info: ecs service prod/web: registered web:42
	// info: ecs service prod/web: ok in 1.2s
}
