// Package deploy rolls a container image, pinned by digest, out to an ECS
// service or a Lambda function and waits until it runs, using the SDK's own
// clients and waiters.
//
// An [ECS] deployer copies the service's current task definition, swaps the
// image of one container, registers the copy as a new revision, points the
// service at it and waits with the SDK's ServicesStable waiter, printing the
// running and desired counts and new service events as it goes. With
// [WithRollback] a failed or timed-out rollout points the service back at the
// revision it ran before. A [Lambda] deployer updates the function's code,
// retrying while another update is in progress, waits with
// the SDK's FunctionUpdatedV2 waiter, and can publish a version and move an
// alias to it. Both have a Plan method that reads the current state and
// changes nothing.
//
//	img, err := deploy.ParseImage("111122223333.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:9f86d0...")
//	if err != nil {
//		return err
//	}
//	d, err := deploy.NewECS(ecs.NewFromConfig(cfg), "prod", "web",
//		deploy.WithTimeout(10*time.Minute), deploy.WithRollback(true),
//		deploy.WithProgress(os.Stderr))
//	if err != nil {
//		return err
//	}
//	res, err := d.Deploy(ctx, img)
//
// # Error handling
//
// Errors name the target. A missing cluster, service or function is a
// [*NotFoundError]; a rollout that does not finish in time is a
// [*TimeoutError] (and matches [context.DeadlineExceeded] with [errors.Is]).
// A task definition without the container to update matches
// [ErrNoContainer].
package deploy
