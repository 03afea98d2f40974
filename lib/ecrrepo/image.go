package ecrrepo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// ImageAPI is the part of the ECR client [TagDigest] uses.
type ImageAPI interface {
	DescribeImages(ctx context.Context, in *ecr.DescribeImagesInput, optFns ...func(*ecr.Options)) (*ecr.DescribeImagesOutput, error)
}

var _ ImageAPI = (*ecr.Client)(nil)

// TagDigest returns the digest of the image tagged tag in the repository
// name of registryID ("" for the caller's), or "" when no image has that
// tag. With immutable tags, a push of an existing tag fails even for the
// same image, so a caller checks first. It is bounded by [DefaultTimeout].
func TagDigest(ctx context.Context, client ImageAPI, name, registryID, tag string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, DefaultTimeout)
	defer cancel()
	in := &ecr.DescribeImagesInput{
		RepositoryName: aws.String(name),
		ImageIds:       []types.ImageIdentifier{{ImageTag: aws.String(tag)}},
	}
	if registryID != "" {
		in.RegistryId = aws.String(registryID)
	}
	out, err := client.DescribeImages(ctx, in)
	var missing *types.ImageNotFoundException
	if errors.As(err, &missing) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("ecr describe-images %s:%s: %w", name, tag, err)
	}
	for _, d := range out.ImageDetails {
		if d.ImageDigest != nil {
			return *d.ImageDigest, nil
		}
	}
	return "", nil
}
