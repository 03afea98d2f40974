package ecrrepo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// DefaultTimeout bounds [Ensure], retries included, when the caller's
// context has no earlier deadline.
const DefaultTimeout = 30 * time.Second

// API is the part of the ECR client [Ensure] uses.
type API interface {
	DescribeRepositories(ctx context.Context, in *ecr.DescribeRepositoriesInput, optFns ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error)
	CreateRepository(ctx context.Context, in *ecr.CreateRepositoryInput, optFns ...func(*ecr.Options)) (*ecr.CreateRepositoryOutput, error)
}

var _ API = (*ecr.Client)(nil)

// Options are the settings of a repository [Ensure] creates. They are not
// applied to a repository that already exists.
type Options struct {
	// RegistryID is the account whose registry holds the repository; ""
	// (the default) is the caller's.
	RegistryID string
	// ScanOnPush turns on basic image scanning on push. Default off.
	ScanOnPush bool
	// ImmutableTags makes tags immutable: a pushed tag cannot be moved to
	// another image, nor pushed again. Default off (mutable).
	ImmutableTags bool
	// Tags are resource tags put on a created repository. Default none.
	Tags map[string]string
}

// Repository is the repository [Ensure] found or created.
type Repository struct {
	// Name is the repository's name.
	Name string
	// URI is HOST/NAME, as ECR reports it.
	URI string
	// RegistryID is the account holding it.
	RegistryID string
	// Created is true when this call created it.
	Created bool
	// ImmutableTags is true when its tags are immutable.
	ImmutableTags bool
}

// Ensure makes sure the repository name exists: it describes it, and
// creates it with opts when it is missing. A creation that loses a race
// with a concurrent creator (RepositoryAlreadyExistsException) is success:
// the repository is described again and returned. name is checked with
// [ValidateName] before any call.
//
// # Error handling
//
// Errors name the repository and the call that failed, and wrap the SDK's
// error, so errors.As finds its smithy.APIError (e.g. AccessDeniedException).
func Ensure(ctx context.Context, client API, name string, opts Options) (Repository, error) {
	if err := ValidateName(name); err != nil {
		return Repository{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, DefaultTimeout)
	defer cancel()

	repo, found, err := describe(ctx, client, name, opts.RegistryID)
	if err != nil || found {
		return repo, err
	}

	in := &ecr.CreateRepositoryInput{
		RepositoryName:             aws.String(name),
		ImageScanningConfiguration: &types.ImageScanningConfiguration{ScanOnPush: opts.ScanOnPush},
		ImageTagMutability:         types.ImageTagMutabilityMutable,
	}
	if opts.RegistryID != "" {
		in.RegistryId = aws.String(opts.RegistryID)
	}
	if opts.ImmutableTags {
		in.ImageTagMutability = types.ImageTagMutabilityImmutable
	}
	for _, k := range slices.Sorted(maps.Keys(opts.Tags)) {
		in.Tags = append(in.Tags, types.Tag{Key: aws.String(k), Value: aws.String(opts.Tags[k])})
	}
	out, err := client.CreateRepository(ctx, in)
	var exists *types.RepositoryAlreadyExistsException
	if errors.As(err, &exists) {
		repo, found, err := describe(ctx, client, name, opts.RegistryID)
		if err == nil && !found {
			err = fmt.Errorf("ecr repository %s: created by someone else, then gone", name)
		}
		return repo, err
	}
	if err != nil {
		return Repository{}, fmt.Errorf("ecr create-repository %s: %w", name, err)
	}
	if out.Repository == nil {
		return Repository{}, fmt.Errorf("ecr create-repository %s: empty answer", name)
	}
	repo = fromSDK(*out.Repository)
	repo.Created = true
	return repo, nil
}

// describe returns the repository name, and whether it exists.
func describe(ctx context.Context, client API, name, registryID string) (Repository, bool, error) {
	in := &ecr.DescribeRepositoriesInput{RepositoryNames: []string{name}}
	if registryID != "" {
		in.RegistryId = aws.String(registryID)
	}
	out, err := client.DescribeRepositories(ctx, in)
	var missing *types.RepositoryNotFoundException
	if errors.As(err, &missing) {
		return Repository{}, false, nil
	}
	if err != nil {
		return Repository{}, false, fmt.Errorf("ecr describe-repositories %s: %w", name, err)
	}
	for _, r := range out.Repositories {
		if aws.ToString(r.RepositoryName) == name {
			return fromSDK(r), true, nil
		}
	}
	return Repository{}, false, nil
}

func fromSDK(r types.Repository) Repository {
	return Repository{
		Name:          aws.ToString(r.RepositoryName),
		URI:           aws.ToString(r.RepositoryUri),
		RegistryID:    aws.ToString(r.RegistryId),
		ImmutableTags: r.ImageTagMutability == types.ImageTagMutabilityImmutable,
	}
}
