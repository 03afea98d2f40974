package deploy

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// fakeECS is an in-memory ECS holding one cluster with one service.
type fakeECS struct {
	mu       sync.Mutex
	cluster  string
	service  ecstypes.Service
	defs     map[string]ecstypes.TaskDefinition // by ARN
	tags     map[string][]ecstypes.Tag
	families map[string]int32
	// describe, when set, edits the service each time it is described.
	describe func(*ecstypes.Service)

	registered []*ecs.RegisterTaskDefinitionInput
	updates    []string // task definitions the service was pointed at
}

var _ ECSAPI = (*fakeECS)(nil)

func newFakeECS(cluster, service string, td ecstypes.TaskDefinition, tags []ecstypes.Tag) *fakeECS {
	f := &fakeECS{cluster: cluster, defs: map[string]ecstypes.TaskDefinition{}, tags: map[string][]ecstypes.Tag{}, families: map[string]int32{}}
	arn := f.add(td, tags)
	f.service = ecstypes.Service{
		ServiceName:    aws.String(service),
		Status:         aws.String("ACTIVE"),
		TaskDefinition: aws.String(arn),
		DesiredCount:   1,
		RunningCount:   1,
		Deployments:    []ecstypes.Deployment{{Status: aws.String("PRIMARY"), RolloutState: ecstypes.DeploymentRolloutStateCompleted}},
		Events:         []ecstypes.ServiceEvent{{Id: aws.String("old"), Message: aws.String("an event from before")}},
	}
	return f
}

// add stores td as the next revision of its family and returns its ARN.
func (f *fakeECS) add(td ecstypes.TaskDefinition, tags []ecstypes.Tag) string {
	family := aws.ToString(td.Family)
	f.families[family]++
	td.Revision = f.families[family]
	arn := fmt.Sprintf("arn:aws:ecs:eu-west-1:111122223333:task-definition/%s:%d", family, td.Revision)
	td.TaskDefinitionArn = aws.String(arn)
	td.Status = ecstypes.TaskDefinitionStatusActive
	td.RegisteredBy = aws.String("arn:aws:iam::111122223333:root")
	f.defs[arn] = td
	f.tags[arn] = tags
	return arn
}

func (f *fakeECS) DescribeServices(_ context.Context, in *ecs.DescribeServicesInput, _ ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if aws.ToString(in.Cluster) != f.cluster {
		return nil, &ecstypes.ClusterNotFoundException{Message: aws.String("Cluster not found.")}
	}
	if in.Services[0] != aws.ToString(f.service.ServiceName) {
		return &ecs.DescribeServicesOutput{Failures: []ecstypes.Failure{{Reason: aws.String("MISSING")}}}, nil
	}
	if f.describe != nil {
		f.describe(&f.service)
	}
	return &ecs.DescribeServicesOutput{Services: []ecstypes.Service{f.service}}, nil
}

func (f *fakeECS) DescribeTaskDefinition(_ context.Context, in *ecs.DescribeTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	td, ok := f.defs[aws.ToString(in.TaskDefinition)]
	if !ok {
		return nil, &ecstypes.ClientException{Message: aws.String("Unable to describe task definition.")}
	}
	out := &ecs.DescribeTaskDefinitionOutput{TaskDefinition: &td}
	if len(in.Include) > 0 {
		out.Tags = f.tags[*td.TaskDefinitionArn]
	}
	return out, nil
}

func (f *fakeECS) RegisterTaskDefinition(_ context.Context, in *ecs.RegisterTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.registered = append(f.registered, in)
	td := ecstypes.TaskDefinition{Family: in.Family, ContainerDefinitions: in.ContainerDefinitions}
	arn := f.add(td, in.Tags)
	td = f.defs[arn]
	return &ecs.RegisterTaskDefinitionOutput{TaskDefinition: &td, Tags: in.Tags}, nil
}

func (f *fakeECS) UpdateService(_ context.Context, in *ecs.UpdateServiceInput, _ ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	arn := aws.ToString(in.TaskDefinition)
	if _, ok := f.defs[arn]; !ok {
		return nil, &ecstypes.ClientException{Message: aws.String("TaskDefinition not found.")}
	}
	f.updates = append(f.updates, arn)
	f.service.TaskDefinition = aws.String(arn)
	return &ecs.UpdateServiceOutput{Service: &f.service}, nil
}

// fakeLambda is an in-memory Lambda holding one function.
type fakeLambda struct {
	mu       sync.Mutex
	name     string
	pkg      lambdatypes.PackageType
	image    string
	sha      string
	versions []string // the image of each published version, version i+1 at i
	aliases  map[string]string
	// conflicts is how many UpdateFunctionCode calls answer with a conflict
	// before one succeeds.
	conflicts int
	// statuses are the LastUpdateStatus values GetFunction answers after an
	// update, one per call; the last one repeats.
	statuses []lambdatypes.LastUpdateStatus
	polls    int
	// before, when set, is the LastUpdateStatus GetFunction answers until
	// the first update.
	before lambdatypes.LastUpdateStatus

	updateCalls int
	published   []string // CodeSha256 of each PublishVersion call
	// onUpdate, when set, runs at each UpdateFunctionCode call.
	onUpdate func()
}

var _ LambdaAPI = (*fakeLambda)(nil)

func newFakeLambda(name, image string) *fakeLambda {
	return &fakeLambda{name: name, pkg: lambdatypes.PackageTypeImage, image: image, sha: "sha-" + image, aliases: map[string]string{},
		statuses: []lambdatypes.LastUpdateStatus{lambdatypes.LastUpdateStatusSuccessful}}
}

func (f *fakeLambda) missing(name *string) error {
	if aws.ToString(name) == f.name {
		return nil
	}
	return &lambdatypes.ResourceNotFoundException{Message: aws.String("Function not found: " + aws.ToString(name))}
}

func (f *fakeLambda) GetFunction(_ context.Context, in *lambda.GetFunctionInput, _ ...func(*lambda.Options)) (*lambda.GetFunctionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.missing(in.FunctionName); err != nil {
		return nil, err
	}
	status := f.statuses[min(f.polls, len(f.statuses)-1)]
	if f.updateCalls == 0 && f.before != "" {
		status = f.before
	}
	if f.updateCalls > 0 {
		f.polls++
	}
	cfg := &lambdatypes.FunctionConfiguration{FunctionName: in.FunctionName, PackageType: f.pkg, CodeSha256: aws.String(f.sha), LastUpdateStatus: status}
	if status == lambdatypes.LastUpdateStatusFailed {
		cfg.LastUpdateStatusReason = aws.String("image not found")
		cfg.LastUpdateStatusReasonCode = lambdatypes.LastUpdateStatusReasonCodeImageDeleted
	}
	return &lambda.GetFunctionOutput{Configuration: cfg, Code: &lambdatypes.FunctionCodeLocation{ImageUri: aws.String(f.image)}}, nil
}

func (f *fakeLambda) UpdateFunctionCode(_ context.Context, in *lambda.UpdateFunctionCodeInput, _ ...func(*lambda.Options)) (*lambda.UpdateFunctionCodeOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updateCalls++
	if f.onUpdate != nil {
		f.onUpdate()
	}
	if f.conflicts > 0 {
		f.conflicts--
		return nil, &lambdatypes.ResourceConflictException{Message: aws.String("An update is in progress for resource: " + f.name)}
	}
	f.image = aws.ToString(in.ImageUri)
	f.sha = "sha-" + f.image
	f.polls = 0
	return &lambda.UpdateFunctionCodeOutput{CodeSha256: aws.String(f.sha), LastUpdateStatus: lambdatypes.LastUpdateStatusInProgress}, nil
}

func (f *fakeLambda) PublishVersion(_ context.Context, in *lambda.PublishVersionInput, _ ...func(*lambda.Options)) (*lambda.PublishVersionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.published = append(f.published, aws.ToString(in.CodeSha256))
	if aws.ToString(in.CodeSha256) != f.sha {
		return nil, &lambdatypes.PreconditionFailedException{Message: aws.String("CodeSha256 does not match")}
	}
	f.versions = append(f.versions, f.image)
	return &lambda.PublishVersionOutput{Version: aws.String(fmt.Sprint(len(f.versions)))}, nil
}

func (f *fakeLambda) GetAlias(_ context.Context, in *lambda.GetAliasInput, _ ...func(*lambda.Options)) (*lambda.GetAliasOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.aliases[aws.ToString(in.Name)]
	if !ok {
		return nil, &lambdatypes.ResourceNotFoundException{Message: aws.String("Alias not found")}
	}
	return &lambda.GetAliasOutput{Name: in.Name, FunctionVersion: aws.String(v)}, nil
}

func (f *fakeLambda) UpdateAlias(_ context.Context, in *lambda.UpdateAliasInput, _ ...func(*lambda.Options)) (*lambda.UpdateAliasOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.aliases[aws.ToString(in.Name)]; !ok {
		return nil, &lambdatypes.ResourceNotFoundException{Message: aws.String("Alias not found")}
	}
	f.aliases[aws.ToString(in.Name)] = aws.ToString(in.FunctionVersion)
	return &lambda.UpdateAliasOutput{}, nil
}

func (f *fakeLambda) CreateAlias(_ context.Context, in *lambda.CreateAliasInput, _ ...func(*lambda.Options)) (*lambda.CreateAliasOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.aliases[aws.ToString(in.Name)]; ok {
		return nil, &lambdatypes.ResourceConflictException{Message: aws.String("Alias already exists")}
	}
	f.aliases[aws.ToString(in.Name)] = aws.ToString(in.FunctionVersion)
	return &lambda.CreateAliasOutput{}, nil
}

// syncBuffer is a strings.Builder safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
