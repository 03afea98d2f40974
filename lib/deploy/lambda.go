package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// LambdaAPI is the part of the Lambda client a [Lambda] deployer uses.
type LambdaAPI interface {
	GetFunction(context.Context, *lambda.GetFunctionInput, ...func(*lambda.Options)) (*lambda.GetFunctionOutput, error)
	UpdateFunctionCode(context.Context, *lambda.UpdateFunctionCodeInput, ...func(*lambda.Options)) (*lambda.UpdateFunctionCodeOutput, error)
	PublishVersion(context.Context, *lambda.PublishVersionInput, ...func(*lambda.Options)) (*lambda.PublishVersionOutput, error)
	GetAlias(context.Context, *lambda.GetAliasInput, ...func(*lambda.Options)) (*lambda.GetAliasOutput, error)
	UpdateAlias(context.Context, *lambda.UpdateAliasInput, ...func(*lambda.Options)) (*lambda.UpdateAliasOutput, error)
	CreateAlias(context.Context, *lambda.CreateAliasInput, ...func(*lambda.Options)) (*lambda.CreateAliasOutput, error)
}

var _ LambdaAPI = (*lambda.Client)(nil)

// Lambda deploys images to one Lambda function whose package type is
// Image. Make one with [NewLambda] or [NewLambdaFromARN].
type Lambda struct {
	client   LambdaAPI
	function string
	s        lambdaSettings

	planned fresh[lambdaRead] // read by Plan, for the Deploy that follows
}

// NewLambda returns a target for function (a name, or an unqualified
// function ARN), talking to Lambda through client. It takes every
// [Option], [WithPublish], [WithAlias], [WithConflictRetries],
// [WithRegion] and [WithImageCheck]; it fails when function is not a
// valid name (see [ValidateFunctionName]) or ARN, or an option is
// invalid.
func NewLambda(client LambdaAPI, function string, opts ...LambdaOption) (*Lambda, error) {
	if client == nil {
		return nil, errors.New("lambda deploy: client is nil")
	}
	if function == "" {
		return nil, errors.New("lambda deploy: function name is empty")
	}
	if err := validateFunction(function); err != nil {
		return nil, fmt.Errorf("lambda deploy: %w", err)
	}
	s := lambdaSettings{settings: baseSettings(time.Second, 5*time.Second), tries: 5, backoff: 2 * time.Second}
	for _, opt := range opts {
		if err := opt.applyLambda(&s); err != nil {
			return nil, fmt.Errorf("lambda deploy %s: %w", Quoted(function), err)
		}
	}
	if s.name == "" {
		s.name = "lambda function " + function
	}
	return &Lambda{client: client, function: function, s: s}, nil
}

// LambdaFunction returns the function name and alias ("" for none) that a
// Lambda function ARN, arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME
// with an optional :ALIAS, names. A version number or $LATEST in place of
// the alias is an error: only an alias can be moved. It does no network
// work.
func LambdaFunction(a ARN) (function, alias string, err error) {
	parts := strings.Split(a.Resource, ":")
	if a.Service != "lambda" || len(parts) < 2 || len(parts) > 3 || parts[0] != "function" || parts[1] == "" {
		return "", "", fmt.Errorf("%s is not a Lambda function ARN (want arn:aws:lambda:REGION:ACCOUNT:function:NAME or ...:NAME:ALIAS)", Quoted(a.String()))
	}
	if err := ValidateFunctionName(parts[1]); err != nil {
		return "", "", fmt.Errorf("%s: %w", Quoted(a.String()), err)
	}
	if len(parts) == 3 {
		alias = parts[2]
		if alias == "" || alias == "$LATEST" || strings.Trim(alias, "0123456789") == "" {
			return "", "", fmt.Errorf("%s: qualifier %s is not an alias (a version cannot be deployed to)", Quoted(a.String()), Quoted(alias))
		}
		if err := ValidateAlias(alias); err != nil {
			return "", "", fmt.Errorf("%s: %w", Quoted(a.String()), err)
		}
	}
	return parts[1], alias, nil
}

// validateFunction checks function, a bare name or an unqualified
// function ARN, as Lambda would.
func validateFunction(function string) error {
	if !strings.HasPrefix(function, "arn:") {
		return ValidateFunctionName(function)
	}
	a, err := ParseARN(function)
	if err != nil {
		return err
	}
	_, alias, err := LambdaFunction(a)
	if err == nil && alias != "" {
		err = fmt.Errorf("%s: give the alias with WithAlias, not in the function's ARN", Quoted(function))
	}
	return err
}

// NewLambdaFromARN returns a target for the function a names (see
// [LambdaFunction]), called by its ARN, in the ARN's region (see
// [WithRegion]), talking to Lambda through client, which must act in the
// ARN's account and region. An alias in the ARN takes the place of
// [WithAlias].
func NewLambdaFromARN(client LambdaAPI, a ARN, opts ...LambdaOption) (*Lambda, error) {
	function, alias, err := LambdaFunction(a)
	if err != nil {
		return nil, err
	}
	opts = append([]LambdaOption{WithName(a.String()), WithRegion(a.Region)}, opts...)
	if alias != "" {
		opts = append(opts, WithAlias(alias))
	}
	return NewLambda(client, function, opts...)
}

// String names the function: its ARN when made from one, else "lambda
// function NAME", or what [WithName] set.
func (d *Lambda) String() string { return d.s.name }

// Status reads the function's image and last update status and, with
// [WithAlias], the version the alias points at.
func (d *Lambda) Status(ctx context.Context) (Status, error) {
	fn, err := d.current(ctx)
	if err != nil {
		return Status{}, err
	}
	st := Status{
		Target:   d.String(),
		Image:    aws.ToString(fn.Code.ImageUri),
		Revision: "$LATEST",
		Detail:   "last update " + string(fn.Configuration.LastUpdateStatus),
	}
	if d.s.alias == "" {
		return st, nil
	}
	version, err := d.aliasVersion(ctx)
	if err != nil {
		return st, err
	}
	if version == "" {
		st.Detail = "alias " + d.s.alias + " does not exist; " + st.Detail
		return st, nil
	}
	st.Revision = version
	st.Detail = "alias " + d.s.alias + " -> version " + version + "; " + st.Detail
	cctx, cancel := context.WithTimeout(ctx, d.s.callTimeout())
	defer cancel()
	vfn, err := d.client.GetFunction(cctx, &lambda.GetFunctionInput{FunctionName: aws.String(d.function), Qualifier: aws.String(d.s.alias)})
	if err != nil {
		return st, fmt.Errorf("%s: get function at alias %s: %w", d, d.s.alias, err)
	}
	if vfn.Code != nil {
		st.Image = aws.ToString(vfn.Code.ImageUri)
	}
	return st, nil
}

// aliasVersion returns the version the alias points at, or "" when the
// alias does not exist.
func (d *Lambda) aliasVersion(ctx context.Context) (string, error) {
	cctx, cancel := context.WithTimeout(ctx, d.s.callTimeout())
	defer cancel()
	alias, err := d.client.GetAlias(cctx, &lambda.GetAliasInput{FunctionName: aws.String(d.function), Name: aws.String(d.s.alias)})
	var missing *types.ResourceNotFoundException
	if errors.As(err, &missing) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("%s: get alias %s: %w", d, d.s.alias, err)
	}
	return aws.ToString(alias.FunctionVersion), nil
}

// Plan reads the function and returns the change [Lambda.Deploy] would
// make for img. It changes nothing. img need not be pinned.
func (d *Lambda) Plan(ctx context.Context, img Image) (Plan, error) {
	if err := img.checkNamed(); err != nil {
		return Plan{}, fmt.Errorf("%s: %w", d, err)
	}
	img, err := d.regional(ctx, img)
	if err != nil {
		return Plan{}, err
	}
	fn, err := d.current(ctx)
	if err != nil {
		return Plan{}, err
	}
	p, err := d.plan(ctx, fn, img)
	if err == nil {
		d.planned.keep(lambdaRead{fn, p})
	}
	return p, err
}

// lambdaRead is what [Lambda.Plan] read and planned, for the
// [Lambda.Deploy] that follows.
type lambdaRead struct {
	fn   *lambda.GetFunctionOutput
	plan Plan
}

// read returns the function as it is, and the plan for img, reusing what
// the last Plan read when it planned the same image moments ago.
func (d *Lambda) read(ctx context.Context, img Image) (*lambda.GetFunctionOutput, Plan, error) {
	if r, ok := d.planned.take(); ok && r.plan.NewImage == d.inRegion(img).String() {
		return r.fn, r.plan, nil
	}
	img, err := d.regional(ctx, img)
	if err != nil {
		return nil, Plan{}, err
	}
	fn, err := d.current(ctx)
	if err != nil {
		return nil, Plan{}, err
	}
	p, err := d.plan(ctx, fn, img)
	return fn, p, err
}

// inRegion returns img as the function's region serves it (see
// [WithRegion]).
func (d *Lambda) inRegion(img Image) Image {
	if d.s.region != "" {
		return ForRegion(img, d.s.region)
	}
	return img
}

// regional returns img as the function's region serves it (see
// [WithRegion]), checking that it is there (see [WithImageCheck]).
func (d *Lambda) regional(ctx context.Context, img Image) (Image, error) {
	img = d.inRegion(img)
	if d.s.check == nil || !img.Pinned() {
		return img, nil
	}
	ok, err := d.s.check.HasManifest(ctx, img)
	if err != nil {
		return img, fmt.Errorf("%s: check that the registry of region %s holds %s: %w", d, d.region(), img, err)
	}
	if !ok {
		return img, fmt.Errorf("%s: image %s is not in the registry of region %s, where the function runs: copy it there first (ECR replication does)", d, img, d.region())
	}
	return img, nil
}

// Deploy rolls img out to the function: it updates the function's code to
// the image, trying again while another update is in progress (see
// [WithConflictRetries]), and waits until the update has succeeded, for at
// most the time set by [WithTimeout]. With [WithPublish] or [WithAlias] it
// then publishes a version of exactly that code, and with [WithAlias]
// points the alias at it. When the function already runs img and its last
// update succeeded, its code is left alone; publishing still happens.
// With [WithAlias] and [WithRollback], a failure after the code changed
// points the alias back at the version it pointed at before.
func (d *Lambda) Deploy(ctx context.Context, img Image) (Result, error) {
	if err := img.check(); err != nil {
		return Result{}, fmt.Errorf("%s: %w", d, err)
	}
	fn, plan, err := d.read(ctx, img)
	res := Result{Plan: plan}
	if err != nil {
		return res, err
	}
	res, err = d.deploy(ctx, fn, res)
	if err == nil || !d.s.rollback || d.s.alias == "" || res.Revision == "" || res.Unchanged {
		return res, err
	}
	// Roll back even when ctx was cancelled: leaving the alias on a
	// version that did not come up is worse.
	if rerr := d.Rollback(context.WithoutCancel(ctx), res); rerr != nil {
		return res, fmt.Errorf("%w; %w", err, rerr)
	}
	res.RolledBack = true
	return res, fmt.Errorf("%w; alias %s is back on version %s", err, d.s.alias, res.Revision)
}

// deploy makes the change res.Plan describes.
func (d *Lambda) deploy(ctx context.Context, fn *lambda.GetFunctionOutput, res Result) (Result, error) {
	code := fn.Configuration.CodeSha256
	res.Unchanged = res.Plan.Unchanged() && fn.Configuration.LastUpdateStatus == types.LastUpdateStatusSuccessful
	if res.Unchanged {
		d.progress(ctx, "already runs %s; not updating its code", res.NewImage)
	} else {
		err := d.retryConflict(ctx, "update function code", func(ctx context.Context) error {
			_, err := d.client.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{
				FunctionName: aws.String(d.function),
				ImageUri:     aws.String(res.NewImage),
			})
			return err
		})
		res.Sent = sent(err)
		if err != nil {
			return res, err
		}
		updated, err := d.wait(ctx)
		if err != nil {
			return res, err
		}
		code = updated.Configuration.CodeSha256
		d.progress(ctx, "updated to %s", res.NewImage)
	}
	res.NewRevision = "$LATEST"
	if !d.s.publish {
		return res, nil
	}
	err := d.retryConflict(ctx, "publish version", func(ctx context.Context) error {
		out, err := d.client.PublishVersion(ctx, &lambda.PublishVersionInput{
			FunctionName: aws.String(d.function),
			CodeSha256:   code,
		})
		if err == nil {
			res.NewRevision = aws.ToString(out.Version)
		}
		return err
	})
	if err != nil {
		return res, err
	}
	d.progress(ctx, "published version %s", res.NewRevision)
	if d.s.alias == "" {
		return res, nil
	}
	err = d.moveAlias(ctx, res.NewRevision)
	res.Sent = res.Sent || sent(err)
	if err != nil {
		return res, err
	}
	d.progress(ctx, "alias %s -> version %s", d.s.alias, res.NewRevision)
	return res, nil
}

// Rollback points the alias (see [WithAlias]) back at res.Revision, the
// version it pointed at before the deploy that returned res.
func (d *Lambda) Rollback(ctx context.Context, res Result) error {
	if d.s.alias == "" || res.Revision == "" {
		return fmt.Errorf("%s: rollback: no alias, or no earlier version recorded", d)
	}
	return rollbackError(d.moveAlias(ctx, res.Revision))
}

// region is the function's region for messages.
func (d *Lambda) region() string {
	if d.s.region == "" {
		return "(the client's)"
	}
	return d.s.region
}

func (d *Lambda) progress(ctx context.Context, format string, args ...any) {
	Progress(ctx, d.s.progress, d.String(), format, args...)
}

// current reads the function and checks that it runs an image.
func (d *Lambda) current(ctx context.Context) (*lambda.GetFunctionOutput, error) {
	cctx, cancel := context.WithTimeout(ctx, d.s.callTimeout())
	defer cancel()
	fn, err := d.client.GetFunction(cctx, &lambda.GetFunctionInput{FunctionName: aws.String(d.function)})
	var missing *types.ResourceNotFoundException
	if errors.As(err, &missing) {
		return nil, &NotFoundError{Kind: "lambda function", Name: d.function, Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: get function: %w", d.String(), err)
	}
	if fn.Configuration == nil || fn.Code == nil {
		return nil, fmt.Errorf("%s: get function: empty answer", d.String())
	}
	if pt := fn.Configuration.PackageType; pt != types.PackageTypeImage {
		return nil, fmt.Errorf("%s: package type is %q; only Image functions can be deployed from an image", d.String(), pt)
	}
	return fn, nil
}

// plan describes the change for img, reading the alias's version.
func (d *Lambda) plan(ctx context.Context, fn *lambda.GetFunctionOutput, img Image) (Plan, error) {
	p := Plan{
		Target:   d.String(),
		OldImage: aws.ToString(fn.Code.ImageUri),
		NewImage: img.String(),
	}
	switch {
	case d.s.alias != "":
		p.Change = "publish a version and point alias " + d.s.alias + " at it"
		v, err := d.aliasVersion(ctx)
		if err != nil {
			return p, err
		}
		p.Revision = v
	case d.s.publish:
		p.Change = "publish a version"
		p.Revision = "$LATEST"
	default:
		p.Revision = "$LATEST"
	}
	return p, nil
}

// retryConflict calls fn, each call bounded in time, and calls it again
// while Lambda answers that another update is in progress, up to the number
// of tries set by [WithConflictRetries].
func (d *Lambda) retryConflict(ctx context.Context, what string, fn func(context.Context) error) error {
	pause := d.s.backoff
	for try := 1; ; try++ {
		cctx, cancel := context.WithTimeout(ctx, d.s.callTimeout())
		err := fn(cctx)
		cancel()
		var conflict *types.ResourceConflictException
		switch {
		case err == nil:
			return nil
		case !errors.As(err, &conflict):
			return fmt.Errorf("%s: %s: %w", d.String(), what, err)
		case try == d.s.tries:
			return fmt.Errorf("%s: %s: another update was still in progress after %d tries: %w", d.String(), what, try, err)
		}
		d.progress(ctx, "another update is in progress; trying again in %s (try %d of %d)", pause, try+1, d.s.tries)
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s: %s: %w (last error: %w)", d.String(), what, ctx.Err(), err)
		case <-t.C:
		}
		pause *= 2
	}
}

// wait waits until the function's last update has succeeded, printing its
// status when it changes.
func (d *Lambda) wait(ctx context.Context) (*lambda.GetFunctionOutput, error) {
	// As for ECS: the deadline, not the waiter's own arithmetic, ends the wait.
	wctx, cancel := context.WithTimeout(ctx, d.s.timeout)
	defer cancel()
	w := &watch{}
	shown := Waiting(ctx, d.String(), "updating")
	defer shown.End()
	waiter := lambda.NewFunctionUpdatedV2Waiter(d.client, func(o *lambda.FunctionUpdatedV2WaiterOptions) {
		o.MinDelay, o.MaxDelay = d.s.minDelay, d.s.maxDelay
		updated := o.Retryable
		o.Retryable = func(ctx context.Context, in *lambda.GetFunctionInput, out *lambda.GetFunctionOutput, err error) (bool, error) {
			if err == nil && out.Configuration != nil {
				c := out.Configuration
				shown.Update(string(c.LastUpdateStatus), 0, 0)
				line := "update " + string(c.LastUpdateStatus)
				if line != w.last {
					d.progress(ctx, "%s", line)
					w.last = line
				}
				if c.LastUpdateStatus == types.LastUpdateStatusFailed {
					w.reason = fmt.Sprintf("update failed: %s (%s)", aws.ToString(c.LastUpdateStatusReason), c.LastUpdateStatusReasonCode)
				}
			}
			retry, stop := updated(ctx, in, out, err)
			if stop != nil {
				if err == nil {
					stop = fmt.Errorf("%w: %w", errRolloutFailed, stop)
				}
				w.stop = stop
			}
			return retry, stop
		}
	})
	out, err := waiter.WaitForOutput(wctx, &lambda.GetFunctionInput{FunctionName: aws.String(d.function)}, d.s.timeout+d.s.maxDelay)
	if err != nil {
		return nil, waitError(ctx, err, w, d.String(), d.s.timeout)
	}
	return out, nil
}

// moveAlias points the alias at version, creating the alias when it does
// not exist yet.
func (d *Lambda) moveAlias(ctx context.Context, version string) error {
	cctx, cancel := context.WithTimeout(ctx, d.s.callTimeout())
	defer cancel()
	_, err := d.client.UpdateAlias(cctx, &lambda.UpdateAliasInput{
		FunctionName:    aws.String(d.function),
		Name:            aws.String(d.s.alias),
		FunctionVersion: aws.String(version),
	})
	var missing *types.ResourceNotFoundException
	if errors.As(err, &missing) {
		_, err = d.client.CreateAlias(cctx, &lambda.CreateAliasInput{
			FunctionName:    aws.String(d.function),
			Name:            aws.String(d.s.alias),
			FunctionVersion: aws.String(version),
		})
	}
	if err != nil {
		return fmt.Errorf("%s: point alias %s at version %s: %w", d.String(), d.s.alias, version, err)
	}
	return nil
}
