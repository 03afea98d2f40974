package deploy

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// Kind makes targets of one kind from their ARNs, so that a list of ARNs
// becomes a fleet. A program keeps one Kind per ARN service it deploys
// to, such as "ecs" -> [ECSKind] and "lambda" -> [LambdaKind]; a new kind
// of target brings its own.
type Kind struct {
	// Check checks an ARN of this kind without network work.
	Check func(a ARN) error
	// New returns the target a names, with an AWS client made from cfg,
	// which must act in the ARN's account and region, configured by opts
	// and then by the kind's own options.
	New func(cfg aws.Config, a ARN, opts ...Option) (Target, error)
}

// ECSKind is the [Kind] of ECS services, whose ARNs [ECSService] reads;
// each target also takes opts.
func ECSKind(opts ...ECSOption) Kind {
	return Kind{
		Check: func(a ARN) error {
			_, _, err := ECSService(a)
			return err
		},
		New: func(cfg aws.Config, a ARN, common ...Option) (Target, error) {
			all := make([]ECSOption, 0, len(common)+len(opts))
			for _, o := range common {
				all = append(all, o)
			}
			return NewECSFromARN(ecs.NewFromConfig(cfg), a, append(all, opts...)...)
		},
	}
}

// LambdaKind is the [Kind] of Lambda functions, whose ARNs
// [LambdaFunction] reads; each target also takes opts.
func LambdaKind(opts ...LambdaOption) Kind {
	return Kind{
		Check: func(a ARN) error {
			_, _, err := LambdaFunction(a)
			return err
		},
		New: func(cfg aws.Config, a ARN, common ...Option) (Target, error) {
			all := make([]LambdaOption, 0, len(common)+len(opts))
			for _, o := range common {
				all = append(all, o)
			}
			return NewLambdaFromARN(lambda.NewFromConfig(cfg), a, append(all, opts...)...)
		},
	}
}
