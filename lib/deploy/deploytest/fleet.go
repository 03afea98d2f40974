package deploytest

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"golang.org/x/sync/errgroup"

	"github.com/godax/godax/lib/deploy"
)

// Place is where targets are created: an AWS configuration acting in
// Account, in the configuration's region.
type Place struct {
	Config  aws.Config
	Account string
}

// Sidecar is the image of the second container of every service [Fleet]
// creates, which a deploy must leave alone.
const Sidecar = "public.ecr.aws/docker/library/busybox:1.37"

// Fleet creates services ECS services and functions Lambda functions named
// after prefix, spread in turn over places, all running image, and
// returns their ARNs, services first. Each service has a cluster of its
// own and two containers: app, running image, and sidecar, running
// [Sidecar]. It creates what is missing only, so running it again changes
// nothing.
func Fleet(ctx context.Context, places []Place, prefix string, services, functions int, image string) ([]string, error) {
	if len(places) == 0 {
		return nil, fmt.Errorf("fleet %s: no place to create it in", prefix)
	}
	arns := make([]string, services+functions)
	var g errgroup.Group
	g.SetLimit(8)
	for i := range services {
		p := places[i%len(places)]
		name := fmt.Sprintf("%s-svc-%02d", prefix, i)
		arns[i] = fmt.Sprintf("arn:aws:ecs:%s:%s:service/%s/%s", p.Config.Region, p.Account, name, name)
		g.Go(func() error {
			_, err := deploy.EnsureECSService(ctx, ecs.NewFromConfig(p.Config), name, name, []ecstypes.ContainerDefinition{
				{Name: aws.String("app"), Image: aws.String(image), Essential: aws.Bool(true), Memory: aws.Int32(128)},
				{Name: aws.String("sidecar"), Image: aws.String(Sidecar), Essential: aws.Bool(false), Memory: aws.Int32(64)},
			})
			return err
		})
	}
	for i := range functions {
		p := places[i%len(places)]
		name := fmt.Sprintf("%s-fn-%02d", prefix, i)
		arns[services+i] = fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", p.Config.Region, p.Account, name)
		g.Go(func() error {
			_, err := deploy.EnsureLambdaFunction(ctx, lambda.NewFromConfig(p.Config), iam.NewFromConfig(p.Config), name, image)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("fleet %s: %w", prefix, err)
	}
	return arns, nil
}

// RolePlaces returns one [Place] per account and region, each acting
// through the role roleName assumed in its account from base's
// credentials.
func RolePlaces(base aws.Config, roleName string, accounts, regions []string) []Place {
	var ps []Place
	for _, account := range accounts {
		for _, region := range regions {
			cfg := base.Copy()
			cfg.Region = region
			cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(base),
				"arn:aws:iam::"+account+":role/"+roleName, func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName = "godax-test" }))
			ps = append(ps, Place{Config: cfg, Account: account})
		}
	}
	return ps
}

// Targets makes a target of each ARN, of the kind kinds maps its service
// to, through the place of its account and region, with opts.
func Targets(ps []Place, kinds map[string]deploy.Kind, arns []string, opts ...deploy.Option) ([]deploy.Target, error) {
	var targets []deploy.Target
	for _, s := range arns {
		a, err := deploy.ParseARN(s)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(ps, func(p Place) bool { return p.Account == a.Account && p.Config.Region == a.Region })
		if i < 0 {
			return nil, fmt.Errorf("%s: no place for account %s in %s", s, a.Account, a.Region)
		}
		t, err := kinds[a.Service].New(ps[i].Config, a, opts...)
		if err != nil {
			return nil, err
		}
		targets = append(targets, t)
	}
	return targets, nil
}
