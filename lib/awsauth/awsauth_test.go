package awsauth_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/awsauth"
)

func TestValidExternalID_AcceptsUpTo1224Characters(t *testing.T) {
	t.Parallel()
	if !awsauth.ValidExternalID(strings.Repeat("a", 1224)) {
		t.Error("1224 characters refused")
	}
	if awsauth.ValidExternalID(strings.Repeat("a", 1225)) {
		t.Error("1225 characters accepted")
	}
	if awsauth.ValidExternalID("a") {
		t.Error("1 character accepted")
	}
}

func TestRole_ResolveARNBuildsItInTheRegionsPartition(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"eu-west-1":      "arn:aws:iam::111122223333:role/ci/deployer",
		"cn-north-1":     "arn:aws-cn:iam::111122223333:role/ci/deployer",
		"us-gov-west-1":  "arn:aws-us-gov:iam::111122223333:role/ci/deployer",
		"us-isob-east-1": "arn:aws-iso-b:iam::111122223333:role/ci/deployer",
	}
	r := awsauth.Role{Account: "111122223333", Name: "ci/deployer"}
	for region, want := range tests {
		got, err := r.ResolveARN(region)
		if err != nil || got != want {
			t.Errorf("ResolveARN(%s) = %q, %v; want %q", region, got, err, want)
		}
	}
}

func TestRole_ValidateRejectsWhatSTSWould(t *testing.T) {
	t.Parallel()
	arn := "arn:aws:iam::111122223333:role/r"
	tests := map[string]struct {
		role awsauth.Role
		want string
	}{
		"short duration":  {awsauth.Role{ARN: arn, Duration: 10 * time.Minute}, "under STS's minimum of 15m"},
		"long duration":   {awsauth.Role{ARN: arn, Duration: 13 * time.Hour}, "over STS's maximum of 12h"},
		"bad ARN":         {awsauth.Role{ARN: "arn:aws:iam::1111:role/r"}, "not an IAM role ARN"},
		"user ARN":        {awsauth.Role{ARN: "arn:aws:iam::111122223333:user/r"}, "not an IAM role ARN"},
		"bad partition":   {awsauth.Role{ARN: "arn:azure:iam::111122223333:role/r"}, "not an IAM role ARN"},
		"bad account":     {awsauth.Role{Account: "12345", Name: "r"}, "not a 12-digit account id"},
		"bad name":        {awsauth.Role{Account: "111122223333", Name: "a b"}, "role name"},
		"long session":    {awsauth.Role{ARN: arn, SessionName: strings.Repeat("s", 65)}, "session name"},
		"bad session":     {awsauth.Role{ARN: arn, SessionName: "a b"}, "session name"},
		"bad external id": {awsauth.Role{ARN: arn, ExternalID: "a b"}, "external id"},
		"MFA, no code":    {awsauth.Role{ARN: arn, MFASerial: "arn:aws:iam::111122223333:mfa/me"}, "no TokenCode"},
	}
	for name, tt := range tests {
		err := tt.role.Validate("us-east-1")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want one containing %q", name, err, tt.want)
		}
	}
	if err := (awsauth.Role{ARN: arn, Duration: 15 * time.Minute, SessionName: "ok-session"}).Validate("us-east-1"); err != nil {
		t.Errorf("valid role: %v", err)
	}
}

func TestDefaultSessionName_IsAcceptedBySTS(t *testing.T) {
	t.Parallel()
	if name := awsauth.DefaultSessionName(); !awsauth.ValidSessionName(name) || !strings.HasPrefix(name, "godax") {
		t.Errorf("DefaultSessionName() = %q", name)
	}
}

// fakeSTS answers AssumeRole (and records its form) or refuses it.
type fakeSTS struct {
	mu     sync.Mutex
	forms  []url.Values
	denied bool
}

func (f *fakeSTS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	f.mu.Lock()
	f.forms = append(f.forms, r.PostForm)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	if f.denied {
		w.WriteHeader(403)
		fmt.Fprint(w, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole</Message></Error><RequestId>1</RequestId></ErrorResponse>`)
		return
	}
	exp := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>`+
		`<AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>rolesecret</SecretAccessKey><SessionToken>roletoken</SessionToken>`+
		`<Expiration>%s</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/r/s</Arn>`+
		`<AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`, exp)
}

// isolated are load options that keep the user's files and keys out.
func isolated(endpoint string) []func(*config.LoadOptions) error {
	return []func(*config.LoadOptions) error{
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIABASE", "basesecret", "")),
		config.WithBaseEndpoint(endpoint),
		config.WithRetryMaxAttempts(1),
	}
}

func TestLoad_AssumesTheRoleWithItsOptions(t *testing.T) {
	t.Parallel()
	sts := &fakeSTS{}
	srv := httptest.NewServer(sts)
	defer srv.Close()
	role := &awsauth.Role{ARN: "arn:aws:iam::111122223333:role/r", SessionName: "ci-run", Duration: time.Hour,
		ExternalID: "ext-1", MFASerial: "arn:aws:iam::111122223333:mfa/me", TokenCode: func() (string, error) { return "123456", nil }}
	cfg, err := awsauth.Load(context.Background(), awsauth.Options{Region: "us-east-1", Role: role, LoadOptions: isolated(srv.URL)})
	if err != nil {
		t.Fatal(err)
	}
	if len(sts.forms) != 0 {
		t.Fatal("Load called STS; it must wait for the first signed request")
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if creds.AccessKeyID != "ASIAROLE" {
		t.Errorf("AccessKeyID = %q, want the role's", creds.AccessKeyID)
	}
	got := map[string]string{}
	for _, k := range []string{"Action", "RoleArn", "RoleSessionName", "DurationSeconds", "ExternalId", "SerialNumber", "TokenCode"} {
		got[k] = sts.forms[0].Get(k)
	}
	want := map[string]string{"Action": "AssumeRole", "RoleArn": role.ARN, "RoleSessionName": "ci-run", "DurationSeconds": "3600",
		"ExternalId": "ext-1", "SerialNumber": role.MFASerial, "TokenCode": "123456"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AssumeRole form (-want +got):\n%s", diff)
	}
}

func TestLoad_DefaultsTheRoleToFifteenMinutesAndADerivedSession(t *testing.T) {
	t.Parallel()
	sts := &fakeSTS{}
	srv := httptest.NewServer(sts)
	defer srv.Close()
	cfg, err := awsauth.Load(context.Background(), awsauth.Options{Region: "us-east-1",
		Role: &awsauth.Role{Account: "111122223333", Name: "r"}, LoadOptions: isolated(srv.URL)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.Credentials.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	f := sts.forms[0]
	if f.Get("DurationSeconds") != "900" || f.Get("RoleSessionName") != awsauth.DefaultSessionName() || f.Get("RoleArn") != "arn:aws:iam::111122223333:role/r" {
		t.Errorf("AssumeRole form = %v", f)
	}
}

func TestLoad_NamesTheRoleWhenSTSDeniesIt(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(&fakeSTS{denied: true})
	defer srv.Close()
	arn := "arn:aws:iam::111122223333:role/locked"
	cfg, err := awsauth.Load(context.Background(), awsauth.Options{Region: "us-east-1", Role: &awsauth.Role{ARN: arn}, LoadOptions: isolated(srv.URL)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = cfg.Credentials.Retrieve(context.Background())
	var ce *awsauth.CredentialsError
	if !errors.As(err, &ce) || !ce.AccessDenied() {
		t.Fatalf("err = %v, want a CredentialsError with AccessDenied", err)
	}
	if !strings.Contains(err.Error(), "assume role "+arn+": access denied") {
		t.Errorf("error %q does not name the role", err)
	}
}

func TestLoad_RejectsAnInvalidRoleBeforeAnyNetworkCall(t *testing.T) {
	t.Parallel()
	sts := &fakeSTS{}
	srv := httptest.NewServer(sts)
	defer srv.Close()
	_, err := awsauth.Load(context.Background(), awsauth.Options{Region: "us-east-1",
		Role: &awsauth.Role{ARN: "arn:aws:iam::111122223333:role/r", Duration: 600 * time.Second}, LoadOptions: isolated(srv.URL)})
	if err == nil || !strings.Contains(err.Error(), "under STS's minimum of 15m") {
		t.Errorf("err = %v, want the 15m minimum", err)
	}
	if len(sts.forms) != 0 {
		t.Error("STS was called")
	}
}

// TestLoad_FailsFastWhenNoCredentialsExist changes the environment, so it
// is not parallel.
func TestLoad_FailsFastWhenNoCredentialsExist(t *testing.T) {
	// Instance metadata that accepts connections and never answers: what
	// makes other tools hang off EC2.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_EC2_METADATA_DISABLED"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://"+ln.Addr().String())

	cfg, err := awsauth.Load(context.Background(), awsauth.Options{Region: "us-east-1", CredentialTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // only a backstop
	defer cancel()
	_, err = cfg.Credentials.Retrieve(ctx)
	var ce *awsauth.CredentialsError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a CredentialsError", err)
	}
	if ctx.Err() != nil {
		t.Fatal("the retrieval ran past its own timeout")
	}
	for _, want := range []string{"no AWS credentials", "AWS_ACCESS_KEY_ID", "AWS_PROFILE", "aws sso login", "instance role"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestRole_AssumedRoleARNDropsThePath(t *testing.T) {
	t.Parallel()
	r := awsauth.Role{ARN: "arn:aws-cn:iam::111122223333:role/ci/deployer", SessionName: "run-7"}
	got, err := r.AssumedRoleARN("cn-north-1")
	if want := "arn:aws-cn:sts::111122223333:assumed-role/deployer/run-7"; err != nil || got != want {
		t.Errorf("AssumedRoleARN = %q, %v; want %q", got, err, want)
	}
}

func TestPartition_GuessesAnUnknownRegionsPartitionFromItsName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		region, want string
		known        bool
	}{
		{"eu-west-1", "aws", true},
		{"ap-future-9", "aws", false},
		{"cn-far-7", "aws-cn", false},
		{"us-gov-central-3", "aws-us-gov", false},
		{"us-isob-north-2", "aws-iso-b", false},
		{"eusc-fr-west-1", "aws-eusc", false},
	}
	for _, tt := range tests {
		p, known := awsauth.Partition(tt.region)
		if p != tt.want || known != tt.known {
			t.Errorf("Partition(%q) = %q, %v; want %q, %v", tt.region, p, known, tt.want, tt.known)
		}
	}
}

func TestValidRegion_AcceptsRegionShapedNamesOnly(t *testing.T) {
	t.Parallel()
	for _, r := range []string{"us-east-1", "ap-future-9", "us-gov-west-1", "eusc-de-east-1"} {
		if !awsauth.ValidRegion(r) {
			t.Errorf("ValidRegion(%q) = false", r)
		}
	}
	for _, r := range []string{"", ",", "us-east", "US-EAST-1", "us east-1", "us--1", "us-east-1a", "-east-1"} {
		if awsauth.ValidRegion(r) {
			t.Errorf("ValidRegion(%q) = true", r)
		}
	}
}

func TestAssumeRole_LeavesTheBaseConfigAlone(t *testing.T) {
	t.Parallel()
	base := aws.Config{Region: "eu-west-1", Credentials: aws.AnonymousCredentials{}}
	cfg, err := awsauth.AssumeRole(base, &awsauth.Role{ARN: "arn:aws:iam::111122223333:role/r"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := base.Credentials.(aws.AnonymousCredentials); !ok {
		t.Error("AssumeRole changed the base config's credentials")
	}
	if _, ok := cfg.Credentials.(*aws.CredentialsCache); !ok {
		t.Errorf("credentials %T, want a cache of the role's sessions", cfg.Credentials)
	}
	if _, err := awsauth.AssumeRole(base, &awsauth.Role{ARN: "arn:aws:s3:::bucket"}); err == nil {
		t.Error("AssumeRole of a bucket ARN: want an error")
	}
	same, err := awsauth.AssumeRole(base, nil)
	if err != nil || same.Credentials != base.Credentials {
		t.Errorf("AssumeRole(nil) = %v, %v; want the base config", same.Credentials, err)
	}
}
