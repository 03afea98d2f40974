package deploy

import (
	"context"
	"errors"
	"fmt"
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
// Image. Make one with [NewLambda].
type Lambda struct {
	client   LambdaAPI
	function string
	s        settings
}

// NewLambda returns a deployer for function (a name or ARN), talking to
// Lambda through client. It uses [WithTimeout], [WithProgress],
// [WithPollInterval], [WithPublish], [WithAlias] and
// [WithConflictRetries]; it fails when function is empty or an option is
// invalid.
func NewLambda(client LambdaAPI, function string, opts ...Option) (*Lambda, error) {
	if client == nil {
		return nil, errors.New("lambda deploy: client is nil")
	}
	if function == "" {
		return nil, errors.New("lambda deploy: function name is empty")
	}
	s, err := newSettings(time.Second, 5*time.Second, opts)
	if err != nil {
		return nil, fmt.Errorf("lambda deploy %s: %w", function, err)
	}
	return &Lambda{client: client, function: function, s: s}, nil
}

// LambdaPlan is the change a [Lambda] deployer makes, or would make.
type LambdaPlan struct {
	Function string
	// OldImage and NewImage are the function's image before and after.
	OldImage string
	NewImage string
	// Publish reports that a version is published after the update.
	Publish bool
	// Alias is the alias moved to that version, if any.
	Alias string
}

// String describes the plan on one line.
func (p LambdaPlan) String() string {
	s := fmt.Sprintf("lambda function %s: %s -> %s", p.Function, p.OldImage, p.NewImage)
	if p.OldImage == p.NewImage {
		s = fmt.Sprintf("lambda function %s: already runs %s", p.Function, p.NewImage)
	}
	switch {
	case p.Alias != "":
		s += ", then publish a version and point alias " + p.Alias + " at it"
	case p.Publish:
		s += ", then publish a version"
	}
	return s
}

// LambdaResult is the outcome of [Lambda.Deploy].
type LambdaResult struct {
	LambdaPlan
	// Version is the published version, or empty when none was published.
	Version string
	// Unchanged reports that the function already ran the image, so its
	// code was not updated.
	Unchanged bool
}

// String describes the outcome on one line.
func (r LambdaResult) String() string {
	s := fmt.Sprintf("lambda function %s runs %s", r.Function, r.NewImage)
	if r.Unchanged {
		s += " (unchanged)"
	}
	switch {
	case r.Alias != "":
		s += fmt.Sprintf(" (version %s, alias %s)", r.Version, r.Alias)
	case r.Version != "":
		s += fmt.Sprintf(" (version %s)", r.Version)
	}
	return s
}

// LambdaStatus is what a Lambda function runs now.
type LambdaStatus struct {
	Function string
	// Image is the function's image reference.
	Image string
	// LastUpdateStatus is the outcome of the last code or configuration update.
	LastUpdateStatus string
	// Alias and AliasVersion are the alias set with [WithAlias] and the
	// version it points at; both are empty without one.
	Alias        string
	AliasVersion string
}

// String describes the status on one line: function, image, the last
// update's outcome and, with an alias, the version it points at.
func (st LambdaStatus) String() string {
	s := fmt.Sprintf("lambda function %s -> %s (last update %s", st.Function, st.Image, st.LastUpdateStatus)
	if st.Alias != "" {
		s += ", alias " + st.Alias + " -> version " + st.AliasVersion
	}
	return s + ")"
}

// Status reads the function's image and, with [WithAlias], the version
// the alias points at.
func (d *Lambda) Status(ctx context.Context) (LambdaStatus, error) {
	fn, err := d.current(ctx)
	if err != nil {
		return LambdaStatus{}, err
	}
	st := LambdaStatus{
		Function:         d.function,
		Image:            aws.ToString(fn.Code.ImageUri),
		LastUpdateStatus: string(fn.Configuration.LastUpdateStatus),
	}
	if d.s.alias == "" {
		return st, nil
	}
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	alias, err := d.client.GetAlias(cctx, &lambda.GetAliasInput{FunctionName: aws.String(d.function), Name: aws.String(d.s.alias)})
	if err != nil {
		return st, fmt.Errorf("%s: get alias %s: %w", d.target(), d.s.alias, err)
	}
	st.Alias, st.AliasVersion = d.s.alias, aws.ToString(alias.FunctionVersion)
	return st, nil
}

// Plan reads the function and returns the change [Lambda.Deploy] would
// make for img. It changes nothing.
func (d *Lambda) Plan(ctx context.Context, img Image) (LambdaPlan, error) {
	if err := img.check(); err != nil {
		return LambdaPlan{}, fmt.Errorf("%s: %w", d.target(), err)
	}
	fn, err := d.current(ctx)
	if err != nil {
		return LambdaPlan{}, err
	}
	return d.plan(fn, img), nil
}

// Deploy rolls img out to the function: it updates the function's code to
// the image, trying again while another update is in progress (see
// [WithConflictRetries]), and waits until the update has succeeded, for at
// most the time set by [WithTimeout]. With [WithPublish] or [WithAlias] it
// then publishes a version of exactly that code, and with [WithAlias]
// points the alias at it. When the function already runs img and its last
// update succeeded, its code is left alone; publishing still happens.
func (d *Lambda) Deploy(ctx context.Context, img Image) (LambdaResult, error) {
	if err := img.check(); err != nil {
		return LambdaResult{}, fmt.Errorf("%s: %w", d.target(), err)
	}
	fn, err := d.current(ctx)
	if err != nil {
		return LambdaResult{}, err
	}
	res := LambdaResult{LambdaPlan: d.plan(fn, img)}

	code := fn.Configuration.CodeSha256
	res.Unchanged = res.OldImage == res.NewImage && fn.Configuration.LastUpdateStatus == types.LastUpdateStatusSuccessful
	if res.Unchanged {
		fmt.Fprintf(d.s.progress, "%s: already runs %s; not updating its code\n", d.target(), res.NewImage)
	} else {
		err = d.retryConflict(ctx, "update function code", func(ctx context.Context) error {
			_, err := d.client.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{
				FunctionName: aws.String(d.function),
				ImageUri:     aws.String(res.NewImage),
			})
			return err
		})
		if err != nil {
			return res, err
		}
		updated, err := d.wait(ctx)
		if err != nil {
			return res, err
		}
		code = updated.Configuration.CodeSha256
		fmt.Fprintf(d.s.progress, "%s: updated to %s\n", d.target(), res.NewImage)
	}
	if !d.s.publish {
		return res, nil
	}

	err = d.retryConflict(ctx, "publish version", func(ctx context.Context) error {
		out, err := d.client.PublishVersion(ctx, &lambda.PublishVersionInput{
			FunctionName: aws.String(d.function),
			CodeSha256:   code,
		})
		if err == nil {
			res.Version = aws.ToString(out.Version)
		}
		return err
	})
	if err != nil {
		return res, err
	}
	fmt.Fprintf(d.s.progress, "%s: published version %s\n", d.target(), res.Version)
	if d.s.alias == "" {
		return res, nil
	}
	if err := d.moveAlias(ctx, res.Version); err != nil {
		return res, err
	}
	fmt.Fprintf(d.s.progress, "%s: alias %s -> version %s\n", d.target(), d.s.alias, res.Version)
	return res, nil
}

func (d *Lambda) target() string { return "lambda function " + d.function }

// current reads the function and checks that it runs an image.
func (d *Lambda) current(ctx context.Context) (*lambda.GetFunctionOutput, error) {
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	fn, err := d.client.GetFunction(cctx, &lambda.GetFunctionInput{FunctionName: aws.String(d.function)})
	var missing *types.ResourceNotFoundException
	if errors.As(err, &missing) {
		return nil, &NotFoundError{Kind: "lambda function", Name: d.function, Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: get function: %w", d.target(), err)
	}
	if fn.Configuration == nil || fn.Code == nil {
		return nil, fmt.Errorf("%s: get function: empty answer", d.target())
	}
	if pt := fn.Configuration.PackageType; pt != types.PackageTypeImage {
		return nil, fmt.Errorf("%s: package type is %q; only Image functions can be deployed from an image", d.target(), pt)
	}
	return fn, nil
}

func (d *Lambda) plan(fn *lambda.GetFunctionOutput, img Image) LambdaPlan {
	return LambdaPlan{
		Function: d.function,
		OldImage: aws.ToString(fn.Code.ImageUri),
		NewImage: img.String(),
		Publish:  d.s.publish,
		Alias:    d.s.alias,
	}
}

// retryConflict calls fn, each call bounded in time, and calls it again
// while Lambda answers that another update is in progress, up to the number
// of tries set by [WithConflictRetries].
func (d *Lambda) retryConflict(ctx context.Context, what string, fn func(context.Context) error) error {
	pause := d.s.backoff
	for try := 1; ; try++ {
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		err := fn(cctx)
		cancel()
		var conflict *types.ResourceConflictException
		switch {
		case err == nil:
			return nil
		case !errors.As(err, &conflict):
			return fmt.Errorf("%s: %s: %w", d.target(), what, err)
		case try == d.s.tries:
			return fmt.Errorf("%s: %s: another update was still in progress after %d tries: %w", d.target(), what, try, err)
		}
		fmt.Fprintf(d.s.progress, "%s: another update is in progress; trying again in %s (try %d of %d)\n", d.target(), pause, try+1, d.s.tries)
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s: %s: %w (last error: %w)", d.target(), what, ctx.Err(), err)
		case <-t.C:
		}
		pause *= 2
	}
}

// wait waits until the function's last update has succeeded, printing its
// status when it changes.
func (d *Lambda) wait(ctx context.Context) (*lambda.GetFunctionOutput, error) {
	w := &watch{}
	waiter := lambda.NewFunctionUpdatedV2Waiter(d.client, func(o *lambda.FunctionUpdatedV2WaiterOptions) {
		o.MinDelay, o.MaxDelay = d.s.minDelay, d.s.maxDelay
		updated := o.Retryable
		o.Retryable = func(ctx context.Context, in *lambda.GetFunctionInput, out *lambda.GetFunctionOutput, err error) (bool, error) {
			if err == nil && out.Configuration != nil {
				c := out.Configuration
				line := "update " + string(c.LastUpdateStatus)
				if line != w.last {
					fmt.Fprintf(d.s.progress, "%s: %s\n", d.target(), line)
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
	out, err := waiter.WaitForOutput(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(d.function)}, d.s.timeout)
	if err != nil {
		return nil, waitError(ctx, err, w, d.target(), d.s.timeout)
	}
	return out, nil
}

// moveAlias points the alias at version, creating the alias when it does
// not exist yet.
func (d *Lambda) moveAlias(ctx context.Context, version string) error {
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
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
		return fmt.Errorf("%s: point alias %s at version %s: %w", d.target(), d.s.alias, version, err)
	}
	return nil
}
