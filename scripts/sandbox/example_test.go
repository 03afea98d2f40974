package sandbox_test

import (
	"fmt"

	"github.com/godax/godax/scripts/sandbox"
)

func ExampleState_Exports() {
	st := &sandbox.State{
		Dir:      "/src/app/.godax/sandbox",
		RunDir:   "/src/app/.godax/sandbox/run",
		Moto:     sandbox.Service{Port: 4566},
		Registry: sandbox.Service{Port: 5000},
	}
	fmt.Print(st.Exports())
	// Output:
	// unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE
	// export AWS_ACCESS_KEY_ID=AKIAGODAXSANDBOX0000
	// export AWS_CONFIG_FILE=/src/app/.godax/sandbox/aws/config
	// export AWS_DEFAULT_REGION=us-east-1
	// export AWS_EC2_METADATA_DISABLED=true
	// export AWS_ENDPOINT_URL=http://127.0.0.1:4566
	// export AWS_REGION=us-east-1
	// export AWS_SECRET_ACCESS_KEY=godax-sandbox-secret-key
	// export AWS_SHARED_CREDENTIALS_FILE=/src/app/.godax/sandbox/aws/credentials
	// export DOCKER_CONFIG=/src/app/.godax/sandbox/docker-config
	// export DOCKER_HOST=unix:///src/app/.godax/sandbox/run/docker.sock
	// export ECR_ACCOUNT=111122223333
	// export ECR_CACHE_DIR=/src/app/.godax/sandbox/ecr-cache
	// export ECR_REGISTRY=127.0.0.1:5000
	// export ECR_ROLE=arn:aws:iam::111122223333:role/godax-deployer
	// export GODAX_SANDBOX_DIR=/src/app/.godax/sandbox
}
