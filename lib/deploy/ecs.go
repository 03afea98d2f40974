package deploy

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ECSAPI is the part of the ECS client an [ECS] deployer uses.
type ECSAPI interface {
	DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
	RegisterTaskDefinition(context.Context, *ecs.RegisterTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error)
	UpdateService(context.Context, *ecs.UpdateServiceInput, ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error)
}

var _ ECSAPI = (*ecs.Client)(nil)

// ECS deploys images to one ECS service. Make one with [NewECS].
type ECS struct {
	client  ECSAPI
	cluster string
	service string
	s       settings
}

// NewECS returns a deployer for service in cluster, talking to ECS through
// client. It uses [WithTimeout], [WithProgress], [WithPollInterval],
// [WithContainer] and [WithRollback]; it fails when cluster or service is
// empty or an option is invalid.
func NewECS(client ECSAPI, cluster, service string, opts ...Option) (*ECS, error) {
	if client == nil {
		return nil, errors.New("ecs deploy: client is nil")
	}
	if cluster == "" || service == "" {
		return nil, fmt.Errorf("ecs deploy: cluster %q and service %q must both be set", cluster, service)
	}
	s, err := newSettings(6*time.Second, 30*time.Second, opts)
	if err != nil {
		return nil, fmt.Errorf("ecs deploy %s/%s: %w", cluster, service, err)
	}
	return &ECS{client: client, cluster: cluster, service: service, s: s}, nil
}

// ECSPlan is the change an [ECS] deployer makes, or would make.
type ECSPlan struct {
	Cluster string
	Service string
	// TaskDefinition is the ARN of the task definition the service runs now.
	TaskDefinition string
	// Container is the name of the container whose image changes.
	Container string
	// OldImage and NewImage are that container's image before and after.
	OldImage string
	NewImage string
}

// String describes the plan on one line.
func (p ECSPlan) String() string {
	if p.OldImage == p.NewImage {
		return fmt.Sprintf("ecs service %s/%s, container %s (task definition %s): already runs %s; nothing to change",
			p.Cluster, p.Service, p.Container, shortTaskDefinition(p.TaskDefinition), p.NewImage)
	}
	return fmt.Sprintf("ecs service %s/%s, container %s (task definition %s): %s -> %s",
		p.Cluster, p.Service, p.Container, shortTaskDefinition(p.TaskDefinition), p.OldImage, p.NewImage)
}

// ECSResult is the outcome of [ECS.Deploy].
type ECSResult struct {
	ECSPlan
	// NewTaskDefinition is the ARN of the revision registered for the new
	// image; empty when the deploy failed before registering it.
	NewTaskDefinition string
	// RolledBack reports that the service was pointed back at
	// [ECSPlan.TaskDefinition] after the rollout failed.
	RolledBack bool
	// Unchanged reports that the container already ran the image, so no
	// revision was registered and NewTaskDefinition is the current one.
	Unchanged bool
}

// String describes the outcome on one line.
func (r ECSResult) String() string {
	if r.RolledBack {
		return fmt.Sprintf("ecs service %s/%s is back on %s (%s did not roll out)",
			r.Cluster, r.Service, shortTaskDefinition(r.TaskDefinition), shortTaskDefinition(r.NewTaskDefinition))
	}
	s := fmt.Sprintf("ecs service %s/%s runs %s, container %s: %s",
		r.Cluster, r.Service, shortTaskDefinition(r.NewTaskDefinition), r.Container, r.NewImage)
	if r.Unchanged {
		s += " (unchanged)"
	}
	return s
}

// ECSStatus is what an ECS service runs now.
type ECSStatus struct {
	Cluster string
	Service string
	// TaskDefinition is the ARN of the service's task definition.
	TaskDefinition string
	// Images maps each container's name to its image.
	Images map[string]string
	// Running and Desired are the service's task counts.
	Running int32
	Desired int32
}

// String describes the status on one line: service, task definition,
// container images by name, and task counts.
func (st ECSStatus) String() string {
	var images []string
	for _, name := range slices.Sorted(maps.Keys(st.Images)) {
		images = append(images, name+"="+st.Images[name])
	}
	return fmt.Sprintf("ecs service %s/%s -> task definition %s -> %s (%d/%d running)",
		st.Cluster, st.Service, shortTaskDefinition(st.TaskDefinition), strings.Join(images, ", "), st.Running, st.Desired)
}

// Status reads which task definition and images the service runs.
func (d *ECS) Status(ctx context.Context) (ECSStatus, error) {
	svc, td, err := d.current(ctx)
	if err != nil {
		return ECSStatus{}, err
	}
	st := ECSStatus{
		Cluster:        d.cluster,
		Service:        d.service,
		TaskDefinition: aws.ToString(svc.TaskDefinition),
		Images:         map[string]string{},
		Running:        svc.RunningCount,
		Desired:        svc.DesiredCount,
	}
	for _, c := range td.TaskDefinition.ContainerDefinitions {
		st.Images[aws.ToString(c.Name)] = aws.ToString(c.Image)
	}
	return st, nil
}

// Plan reads the service and its task definition and returns the change
// [ECS.Deploy] would make for img. It changes nothing.
func (d *ECS) Plan(ctx context.Context, img Image) (ECSPlan, error) {
	if err := img.check(); err != nil {
		return ECSPlan{}, fmt.Errorf("%s: %w", d.target(), err)
	}
	_, td, err := d.current(ctx)
	if err != nil {
		return ECSPlan{}, err
	}
	plan, _, err := d.plan(td.TaskDefinition, img)
	return plan, err
}

// Deploy rolls img out to the service: it registers a copy of the
// service's task definition with the image of one container replaced (see
// [WithContainer]), points the service at it and waits until the service is
// stable, for at most the time set by [WithTimeout]. With [WithRollback], a
// rollout that fails or times out points the service back at its previous
// task definition; the error then says so. When the container already runs
// img, Deploy registers nothing and only waits until the service is stable.
func (d *ECS) Deploy(ctx context.Context, img Image) (ECSResult, error) {
	if err := img.check(); err != nil {
		return ECSResult{}, fmt.Errorf("%s: %w", d.target(), err)
	}
	svc, td, err := d.current(ctx)
	if err != nil {
		return ECSResult{}, err
	}
	plan, i, err := d.plan(td.TaskDefinition, img)
	res := ECSResult{ECSPlan: plan}
	if err != nil {
		return res, err
	}
	if plan.OldImage == plan.NewImage {
		res.NewTaskDefinition, res.Unchanged = plan.TaskDefinition, true
		fmt.Fprintf(d.s.progress, "%s: %s already runs %s; registering nothing\n", d.target(), shortTaskDefinition(plan.TaskDefinition), plan.NewImage)
	} else {
		if res.NewTaskDefinition, err = d.register(ctx, td, i, plan.NewImage); err != nil {
			return res, err
		}
		if err := d.point(ctx, res.NewTaskDefinition); err != nil {
			return res, err
		}
	}
	werr := d.wait(ctx, svc.Events)
	if werr == nil {
		fmt.Fprintf(d.s.progress, "%s: stable on %s\n", d.target(), shortTaskDefinition(res.NewTaskDefinition))
		return res, nil
	}
	if !d.s.rollback || res.Unchanged { // unchanged: there is no other revision to go back to
		return res, werr
	}
	// Roll back even when ctx was cancelled: leaving the service on a
	// revision that did not come up is worse.
	if err := d.point(context.WithoutCancel(ctx), plan.TaskDefinition); err != nil {
		return res, fmt.Errorf("%w; rollback failed: %w", werr, err)
	}
	res.RolledBack = true
	return res, fmt.Errorf("%w; rolled the service back to %s", werr, shortTaskDefinition(plan.TaskDefinition))
}

// register registers a copy of td, with its tags, whose container i runs
// image, and returns the new revision's ARN.
func (d *ECS) register(ctx context.Context, td *ecs.DescribeTaskDefinitionOutput, i int, image string) (string, error) {
	in := registration(td.TaskDefinition, td.Tags)
	in.ContainerDefinitions[i].Image = aws.String(image)
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	reg, err := d.client.RegisterTaskDefinition(cctx, in)
	if err != nil {
		return "", fmt.Errorf("%s: register task definition %s: %w", d.target(), aws.ToString(in.Family), err)
	}
	arn := aws.ToString(reg.TaskDefinition.TaskDefinitionArn)
	fmt.Fprintf(d.s.progress, "%s: registered %s\n", d.target(), shortTaskDefinition(arn))
	return arn, nil
}

func (d *ECS) target() string { return "ecs service " + d.cluster + "/" + d.service }

// current reads the service and the task definition it runs, with tags.
func (d *ECS) current(ctx context.Context) (types.Service, *ecs.DescribeTaskDefinitionOutput, error) {
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	out, err := d.client.DescribeServices(cctx, &ecs.DescribeServicesInput{
		Cluster:  aws.String(d.cluster),
		Services: []string{d.service},
	})
	var missing *types.ClusterNotFoundException
	if errors.As(err, &missing) {
		return types.Service{}, nil, &NotFoundError{Kind: "ecs cluster", Name: d.cluster, Err: err}
	}
	if err != nil {
		return types.Service{}, nil, fmt.Errorf("%s: describe service: %w", d.target(), err)
	}
	i := slices.IndexFunc(out.Services, func(s types.Service) bool { return aws.ToString(s.Status) != "INACTIVE" })
	if i < 0 {
		return types.Service{}, nil, &NotFoundError{Kind: "ecs service", Name: d.cluster + "/" + d.service}
	}
	svc := out.Services[i]
	td, err := d.client.DescribeTaskDefinition(cctx, &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: svc.TaskDefinition,
		Include:        []types.TaskDefinitionField{types.TaskDefinitionFieldTags},
	})
	if err != nil {
		return types.Service{}, nil, fmt.Errorf("%s: describe task definition %s: %w", d.target(), aws.ToString(svc.TaskDefinition), err)
	}
	if td.TaskDefinition == nil {
		return types.Service{}, nil, fmt.Errorf("%s: describe task definition %s: empty answer", d.target(), aws.ToString(svc.TaskDefinition))
	}
	return svc, td, nil
}

// plan picks the container to update in td and describes the change.
func (d *ECS) plan(td *types.TaskDefinition, img Image) (ECSPlan, int, error) {
	plan := ECSPlan{
		Cluster:        d.cluster,
		Service:        d.service,
		TaskDefinition: aws.ToString(td.TaskDefinitionArn),
		NewImage:       img.String(),
	}
	i, err := pickContainer(td.ContainerDefinitions, d.s.container, img.Repository)
	if err != nil {
		return plan, -1, fmt.Errorf("%s: task definition %s: %w", d.target(), shortTaskDefinition(plan.TaskDefinition), err)
	}
	plan.Container = aws.ToString(td.ContainerDefinitions[i].Name)
	plan.OldImage = aws.ToString(td.ContainerDefinitions[i].Image)
	return plan, i, nil
}

// pickContainer returns the index of the container named name or, when
// name is empty, of the only container whose image is in repository.
func pickContainer(cs []types.ContainerDefinition, name, repository string) (int, error) {
	var names, matches []string
	found := -1
	for i, c := range cs {
		names = append(names, aws.ToString(c.Name))
		if name != "" && aws.ToString(c.Name) == name {
			return i, nil
		}
		if name == "" && repositoryOf(aws.ToString(c.Image)) == repository {
			matches = append(matches, aws.ToString(c.Name))
			found = i
		}
	}
	switch {
	case name != "":
		return -1, fmt.Errorf("%w: no container named %q (containers: %s)", ErrNoContainer, name, strings.Join(names, ", "))
	case len(matches) == 0:
		return -1, fmt.Errorf("%w: no container uses repository %s (containers: %s); name the container to update", ErrNoContainer, repository, strings.Join(names, ", "))
	case len(matches) > 1:
		return -1, fmt.Errorf("%w: containers %s all use repository %s; name the container to update", ErrNoContainer, strings.Join(matches, ", "), repository)
	}
	return found, nil
}

// droppedFields are the task definition fields ECS returns but refuses on
// registration. registration copies every other field.
var droppedFields = []string{
	"TaskDefinitionArn", "Revision", "Status", "RequiresAttributes", "Compatibilities",
	"RegisteredAt", "RegisteredBy", "DeregisteredAt", "DeleteRequestedAt",
}

// registration returns the input that registers td again, with tags,
// leaving td unchanged. The container definitions are a copy, so changing
// one does not change td.
func registration(td *types.TaskDefinition, tags []types.Tag) *ecs.RegisterTaskDefinitionInput {
	in := &ecs.RegisterTaskDefinitionInput{
		ContainerDefinitions:          slices.Clone(td.ContainerDefinitions),
		Cpu:                           td.Cpu,
		EnableFaultInjection:          td.EnableFaultInjection,
		EphemeralStorage:              td.EphemeralStorage,
		ExecutionRoleArn:              td.ExecutionRoleArn,
		Family:                        td.Family,
		InferenceAccelerators:         td.InferenceAccelerators,
		IpcMode:                       td.IpcMode,
		Memory:                        td.Memory,
		NetworkMode:                   td.NetworkMode,
		PidMode:                       td.PidMode,
		PlacementConstraints:          td.PlacementConstraints,
		ProxyConfiguration:            td.ProxyConfiguration,
		RequiresCompatibilities:       td.RequiresCompatibilities,
		RuntimePlatform:               td.RuntimePlatform,
		TaskRoleArn:                   td.TaskRoleArn,
		TrustedExecutionConfiguration: td.TrustedExecutionConfiguration,
		Volumes:                       td.Volumes,
	}
	if len(tags) > 0 {
		in.Tags = tags
	}
	return in
}

// point makes the service run taskDefinition.
func (d *ECS) point(ctx context.Context, taskDefinition string) error {
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	_, err := d.client.UpdateService(cctx, &ecs.UpdateServiceInput{
		Cluster:        aws.String(d.cluster),
		Service:        aws.String(d.service),
		TaskDefinition: aws.String(taskDefinition),
	})
	if err != nil {
		return fmt.Errorf("%s: update service to %s: %w", d.target(), shortTaskDefinition(taskDefinition), err)
	}
	return nil
}

// wait waits until the service is stable, printing its counts when they
// change and every event not in before.
func (d *ECS) wait(ctx context.Context, before []types.ServiceEvent) error {
	seen := map[string]bool{}
	for _, e := range before {
		seen[aws.ToString(e.Id)] = true
	}
	w := &watch{}
	waiter := ecs.NewServicesStableWaiter(d.client, func(o *ecs.ServicesStableWaiterOptions) {
		o.MinDelay, o.MaxDelay = d.s.minDelay, d.s.maxDelay
		stable := o.Retryable
		o.Retryable = func(ctx context.Context, in *ecs.DescribeServicesInput, out *ecs.DescribeServicesOutput, err error) (bool, error) {
			if err == nil {
				d.report(out, w, seen)
			}
			retry, stop := stable(ctx, in, out, err)
			switch {
			case stop != nil && err == nil: // a failure state the waiter knows
				stop = fmt.Errorf("%w: %w", errRolloutFailed, stop)
			case stop == nil && retry && w.reason != "":
				stop = errRolloutFailed
			}
			if stop != nil {
				w.stop = stop
				return false, stop
			}
			return retry, nil
		}
	})
	_, err := waiter.WaitForOutput(ctx, &ecs.DescribeServicesInput{
		Cluster:  aws.String(d.cluster),
		Services: []string{d.service},
	}, d.s.timeout)
	if err != nil {
		return waitError(ctx, err, w, d.target(), d.s.timeout)
	}
	return nil
}

// report prints the service's status line when it changed, and its new
// events oldest first. A primary deployment whose rollout failed, or a
// service that is draining or gone, sets w.reason.
func (d *ECS) report(out *ecs.DescribeServicesOutput, w *watch, seen map[string]bool) {
	if len(out.Services) == 0 {
		for _, f := range out.Failures {
			w.reason = "service " + strings.ToLower(aws.ToString(f.Reason))
		}
		return
	}
	svc := out.Services[0]
	line := fmt.Sprintf("%d/%d running, %d pending, %d deployment(s)", svc.RunningCount, svc.DesiredCount, svc.PendingCount, len(svc.Deployments))
	for _, dep := range svc.Deployments {
		if aws.ToString(dep.Status) != "PRIMARY" {
			continue
		}
		if dep.RolloutState != "" {
			line += ", rollout " + strings.ToLower(string(dep.RolloutState))
		}
		if dep.RolloutState == types.DeploymentRolloutStateFailed {
			w.reason = "deployment " + aws.ToString(dep.Id) + " failed: " + aws.ToString(dep.RolloutStateReason)
		}
	}
	if s := aws.ToString(svc.Status); s == "DRAINING" || s == "INACTIVE" {
		w.reason = "the service is " + strings.ToLower(s)
	}
	if line != w.last {
		fmt.Fprintf(d.s.progress, "%s: %s\n", d.target(), line)
		w.last = line
	}
	for _, e := range slices.Backward(svc.Events) {
		if id := aws.ToString(e.Id); !seen[id] {
			seen[id] = true
			fmt.Fprintf(d.s.progress, "%s: event: %s\n", d.target(), aws.ToString(e.Message))
		}
	}
}

// shortTaskDefinition returns family:revision from a task definition ARN.
func shortTaskDefinition(arn string) string {
	if _, after, ok := strings.Cut(arn, ":task-definition/"); ok {
		return after
	}
	return arn
}
