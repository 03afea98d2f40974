package ecrrepo_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/godax/godax/lib/ecrrepo"
)

// fakeImages answers DescribeImages from a map of tag to digest.
type fakeImages struct {
	tags map[string]string
	in   *ecr.DescribeImagesInput
	err  error
}

func (f *fakeImages) DescribeImages(_ context.Context, in *ecr.DescribeImagesInput, _ ...func(*ecr.Options)) (*ecr.DescribeImagesOutput, error) {
	f.in = in
	if f.err != nil {
		return nil, f.err
	}
	d, ok := f.tags[aws.ToString(in.ImageIds[0].ImageTag)]
	if !ok {
		return nil, &types.ImageNotFoundException{Message: aws.String("not found")}
	}
	return &ecr.DescribeImagesOutput{ImageDetails: []types.ImageDetail{{ImageDigest: aws.String(d)}}}, nil
}

func TestTagDigest_ReturnsTheTaggedDigestOrNothing(t *testing.T) {
	t.Parallel()
	digest := "sha256:" + strings.Repeat("e", 64)
	f := &fakeImages{tags: map[string]string{"v1": digest}}
	got, err := ecrrepo.TagDigest(context.Background(), f, "app", "111122223333", "v1")
	if err != nil || got != digest {
		t.Errorf("got %q, %v; want %q", got, err, digest)
	}
	if aws.ToString(f.in.RegistryId) != "111122223333" || aws.ToString(f.in.RepositoryName) != "app" {
		t.Errorf("asked about %+v", f.in)
	}
	got, err = ecrrepo.TagDigest(context.Background(), f, "app", "", "v2")
	if err != nil || got != "" {
		t.Errorf("an unknown tag: got %q, %v; want nothing", got, err)
	}
}

func TestTagDigest_WrapsOtherErrors(t *testing.T) {
	t.Parallel()
	denied := errors.New("AccessDeniedException")
	_, err := ecrrepo.TagDigest(context.Background(), &fakeImages{err: denied}, "app", "", "v1")
	if !errors.Is(err, denied) || err.Error() != "ecr describe-images app:v1: AccessDeniedException" {
		t.Errorf("got %v", err)
	}
}
