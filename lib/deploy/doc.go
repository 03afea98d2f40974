// Package deploy rolls a container image, pinned by digest, out to many
// targets at once (ECS services, Lambda functions, or kinds of your own)
// and waits until each runs it, using the SDK's own clients and waiters.
//
// A [Target] plans (reads, changes nothing), deploys, reports its status
// and rolls back. [ECS] and [Lambda] are its two kinds, each with its own
// options ([ECSOption], [LambdaOption]) besides the common ones
// ([Option]). [RunAll] deploys to a fleet at most [Concurrency] at a time;
// one target failing neither stops nor cancels the others, and the error
// joins every target's, each naming its target. [PlanAll] and [StatusAll]
// do the same for plans and status. A [Kind] turns an [ARN] into a
// target, so a list of ARNs becomes a fleet:
//
//	img, err := deploy.ParseImage("111122223333.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:9f86d0...")
//	if err != nil {
//		return err
//	}
//	a, err := deploy.ParseARN("arn:aws:ecs:eu-west-1:111122223333:service/prod/web")
//	if err != nil {
//		return err
//	}
//	web, err := deploy.ECSKind(deploy.WithContainer("app")).New(cfg, a, deploy.WithRollback(true))
//	if err != nil {
//		return err
//	}
//	outcomes, err := deploy.RunAll(ctx, []deploy.Target{web, api}, img,
//		deploy.WithReporter(deploy.NewLineReporter(os.Stderr)))
//	_ = deploy.WriteTable(os.Stdout, outcomes)
//
// An [ECS] target copies the service's current task definition, swaps the
// image of one container, registers the copy as a new revision, points the
// service at it and waits with the SDK's ServicesStable waiter. A [Lambda]
// target updates the function's code, retrying while another update is in
// progress, waits with the FunctionUpdatedV2 waiter, and can publish a
// version and move an alias to it. With [WithRollback] a failed rollout
// puts the service back on its previous revision, or the alias back on its
// previous version. A [Registry] resolves a tag to its digest and checks
// that a Lambda function's region holds the image ([WithImageCheck]).
//
// While they wait, targets send progress lines ([Progress]) and report long
// waits ([Waiting]) to the run's [Reporter]: [NewLineReporter] prints
// lines; [NewShellReporter] logs through a dax Shell and, on a terminal,
// draws a bar for each wait over [ShowAfter] and for the count of targets
// finished.
//
// # Error handling
//
// Names are checked by AWS's rules before any call ([ValidateECSName],
// [ValidateFunctionName], [ValidateAlias], [ParseARN], [ParseImage]), and
// printed quoted ([Quoted]) where they could hold a control character.
// Each API call outside a wait takes at most a fifth of [WithTimeout]. A
// target whose deploy fails after its change was sent, such as one
// interrupted while it waits, reports "unknown" ([Outcome.Status]): the
// change may have been applied.
//
// Errors name the target. A missing cluster, service or function is a
// [*NotFoundError]; a rollout that does not finish in time is a
// [*TimeoutError] (and matches [context.DeadlineExceeded] with [errors.Is]).
// A task definition without the container to update matches
// [ErrNoContainer].
package deploy
