package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// ensureTimeout bounds creating one target with [EnsureECSService] or
// [EnsureLambdaFunction].
const ensureTimeout = 2 * time.Minute

// ServiceCreator is the part of the ECS client [EnsureECSService] uses.
type ServiceCreator interface {
	DescribeClusters(context.Context, *ecs.DescribeClustersInput, ...func(*ecs.Options)) (*ecs.DescribeClustersOutput, error)
	CreateCluster(context.Context, *ecs.CreateClusterInput, ...func(*ecs.Options)) (*ecs.CreateClusterOutput, error)
	DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	RegisterTaskDefinition(context.Context, *ecs.RegisterTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error)
	CreateService(context.Context, *ecs.CreateServiceInput, ...func(*ecs.Options)) (*ecs.CreateServiceOutput, error)
}

// RoleCreator is the part of the IAM client [EnsureLambdaFunction] uses.
type RoleCreator interface {
	GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	CreateRole(context.Context, *iam.CreateRoleInput, ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
}

// FunctionCreator is the part of the Lambda client [EnsureLambdaFunction] uses.
type FunctionCreator interface {
	lambda.GetFunctionAPIClient
	CreateFunction(context.Context, *lambda.CreateFunctionInput, ...func(*lambda.Options)) (*lambda.CreateFunctionOutput, error)
}

var (
	_ ServiceCreator  = (*ecs.Client)(nil)
	_ RoleCreator     = (*iam.Client)(nil)
	_ FunctionCreator = (*lambda.Client)(nil)
)

// EnsureECSService makes sure cluster exists and runs service, creating
// each only when it is missing; a new service runs one task of a new task
// definition, family service, with containers. It reports whether it
// created the service. Running it again changes nothing.
func EnsureECSService(ctx context.Context, c ServiceCreator, cluster, service string, containers []ecstypes.ContainerDefinition) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, ensureTimeout)
	defer cancel()
	clusters, err := c.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{cluster}})
	if err != nil {
		return false, fmt.Errorf("describe ecs cluster %s: %w", cluster, err)
	}
	if !slices.ContainsFunc(clusters.Clusters, func(c ecstypes.Cluster) bool { return aws.ToString(c.Status) == "ACTIVE" }) {
		if _, err := c.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: &cluster}); err != nil {
			return false, fmt.Errorf("create ecs cluster %s: %w", cluster, err)
		}
	}
	services, err := c.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: &cluster, Services: []string{service}})
	if err != nil {
		return false, fmt.Errorf("describe ecs service %s/%s: %w", cluster, service, err)
	}
	if slices.ContainsFunc(services.Services, func(s ecstypes.Service) bool { return aws.ToString(s.Status) == "ACTIVE" }) {
		return false, nil
	}
	td, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: &service, ContainerDefinitions: containers})
	if err != nil {
		return false, fmt.Errorf("register ecs task definition %s: %w", service, err)
	}
	_, err = c.CreateService(ctx, &ecs.CreateServiceInput{
		Cluster: &cluster, ServiceName: &service, DesiredCount: aws.Int32(1),
		TaskDefinition: td.TaskDefinition.TaskDefinitionArn,
	})
	if err != nil {
		return false, fmt.Errorf("create ecs service %s/%s: %w", cluster, service, err)
	}
	return true, nil
}

// lambdaTrustPolicy lets Lambda assume a function's role.
var lambdaTrustPolicy = map[string]any{
	"Version": "2012-10-17",
	"Statement": []map[string]any{{
		"Effect":    "Allow",
		"Action":    "sts:AssumeRole",
		"Principal": map[string]string{"Service": "lambda.amazonaws.com"},
	}},
}

// EnsureLambdaFunction makes sure the Image function name exists, creating
// it with image and an IAM role NAME-role that Lambda may assume (created
// too when missing), and waits until it is active. It reports whether it
// created the function. Running it again, or at the same time, changes
// nothing more.
func EnsureLambdaFunction(ctx context.Context, lc FunctionCreator, ic RoleCreator, name, image string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, ensureTimeout)
	defer cancel()
	_, err := lc.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: &name})
	if err == nil {
		return false, nil
	}
	var missing *lambdatypes.ResourceNotFoundException
	if !errors.As(err, &missing) {
		return false, fmt.Errorf("get lambda function %s: %w", name, err)
	}
	role, err := ensureLambdaRole(ctx, ic, name+"-role")
	if err != nil {
		return false, err
	}
	_, err = lc.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: &name,
		PackageType:  lambdatypes.PackageTypeImage,
		Code:         &lambdatypes.FunctionCode{ImageUri: &image},
		Role:         &role,
	})
	// A conflict means the function exists after all: another run created
	// it meanwhile, or a retried request of ours did. Either way it only
	// has to become active.
	var exists *lambdatypes.ResourceConflictException
	created := err == nil
	if err != nil && !errors.As(err, &exists) {
		return false, fmt.Errorf("create lambda function %s: %w", name, err)
	}
	// A new function takes updates only once it is active.
	err = lambda.NewFunctionActiveV2Waiter(lc).Wait(ctx, &lambda.GetFunctionInput{FunctionName: &name}, ensureTimeout)
	if err != nil {
		return created, fmt.Errorf("wait for lambda function %s to become active: %w", name, err)
	}
	return created, nil
}

// ensureLambdaRole returns the ARN of the IAM role name that Lambda may
// assume, creating it when it is missing.
func ensureLambdaRole(ctx context.Context, c RoleCreator, name string) (string, error) {
	got, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: &name})
	if err == nil {
		return aws.ToString(got.Role.Arn), nil
	}
	var missing *iamtypes.NoSuchEntityException
	if !errors.As(err, &missing) {
		return "", fmt.Errorf("get iam role %s: %w", name, err)
	}
	trust, err := json.Marshal(lambdaTrustPolicy)
	if err != nil {
		return "", err
	}
	created, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: &name, AssumeRolePolicyDocument: aws.String(string(trust))})
	var exists *iamtypes.EntityAlreadyExistsException
	if errors.As(err, &exists) { // created meanwhile by another run
		got, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: &name})
		if err != nil {
			return "", fmt.Errorf("get iam role %s: %w", name, err)
		}
		return aws.ToString(got.Role.Arn), nil
	}
	if err != nil {
		return "", fmt.Errorf("create iam role %s: %w", name, err)
	}
	return aws.ToString(created.Role.Arn), nil
}
