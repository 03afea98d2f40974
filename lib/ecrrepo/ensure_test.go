package ecrrepo_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/godax/godax/lib/ecrrepo"
)

// fakeECR is an in-memory registry of repositories. beforeCreate, when
// set, runs at the start of CreateRepository: a test uses it to play a
// concurrent creator.
type fakeECR struct {
	mu           sync.Mutex
	repos        map[string]types.Repository
	created      []*ecr.CreateRepositoryInput
	describes    int
	beforeCreate func(f *fakeECR)
	describeErr  error
}

var _ ecrrepo.API = (*fakeECR)(nil)

func newFake() *fakeECR { return &fakeECR{repos: map[string]types.Repository{}} }

func (f *fakeECR) put(name string, mut types.ImageTagMutability) {
	f.repos[name] = types.Repository{
		RepositoryName:     aws.String(name),
		RepositoryUri:      aws.String("111122223333.dkr.ecr.eu-west-1.amazonaws.com/" + name),
		RegistryId:         aws.String("111122223333"),
		ImageTagMutability: mut,
	}
}

func (f *fakeECR) DescribeRepositories(_ context.Context, in *ecr.DescribeRepositoriesInput, _ ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.describes++
	if f.describeErr != nil {
		return nil, f.describeErr
	}
	out := &ecr.DescribeRepositoriesOutput{}
	for _, n := range in.RepositoryNames {
		r, ok := f.repos[n]
		if !ok {
			return nil, &types.RepositoryNotFoundException{Message: aws.String("The repository with name '" + n + "' does not exist")}
		}
		out.Repositories = append(out.Repositories, r)
	}
	return out, nil
}

func (f *fakeECR) CreateRepository(_ context.Context, in *ecr.CreateRepositoryInput, _ ...func(*ecr.Options)) (*ecr.CreateRepositoryOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.beforeCreate != nil {
		f.beforeCreate(f)
	}
	f.created = append(f.created, in)
	name := aws.ToString(in.RepositoryName)
	if _, ok := f.repos[name]; ok {
		return nil, &types.RepositoryAlreadyExistsException{Message: aws.String("already exists")}
	}
	f.put(name, in.ImageTagMutability)
	r := f.repos[name]
	return &ecr.CreateRepositoryOutput{Repository: &r}, nil
}

func TestEnsure_CreatesAMissingRepositoryWithTheOptions(t *testing.T) {
	t.Parallel()
	f := newFake()
	got, err := ecrrepo.Ensure(context.Background(), f, "team/app", ecrrepo.Options{
		ScanOnPush: true, ImmutableTags: true, Tags: map[string]string{"owner": "ops", "app": "demo"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := ecrrepo.Repository{
		Name: "team/app", URI: "111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/app",
		RegistryID: "111122223333", Created: true, ImmutableTags: true,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("repository (-want +got):\n%s", d)
	}
	wantIn := []*ecr.CreateRepositoryInput{{
		RepositoryName:             aws.String("team/app"),
		ImageScanningConfiguration: &types.ImageScanningConfiguration{ScanOnPush: true},
		ImageTagMutability:         types.ImageTagMutabilityImmutable,
		Tags:                       []types.Tag{{Key: aws.String("app"), Value: aws.String("demo")}, {Key: aws.String("owner"), Value: aws.String("ops")}},
	}}
	if d := cmp.Diff(wantIn, f.created, cmpopts.IgnoreUnexported(ecr.CreateRepositoryInput{}, types.ImageScanningConfiguration{}, types.Tag{})); d != "" {
		t.Errorf("CreateRepository input (-want +got):\n%s", d)
	}
}

func TestEnsure_DefaultsToMutableTagsWithoutScanning(t *testing.T) {
	t.Parallel()
	f := newFake()
	if _, err := ecrrepo.Ensure(context.Background(), f, "app", ecrrepo.Options{}); err != nil {
		t.Fatal(err)
	}
	in := f.created[0]
	if in.ImageTagMutability != types.ImageTagMutabilityMutable || in.ImageScanningConfiguration.ScanOnPush {
		t.Errorf("got mutability %q scan %v, want MUTABLE and no scan", in.ImageTagMutability, in.ImageScanningConfiguration.ScanOnPush)
	}
}

func TestEnsure_LeavesAnExistingRepositoryAlone(t *testing.T) {
	t.Parallel()
	f := newFake()
	f.put("app", types.ImageTagMutabilityMutable)
	got, err := ecrrepo.Ensure(context.Background(), f, "app", ecrrepo.Options{ImmutableTags: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Created || got.ImmutableTags {
		t.Errorf("got %+v, want the existing mutable repository, not created", got)
	}
	if len(f.created) != 0 {
		t.Errorf("CreateRepository called %d times, want 0", len(f.created))
	}
}

func TestEnsure_TreatsAConcurrentCreatorAsSuccess(t *testing.T) {
	t.Parallel()
	f := newFake()
	f.beforeCreate = func(f *fakeECR) { f.put("app", types.ImageTagMutabilityMutable) }
	got, err := ecrrepo.Ensure(context.Background(), f, "app", ecrrepo.Options{})
	if err != nil {
		t.Fatalf("want success when another creator won the race, got %v", err)
	}
	if got.Created || got.Name != "app" || got.URI == "" {
		t.Errorf("got %+v, want the other creator's repository, not created by us", got)
	}
	if f.describes != 2 {
		t.Errorf("described %d times, want 2 (before and after the lost race)", f.describes)
	}
}

func TestEnsure_ManyConcurrentCallersAllSucceedAndCreateOnce(t *testing.T) {
	t.Parallel()
	f := newFake()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { _, errs[i] = ecrrepo.Ensure(context.Background(), f, "app", ecrrepo.Options{}) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if len(f.repos) != 1 {
		t.Errorf("got %d repositories, want 1", len(f.repos))
	}
}

func TestEnsure_WrapsOtherErrorsNamingTheRepository(t *testing.T) {
	t.Parallel()
	f := newFake()
	denied := errors.New("AccessDeniedException: not allowed")
	f.describeErr = denied
	_, err := ecrrepo.Ensure(context.Background(), f, "app", ecrrepo.Options{})
	if !errors.Is(err, denied) {
		t.Fatalf("got %v, want it to wrap the SDK error", err)
	}
	if want := "ecr describe-repositories app: AccessDeniedException: not allowed"; err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
}

func TestEnsure_RejectsABadNameBeforeAnyCall(t *testing.T) {
	t.Parallel()
	f := newFake()
	_, err := ecrrepo.Ensure(context.Background(), f, "App", ecrrepo.Options{})
	var ne *ecrrepo.NameError
	if !errors.As(err, &ne) {
		t.Fatalf("got %v, want a NameError", err)
	}
	if f.describes != 0 || len(f.created) != 0 {
		t.Errorf("made %d describe and %d create calls, want none", f.describes, len(f.created))
	}
}

func ExampleValidateName() {
	for _, name := range []string{"team/app", "Team/App", "a"} {
		fmt.Println(ecrrepo.ValidateName(name))
	}
	// Output:
	// <nil>
	// repository name "Team/App" has upper-case letters: ECR names are lower-case
	// repository name "a" is shorter than 2 characters
}
