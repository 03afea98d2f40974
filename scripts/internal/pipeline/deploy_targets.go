package pipeline

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/godax/godax/lib/awsauth"
	"github.com/godax/godax/lib/deploy"
)

// TargetRef is one deploy target as the settings name it, checked but not
// yet looked up.
type TargetRef struct {
	// ARN is the target's ARN. A shorthand (ECS_CLUSTER and ECS_SERVICE,
	// or a LAMBDA_FUNCTION that is a bare name) has no region or account:
	// it is in the caller's.
	ARN deploy.ARN
	// Name is what messages call the target: its ARN, or "ecs service
	// CLUSTER/SERVICE" and "lambda function NAME" for a shorthand.
	Name string
	// Source says where it was listed: "DEPLOY_TARGETS line 2",
	// "fleet.txt:3", "ECS_CLUSTER/ECS_SERVICE" or "LAMBDA_FUNCTION".
	Source string
}

// Shorthand reports whether the target is in the caller's account and
// region rather than named by a full ARN.
func (r TargetRef) Shorthand() bool { return r.ARN.Account == "" }

// deployKinds returns the kind of target for each ARN service, configured
// by s; check, when not nil, checks that a Lambda function's region holds
// the image. Adding a kind of target is one file in lib/deploy that
// implements deploy.Target and a deploy.Kind, and one line here.
func deployKinds(s DeploySettings, check deploy.ManifestChecker) map[string]deploy.Kind {
	return map[string]deploy.Kind{
		"ecs":    deploy.ECSKind(deploy.WithContainer(s.Container)),
		"lambda": deploy.LambdaKind(deploy.WithAlias(s.Alias), deploy.WithImageCheck(check)),
	}
}

// parseTargetList reads the targets listed in text, which came from
// source (a variable or a file): ARNs separated by commas, spaces or
// newlines, with "#" starting a comment to the end of the line. A
// malformed entry is a one-line error naming source, the line and the
// entry. It does no network work.
func parseTargetList(text, source string, file bool) ([]TargetRef, error) {
	kinds := deployKinds(DeploySettings{}, nil)
	var refs []TargetRef
	for i, line := range strings.Split(text, "\n") {
		where := fmt.Sprintf("%s line %d", source, i+1)
		if file {
			where = fmt.Sprintf("%s:%d", source, i+1)
		}
		line, _, _ = strings.Cut(line, "#")
		for _, entry := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' }) {
			ref, err := parseTarget(entry, kinds)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			ref.Source = where
			refs = append(refs, ref)
		}
	}
	return refs, nil
}

// parseTarget reads one ARN of a kind in kinds.
func parseTarget(entry string, kinds map[string]deploy.Kind) (TargetRef, error) {
	parts := strings.SplitN(entry, ":", 4)
	if len(parts) < 4 || parts[0] != "arn" {
		return TargetRef{}, fmt.Errorf("%s is not an ARN (want arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE or arn:aws:lambda:REGION:ACCOUNT:function:NAME[:ALIAS])", deploy.Quoted(entry))
	}
	kind, ok := kinds[parts[2]]
	if !ok {
		return TargetRef{}, fmt.Errorf("%s: %s is not a kind of target this deploy knows (want ecs or lambda)", deploy.Quoted(entry), deploy.Quoted(parts[2]))
	}
	a, err := deploy.ParseARN(entry)
	if err != nil {
		return TargetRef{}, err
	}
	if err := kind.Check(a); err != nil {
		return TargetRef{}, err
	}
	return TargetRef{ARN: a, Name: a.String()}, nil
}

// readTargets reads DEPLOY_TARGETS, an inline list or @FILE, then the
// shorthands ECS_CLUSTER/ECS_SERVICE and LAMBDA_FUNCTION.
func readTargets(env func(string) string) ([]TargetRef, error) {
	var refs []TargetRef
	if v := env("DEPLOY_TARGETS"); v != "" {
		source, text, file := "DEPLOY_TARGETS", v, false
		if path, ok := strings.CutPrefix(v, "@"); ok {
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("DEPLOY_TARGETS=%q: %w", v, err)
			}
			source, text, file = path, string(b), true
		}
		list, err := parseTargetList(text, source, file)
		if err != nil {
			return nil, err
		}
		if len(list) == 0 {
			return nil, fmt.Errorf("DEPLOY_TARGETS=%s lists no target", deploy.Quoted(v))
		}
		refs = append(refs, list...)
	}
	cluster, service := env("ECS_CLUSTER"), env("ECS_SERVICE")
	switch {
	case cluster != "" && service == "":
		return nil, fmt.Errorf("ECS_CLUSTER=%s is set but ECS_SERVICE is not: set both to deploy to ECS", deploy.Quoted(cluster))
	case service != "" && cluster == "":
		return nil, fmt.Errorf("ECS_SERVICE=%s is set but ECS_CLUSTER is not: set both to deploy to ECS", deploy.Quoted(service))
	case cluster != "":
		if err := deploy.ValidateECSName("cluster", cluster); err != nil {
			return nil, fmt.Errorf("ECS_CLUSTER: %w", err)
		}
		if err := deploy.ValidateECSName("service", service); err != nil {
			return nil, fmt.Errorf("ECS_SERVICE: %w", err)
		}
		a := deploy.ARN{Service: "ecs", Resource: "service/" + cluster + "/" + service}
		refs = append(refs, TargetRef{ARN: a, Name: "ecs service " + cluster + "/" + service, Source: "ECS_CLUSTER/ECS_SERVICE"})
	}
	if fn := env("LAMBDA_FUNCTION"); fn != "" {
		if strings.HasPrefix(fn, "arn:") {
			ref, err := parseTarget(fn, deployKinds(DeploySettings{}, nil))
			if err != nil {
				return nil, fmt.Errorf("LAMBDA_FUNCTION: %w", err)
			}
			if ref.ARN.Service != "lambda" {
				return nil, fmt.Errorf("LAMBDA_FUNCTION=%s is not a Lambda function ARN", deploy.Quoted(fn))
			}
			ref.Source = "LAMBDA_FUNCTION"
			refs = append(refs, ref)
		} else {
			if err := deploy.ValidateFunctionName(fn); err != nil {
				return nil, fmt.Errorf("LAMBDA_FUNCTION: %w (or give its ARN)", err)
			}
			refs = append(refs, TargetRef{ARN: deploy.ARN{Service: "lambda", Resource: "function:" + fn}, Name: "lambda function " + fn, Source: "LAMBDA_FUNCTION"})
		}
	}
	return refs, nil
}

// resolved returns the ARN of the resource ref deploys to, whatever the
// spelling: without a Lambda alias, and in region and account when ref is
// a shorthand; and the alias it moves, alias unless its ARN names one.
func resolved(ref TargetRef, region, account, alias string) (deploy.ARN, string) {
	a := ref.ARN
	if ref.Shorthand() {
		a.Partition, _ = awsauth.Partition(region)
		a.Region, a.Account = region, account
	}
	if a.Service == "lambda" {
		if fn, al, err := deploy.LambdaFunction(a); err == nil {
			a.Resource = "function:" + fn
			if al != "" {
				alias = al
			}
		}
	}
	return a, alias
}

// dedupe drops each target that deploys to the same resource as one
// listed before it, warning about it, so that no resource is deployed
// to twice at once (two task definition revisions racing). Shorthands
// are taken to be in region and account, and are left alone when account
// is "". Two spellings of one Lambda function that move different aliases
// are an error: the function's code can take only one image.
func dedupe(refs []TargetRef, region, account, alias string) (_ []TargetRef, warnings []string, _ error) {
	type first struct {
		ref   TargetRef
		alias string
	}
	seen := map[string]first{}
	var out []TargetRef
	for _, ref := range refs {
		if ref.Shorthand() && account == "" {
			out = append(out, ref)
			continue
		}
		a, moves := resolved(ref, region, account, alias)
		f, dup := seen[a.String()]
		switch {
		case !dup:
			seen[a.String()] = first{ref, moves}
			out = append(out, ref)
		case f.alias != moves:
			return nil, nil, fmt.Errorf("%s (%s) and %s (%s) are the same function with different aliases, %s and %s: list it once", f.ref.Name, f.ref.Source, ref.Name, ref.Source, deploy.Quoted(f.alias), deploy.Quoted(moves))
		default:
			warnings = append(warnings, fmt.Sprintf("%s (%s) is %s (%s) again; deploying to it once", ref.Name, ref.Source, f.ref.Name, f.ref.Source))
		}
	}
	return out, warnings, nil
}

// callerAccount returns the account cfg acts in when a shorthand among
// refs names the same resource, in cfg's region, as an ARN does (so that
// [dedupe] can tell whether the accounts are the same too); otherwise it
// returns "" and makes no call.
func callerAccount(ctx context.Context, cfg aws.Config, refs []TargetRef) (string, error) {
	named := map[string]bool{}
	for _, ref := range refs {
		if !ref.Shorthand() {
			a, _ := resolved(ref, "", "", "")
			named[a.Service+" "+a.Region+" "+a.Resource] = true
		}
	}
	for _, ref := range refs {
		a, _ := resolved(ref, cfg.Region, "", "")
		if !ref.Shorthand() || !named[a.Service+" "+a.Region+" "+a.Resource] {
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		id, err := sts.NewFromConfig(cfg).GetCallerIdentity(cctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return "", fmt.Errorf("%s (%s): which account is it in: %w", ref.Name, ref.Source, err)
		}
		return aws.ToString(id.Account), nil
	}
	return "", nil
}

// targetConfigs hands out the AWS configuration for each target: the
// caller's for a shorthand; for an ARN, the caller's in the ARN's region,
// or, with DEPLOY_ROLE, that role in the ARN's account and region. Each
// is made once per account and region, and a role is assumed once per
// account: its credentials serve every region. Unless AWS_RETRY_MODE
// says otherwise, the SDK retries in its adaptive mode, which slows down
// when AWS throttles a large fleet.
type targetConfigs struct {
	base    aws.Config
	profile string
	role    string

	mu        sync.Mutex
	byKey     map[string]aws.Config // account/region -> config
	byAccount map[string]aws.Config // account -> the first config, whose credentials (the role's session) all share
}

// config returns the configuration that reaches ref.
func (c *targetConfigs) config(ctx context.Context, ref TargetRef) (aws.Config, error) {
	if ref.Shorthand() {
		return adaptive(c.base.Copy()), nil
	}
	if c.role == "" {
		cfg := c.base.Copy()
		cfg.Region = ref.ARN.Region
		return adaptive(cfg), nil
	}
	key := ref.ARN.Account + "/" + ref.ARN.Region
	c.mu.Lock()
	defer c.mu.Unlock()
	if cfg, ok := c.byKey[key]; ok {
		return cfg, nil
	}
	cfg, ok := c.byAccount[ref.ARN.Account]
	if ok {
		cfg = cfg.Copy()
		cfg.Region = ref.ARN.Region
	} else {
		var err error
		cfg, err = awsauth.Load(ctx, awsauth.Options{
			Region:  ref.ARN.Region,
			Profile: c.profile,
			Role:    &awsauth.Role{Account: ref.ARN.Account, Name: c.role},
		})
		if err != nil {
			return aws.Config{}, fmt.Errorf("%s: DEPLOY_ROLE %s: %w", ref.Name, c.role, err)
		}
		cfg = adaptive(cfg)
		if c.byAccount == nil {
			c.byAccount = map[string]aws.Config{}
		}
		c.byAccount[ref.ARN.Account] = cfg
	}
	if c.byKey == nil {
		c.byKey = map[string]aws.Config{}
	}
	c.byKey[key] = cfg
	return cfg, nil
}

// adaptive returns cfg retrying in the SDK's adaptive mode, unless its
// retry mode was chosen (AWS_RETRY_MODE, or the profile's retry_mode).
func adaptive(cfg aws.Config) aws.Config {
	if cfg.RetryMode == "" && cfg.Retryer == nil {
		cfg.Retryer = func() aws.Retryer { return retry.NewAdaptiveMode() }
	}
	return cfg
}

// buildTargets makes a target of each of s.Targets, reaching each through
// configs; check, when not nil, checks Lambda images (see [deployKinds]).
// It does no network work beyond what configs does to load credentials.
func buildTargets(ctx context.Context, s DeploySettings, configs *targetConfigs, check deploy.ManifestChecker) ([]deploy.Target, error) {
	kinds := deployKinds(s, check)
	common := []deploy.Option{deploy.WithTimeout(s.Timeout), deploy.WithRollback(s.Rollback)}
	targets := make([]deploy.Target, 0, len(s.Targets))
	for _, ref := range s.Targets {
		cfg, err := configs.config(ctx, ref)
		if err != nil {
			return nil, err
		}
		a := ref.ARN
		if ref.Shorthand() {
			a.Region = cfg.Region
		}
		t, err := kinds[a.Service].New(cfg, a, append(common, deploy.WithName(ref.Name))...)
		if err != nil {
			return nil, fmt.Errorf("%s (%s): %w", ref.Name, ref.Source, err)
		}
		targets = append(targets, t)
	}
	return targets, nil
}
