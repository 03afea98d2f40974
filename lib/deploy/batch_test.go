package deploy

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-cmp/cmp"
)

// clusterECS is an in-memory ECS cluster of stable services that all run
// one task definition, counting the calls made to it.
type clusterECS struct {
	mu       sync.Mutex
	services map[string]*types.Service
	calls    map[string]int
	batches  []int // how many services each DescribeServices asked for
	revision int
}

func newClusterECS(n int) *clusterECS {
	c := &clusterECS{services: map[string]*types.Service{}, calls: map[string]int{}}
	for i := range n {
		name := fmt.Sprintf("svc-%02d", i)
		c.services[name] = &types.Service{ServiceName: aws.String(name), Status: aws.String("ACTIVE"),
			TaskDefinition: aws.String("arn:aws:ecs:eu-west-1:111122223333:task-definition/web:1"), DesiredCount: 1, RunningCount: 1,
			Deployments: []types.Deployment{{Status: aws.String("PRIMARY"), RolloutState: types.DeploymentRolloutStateCompleted}}}
	}
	return c
}

func (c *clusterECS) DescribeServices(_ context.Context, in *ecs.DescribeServicesInput, _ ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls["DescribeServices"]++
	c.batches = append(c.batches, len(in.Services))
	out := &ecs.DescribeServicesOutput{}
	for _, name := range in.Services {
		out.Services = append(out.Services, *c.services[name])
	}
	return out, nil
}

func (c *clusterECS) DescribeTaskDefinition(_ context.Context, in *ecs.DescribeTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls["DescribeTaskDefinition"]++
	td := webTaskDefinition()
	td.TaskDefinitionArn = in.TaskDefinition
	return &ecs.DescribeTaskDefinitionOutput{TaskDefinition: &td}, nil
}

func (c *clusterECS) RegisterTaskDefinition(_ context.Context, in *ecs.RegisterTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls["RegisterTaskDefinition"]++
	c.revision++
	return &ecs.RegisterTaskDefinitionOutput{TaskDefinition: &types.TaskDefinition{
		TaskDefinitionArn: aws.String(fmt.Sprintf("arn:aws:ecs:eu-west-1:111122223333:task-definition/web:%d", c.revision+1))}}, nil
}

func (c *clusterECS) UpdateService(_ context.Context, in *ecs.UpdateServiceInput, _ ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls["UpdateService"]++
	svc := c.services[aws.ToString(in.Service)]
	svc.TaskDefinition = in.TaskDefinition
	return &ecs.UpdateServiceOutput{Service: svc}, nil
}

func TestPlanAllAndRunAll_ReadTenServicesOfAClusterACallAndDeployWhatThePlanRead(t *testing.T) {
	t.Parallel()
	c := newClusterECS(25)
	var targets []Target
	for i := range 25 {
		a, err := ParseARN(fmt.Sprintf("arn:aws:ecs:eu-west-1:111122223333:service/prod/svc-%02d", i))
		if err != nil {
			t.Fatal(err)
		}
		d, err := NewECSFromARN(c, a, WithPollInterval(time.Millisecond, 5*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		targets = append(targets, d)
	}
	img := mustImage(t, repo+"@"+digestB)
	if _, err := PlanAll(context.Background(), targets, img); err != nil {
		t.Fatal(err)
	}
	if _, err := RunAll(context.Background(), targets, img); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"DescribeServices":       3 + 25, // 10, 10 and 5 to plan, then one wait each
		"DescribeTaskDefinition": 25,
		"RegisterTaskDefinition": 25,
		"UpdateService":          25,
	}
	if diff := cmp.Diff(want, c.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{10, 10, 5}, c.batches[:3]); diff != "" {
		t.Errorf("the first three DescribeServices (-want +got):\n%s", diff)
	}
}
