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

// ECS deploys images to one ECS service. Make one with [NewECS] or
// [NewECSFromARN].
type ECS struct {
	client  ECSAPI
	cluster string
	service string
	arn     ARN // the ARN it was made from, if any
	s       ecsSettings

	batched fresh[types.Service] // read by readBatch, for the next read
	planned fresh[ecsRead]       // read by Plan, for the Deploy that follows
}

// NewECS returns a target for service in cluster, talking to ECS through
// client. It takes every [Option] and [WithContainer]; it fails when
// cluster or service is not a valid ECS name (see [ValidateECSName]) or
// an option is invalid.
func NewECS(client ECSAPI, cluster, service string, opts ...ECSOption) (*ECS, error) {
	if client == nil {
		return nil, errors.New("ecs deploy: client is nil")
	}
	if cluster == "" || service == "" {
		return nil, fmt.Errorf("ecs deploy: cluster %s and service %s must both be set", Quoted(cluster), Quoted(service))
	}
	if err := errors.Join(ValidateECSName("ecs cluster", cluster), ValidateECSName("ecs service", service)); err != nil {
		return nil, fmt.Errorf("ecs deploy: %w", err)
	}
	s := ecsSettings{settings: baseSettings(6*time.Second, 30*time.Second)}
	for _, opt := range opts {
		if err := opt.applyECS(&s); err != nil {
			return nil, fmt.Errorf("ecs deploy %s/%s: %w", cluster, service, err)
		}
	}
	if s.name == "" {
		s.name = "ecs service " + cluster + "/" + service
	}
	return &ECS{client: client, cluster: cluster, service: service, s: s}, nil
}

// ECSService returns the cluster and service an ECS service ARN,
// arn:PARTITION:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE, names,
// checking both names (see [ValidateECSName]). It does no network work.
func ECSService(a ARN) (cluster, service string, err error) {
	parts := strings.Split(a.Resource, "/")
	if a.Service != "ecs" || len(parts) != 3 || parts[0] != "service" || parts[1] == "" || parts[2] == "" {
		return "", "", fmt.Errorf("%s is not an ECS service ARN (want arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE)", Quoted(a.String()))
	}
	if err := ValidateECSName("cluster", parts[1]); err != nil {
		return "", "", fmt.Errorf("%s: %w", Quoted(a.String()), err)
	}
	if err := ValidateECSName("service", parts[2]); err != nil {
		return "", "", fmt.Errorf("%s: %w", Quoted(a.String()), err)
	}
	return parts[1], parts[2], nil
}

// NewECSFromARN returns a target for the ECS service a names (see
// [ECSService]), called by its ARN, talking to ECS through client, which
// must act in the ARN's account and region.
func NewECSFromARN(client ECSAPI, a ARN, opts ...ECSOption) (*ECS, error) {
	cluster, service, err := ECSService(a)
	if err != nil {
		return nil, err
	}
	d, err := NewECS(client, cluster, service, append([]ECSOption{WithName(a.String())}, opts...)...)
	if err != nil {
		return nil, err
	}
	d.arn = a
	return d, nil
}

// String names the service: its ARN when made from one, else "ecs service
// CLUSTER/SERVICE", or what [WithName] set.
func (d *ECS) String() string { return d.s.name }

// Status reads which task definition and images the service runs, its
// task counts and its last event.
func (d *ECS) Status(ctx context.Context) (Status, error) {
	svc, td, err := d.current(ctx)
	if err != nil {
		return Status{}, err
	}
	st := Status{
		Target:   d.String(),
		Revision: aws.ToString(svc.TaskDefinition),
		Detail:   fmt.Sprintf("%d/%d running, %d pending", svc.RunningCount, svc.DesiredCount, svc.PendingCount),
	}
	images := map[string]string{}
	for _, c := range td.TaskDefinition.ContainerDefinitions {
		images[aws.ToString(c.Name)] = aws.ToString(c.Image)
	}
	switch img, ok := images[d.s.container]; {
	case ok:
		st.Image = img
	case len(images) == 1:
		for _, img := range images {
			st.Image = img
		}
	default:
		var all []string
		for _, name := range slices.Sorted(maps.Keys(images)) {
			all = append(all, name+"="+images[name])
		}
		st.Image = strings.Join(all, ", ")
	}
	if len(svc.Events) > 0 { // newest first
		st.Detail += "; last event: " + aws.ToString(svc.Events[0].Message)
	} else {
		st.Detail += "; no events"
	}
	return st, nil
}

// Plan reads the service and its task definition and returns the change
// [ECS.Deploy] would make for img. It changes nothing. img need not be
// pinned: a tag is enough to check which container would change.
func (d *ECS) Plan(ctx context.Context, img Image) (Plan, error) {
	if err := img.checkNamed(); err != nil {
		return Plan{}, fmt.Errorf("%s: %w", d, err)
	}
	svc, td, err := d.current(ctx)
	if err != nil {
		return Plan{}, err
	}
	plan, _, err := d.plan(td.TaskDefinition, img)
	if err == nil {
		d.planned.keep(ecsRead{svc, td})
	}
	return plan, err
}

// ecsRead is what [ECS.Plan] read, for the [ECS.Deploy] that follows.
type ecsRead struct {
	svc types.Service
	td  *ecs.DescribeTaskDefinitionOutput
}

// Deploy rolls img out to the service: it registers a copy of the
// service's task definition with the image of one container replaced (see
// [WithContainer]), points the service at it and waits until the service is
// stable, for at most the time set by [WithTimeout]. With [WithRollback], a
// rollout that fails or times out points the service back at its previous
// task definition; the error then says so. When the container already runs
// img, Deploy registers nothing and only waits until the service is stable.
func (d *ECS) Deploy(ctx context.Context, img Image) (Result, error) {
	if err := img.check(); err != nil {
		return Result{}, fmt.Errorf("%s: %w", d, err)
	}
	read, ok := d.planned.take()
	if !ok {
		svc, td, err := d.current(ctx)
		if err != nil {
			return Result{}, err
		}
		read = ecsRead{svc, td}
	}
	svc, td := read.svc, read.td
	plan, i, err := d.plan(td.TaskDefinition, img)
	res := Result{Plan: plan}
	if err != nil {
		return res, err
	}
	if plan.Unchanged() {
		res.NewRevision, res.Unchanged = plan.Revision, true
		d.progress(ctx, "%s already runs %s; registering nothing", ShortRevision(plan.Revision), plan.NewImage)
	} else {
		if res.NewRevision, err = d.register(ctx, td, i, plan.NewImage); err != nil {
			return res, err
		}
		err := d.point(ctx, res.NewRevision)
		res.Sent = sent(err)
		if err != nil {
			return res, err
		}
	}
	werr := d.wait(ctx, svc.Events)
	if werr == nil {
		d.progress(ctx, "stable on %s", ShortRevision(res.NewRevision))
		return res, nil
	}
	if !d.s.rollback || res.Unchanged { // unchanged: there is no other revision to go back to
		return res, werr
	}
	// Roll back even when ctx was cancelled: leaving the service on a
	// revision that did not come up is worse.
	if err := d.Rollback(context.WithoutCancel(ctx), res); err != nil {
		return res, fmt.Errorf("%w; %w", werr, err)
	}
	res.RolledBack = true
	return res, fmt.Errorf("%w; rolled the service back to %s", werr, ShortRevision(plan.Revision))
}

// Rollback points the service back at the task definition res.Revision,
// the one it ran before the deploy that returned res.
func (d *ECS) Rollback(ctx context.Context, res Result) error {
	if res.Revision == "" {
		return fmt.Errorf("%s: rollback: no earlier task definition recorded", d)
	}
	return rollbackError(d.point(ctx, res.Revision))
}

func (d *ECS) progress(ctx context.Context, format string, args ...any) {
	Progress(ctx, d.s.progress, d.String(), format, args...)
}

// register registers a copy of td, with its tags, whose container i runs
// image, and returns the new revision's ARN.
func (d *ECS) register(ctx context.Context, td *ecs.DescribeTaskDefinitionOutput, i int, image string) (string, error) {
	in := registration(td.TaskDefinition, td.Tags)
	in.ContainerDefinitions[i].Image = aws.String(image)
	cctx, cancel := context.WithTimeout(ctx, d.s.callTimeout())
	defer cancel()
	reg, err := d.client.RegisterTaskDefinition(cctx, in)
	if err != nil {
		return "", fmt.Errorf("%s: register task definition %s: %w", d, aws.ToString(in.Family), err)
	}
	arn := aws.ToString(reg.TaskDefinition.TaskDefinitionArn)
	d.progress(ctx, "registered %s", ShortRevision(arn))
	return arn, nil
}

// current reads the service (unless a batch read it moments ago, see
// [ECS.readBatch]) and the task definition it runs, with tags.
func (d *ECS) current(ctx context.Context) (types.Service, *ecs.DescribeTaskDefinitionOutput, error) {
	svc, ok := d.batched.take()
	if !ok {
		var err error
		if svc, err = d.describe(ctx); err != nil {
			return types.Service{}, nil, err
		}
	}
	cctx, cancel := context.WithTimeout(ctx, d.s.callTimeout())
	defer cancel()
	td, err := d.client.DescribeTaskDefinition(cctx, &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: svc.TaskDefinition,
		Include:        []types.TaskDefinitionField{types.TaskDefinitionFieldTags},
	})
	if err != nil {
		return types.Service{}, nil, fmt.Errorf("%s: describe task definition %s: %w", d.String(), aws.ToString(svc.TaskDefinition), err)
	}
	if td.TaskDefinition == nil {
		return types.Service{}, nil, fmt.Errorf("%s: describe task definition %s: empty answer", d.String(), aws.ToString(svc.TaskDefinition))
	}
	return svc, td, nil
}

// describe reads the service alone.
func (d *ECS) describe(ctx context.Context) (types.Service, error) {
	cctx, cancel := context.WithTimeout(ctx, d.s.callTimeout())
	defer cancel()
	out, err := d.client.DescribeServices(cctx, &ecs.DescribeServicesInput{
		Cluster:  aws.String(d.cluster),
		Services: []string{d.service},
	})
	var missing *types.ClusterNotFoundException
	if errors.As(err, &missing) {
		return types.Service{}, &NotFoundError{Kind: "ecs cluster", Name: d.cluster, Err: err}
	}
	if err != nil {
		return types.Service{}, fmt.Errorf("%s: describe service: %w", d.String(), err)
	}
	i := slices.IndexFunc(out.Services, func(s types.Service) bool { return aws.ToString(s.Status) != "INACTIVE" })
	if i < 0 {
		return types.Service{}, &NotFoundError{Kind: "ecs service", Name: d.cluster + "/" + d.service}
	}
	return out.Services[i], nil
}

// describeBatch is how many services one DescribeServices call reads.
const describeBatch = 10

// batchKey groups the targets [ECS.readBatch] reads together: the
// services of one cluster, in one account and region (or through one
// client).
func (d *ECS) batchKey() string {
	if d.arn.Account != "" {
		return "ecs " + d.arn.Account + " " + d.arn.Region + " " + d.cluster
	}
	return fmt.Sprintf("ecs %p %s", d.client, d.cluster)
}

// readBatch reads the services of group (targets with d's batch key),
// ten a call, and keeps each one's for its next read. A service the
// answer lacks, or a call that fails, is left for the target to read
// alone, which names what is wrong.
func (d *ECS) readBatch(ctx context.Context, group []Target) {
	byName := map[string]*ECS{}
	for _, t := range group {
		if e, ok := t.(*ECS); ok {
			byName[e.service] = e
		}
	}
	names := slices.Sorted(maps.Keys(byName))
	for chunk := range slices.Chunk(names, describeBatch) {
		cctx, cancel := context.WithTimeout(ctx, d.s.callTimeout())
		out, err := d.client.DescribeServices(cctx, &ecs.DescribeServicesInput{Cluster: aws.String(d.cluster), Services: chunk})
		cancel()
		if err != nil {
			continue
		}
		for _, svc := range out.Services {
			if e, ok := byName[aws.ToString(svc.ServiceName)]; ok && aws.ToString(svc.Status) != "INACTIVE" {
				e.batched.keep(svc)
			}
		}
	}
}

// plan picks the container to update in td and describes the change.
func (d *ECS) plan(td *types.TaskDefinition, img Image) (Plan, int, error) {
	plan := Plan{
		Target:   d.String(),
		Revision: aws.ToString(td.TaskDefinitionArn),
		NewImage: img.String(),
	}
	i, err := pickContainer(td.ContainerDefinitions, d.s.container, img.Repository)
	if err != nil {
		return plan, -1, fmt.Errorf("%s: task definition %s: %w", d, ShortRevision(plan.Revision), err)
	}
	plan.Change = "container " + aws.ToString(td.ContainerDefinitions[i].Name)
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
	cctx, cancel := context.WithTimeout(ctx, d.s.callTimeout())
	defer cancel()
	_, err := d.client.UpdateService(cctx, &ecs.UpdateServiceInput{
		Cluster:        aws.String(d.cluster),
		Service:        aws.String(d.service),
		TaskDefinition: aws.String(taskDefinition),
	})
	if err != nil {
		return fmt.Errorf("%s: update service to %s: %w", d, ShortRevision(taskDefinition), err)
	}
	return nil
}

// wait waits until the service is stable, printing its counts when they
// change and every event not in before.
func (d *ECS) wait(ctx context.Context, before []types.ServiceEvent) error {
	// The waiter alone gives up as soon as its next pause would pass the
	// limit, well before it; a deadline of exactly the limit makes the wait
	// last as long as the timeout says.
	wctx, cancel := context.WithTimeout(ctx, d.s.timeout)
	defer cancel()
	seen := map[string]bool{}
	for _, e := range before {
		seen[aws.ToString(e.Id)] = true
	}
	w := &watch{}
	shown := Waiting(ctx, d.String(), "rolling out")
	defer shown.End()
	waiter := ecs.NewServicesStableWaiter(d.client, func(o *ecs.ServicesStableWaiterOptions) {
		o.MinDelay, o.MaxDelay = d.s.minDelay, d.s.maxDelay
		stable := o.Retryable
		o.Retryable = func(ctx context.Context, in *ecs.DescribeServicesInput, out *ecs.DescribeServicesOutput, err error) (bool, error) {
			if err == nil {
				d.report(ctx, out, w, seen, shown)
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
	_, err := waiter.WaitForOutput(wctx, &ecs.DescribeServicesInput{
		Cluster:  aws.String(d.cluster),
		Services: []string{d.service},
	}, d.s.timeout+d.s.maxDelay)
	if err != nil {
		return waitError(ctx, err, w, d.String(), d.s.timeout)
	}
	return nil
}

// report prints the service's status line when it changed, and its new
// events oldest first, and updates shown with its running and desired
// counts. A primary deployment whose rollout failed, or a service that is
// draining or gone, sets w.reason.
func (d *ECS) report(ctx context.Context, out *ecs.DescribeServicesOutput, w *watch, seen map[string]bool, shown Wait) {
	if len(out.Services) == 0 {
		for _, f := range out.Failures {
			w.reason = "service " + strings.ToLower(aws.ToString(f.Reason))
		}
		return
	}
	svc := out.Services[0]
	shown.Update("", int(svc.RunningCount), int(svc.DesiredCount))
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
		d.progress(ctx, "%s", line)
		w.last = line
	}
	for _, e := range slices.Backward(svc.Events) {
		if id := aws.ToString(e.Id); !seen[id] {
			seen[id] = true
			d.progress(ctx, "event: %s", aws.ToString(e.Message))
		}
	}
}
