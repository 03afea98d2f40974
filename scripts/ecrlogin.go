// PLACEHOLDER: replaced by the ecrLogin work (issue 4).
package scripts

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

type LoginResult struct {
	Region    string
	Host      string
	ExpiresAt time.Time
	FromCache bool
}

func EcrLogin(ctx context.Context) error { return errors.New("ecrLogin: not built yet") }
func AWSConfig(ctx context.Context) (aws.Config, error) {
	return aws.Config{}, errors.New("not built yet")
}
func LoggedIn() []LoginResult         { return nil }
func Bench(ctx context.Context) error { return errors.New("bench: not built yet") }
