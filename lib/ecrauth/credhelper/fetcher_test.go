package credhelper

import "testing"

func TestFetcherFor_SendsECRPublicAndItsAliasesToThePublicFetcher(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		host string
		reg  Registry
		want string
	}{
		{"111122223333.dkr.ecr.eu-west-1.amazonaws.com", Registry{}, FetcherName},
		{"public.ecr.aws", Registry{}, PublicFetcherName},
		{"PUBLIC.ECR.AWS", Registry{}, PublicFetcherName},
		{"mirror.example.com", Registry{ECR: "https://public.ecr.aws/"}, PublicFetcherName},
		{"mirror.example.com", Registry{ECR: "111122223333.dkr.ecr.eu-west-1.amazonaws.com"}, FetcherName},
		{"127.0.0.1:5000", Registry{}, FetcherName},
	} {
		if got := fetcherFor(Request{Host: tc.host, Registry: tc.reg}); got != tc.want {
			t.Errorf("fetcherFor(%q, ECR %q) = %s, want %s", tc.host, tc.reg.ECR, got, tc.want)
		}
	}
}
