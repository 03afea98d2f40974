package awsauth

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go/logging"
)

// An instance whose metadata service refuses IMDSv2 tokens: the SDK falls
// back to IMDSv1 and, left alone, warns about it on stderr.
func TestLoad_DropsTheSDKsIMDSv1FallbackWarning(t *testing.T) {
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPut:
			http.Error(w, "forbidden", http.StatusForbidden)
		case strings.HasSuffix(r.URL.Path, "/security-credentials/"):
			_, _ = w.Write([]byte("instance-role"))
		case strings.HasSuffix(r.URL.Path, "/security-credentials/instance-role"):
			exp := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
			_, _ = w.Write([]byte(`{"Code":"Success","AccessKeyId":"AKIAEXAMPLE","SecretAccessKey":"s","Token":"t","Expiration":"` + exp + `"}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer imds.Close()
	none := filepath.Join(t.TempDir(), "none")
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": none, "AWS_SHARED_CREDENTIALS_FILE": none, "AWS_WEB_IDENTITY_TOKEN_FILE": "",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "",
		"AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.URL, "AWS_REGION": "us-east-1",
	} {
		t.Setenv(k, v)
	}
	var logs bytes.Buffer
	old := logOutput
	logOutput = &logs
	defer func() { logOutput = old }()

	cfg, err := Load(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if creds.AccessKeyID != "AKIAEXAMPLE" {
		t.Fatalf("credentials from %q, want the instance role's", creds.AccessKeyID)
	}
	if strings.Contains(logs.String(), "IMDSv1") {
		t.Errorf("the IMDSv1 warning reached the log:\n%s", logs.String())
	}
}

func TestQuietSDK_DropsOnlyTheWarningsNoUserCanActOn(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	q := quietSDK{next: logging.NewStandardLogger(&logs)}
	q.Logf(logging.Warn, "failed to discard remaining HTTP response body, this may affect connection reuse: %v", "use of closed network connection")
	q.Logf(logging.Warn, "falling back to IMDSv1: %v", "403")
	q.Logf(logging.Warn, "Response has no supported checksum. Not validating response payload.")
	q.Logf(logging.Debug, "failed to discard remaining HTTP response body")
	got := logs.String()
	if strings.Contains(got, "WARN failed to discard") || strings.Contains(got, "IMDSv1") {
		t.Errorf("a quiet warning reached the log:\n%s", got)
	}
	if !strings.Contains(got, "no supported checksum") || !strings.Contains(got, "DEBUG failed to discard") {
		t.Errorf("another line was dropped too:\n%s", got)
	}
}
