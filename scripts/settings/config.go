package settings

// Config holds settings that a magefile importing godax's targets may set
// in its init(), so that a repository keeps them in code rather than in
// every shell:
//
//	func init() {
//		scripts.Config.ImageRepository = "team/api"
//		scripts.Config.ECSCluster, scripts.Config.ECSService = "prod", "api"
//		scripts.Config.Env = map[string]string{"DEPLOY_TIMEOUT": "15m"}
//	}
//
// Each field stands for the environment variable named in its comment,
// and is read and checked by the same rules as that variable. A variable
// set in the environment wins over the field, so one run can override
// the code. The zero Config sets nothing: the targets then take
// everything from the environment.
type Config struct {
	ImageRepository string // IMAGE_REPOSITORY
	ImageTag        string // IMAGE_TAG
	BuildContext    string // BUILD_CONTEXT, relative to the working directory
	Dockerfile      string // DOCKERFILE
	ImagePlatform   string // IMAGE_PLATFORM
	AWSRegion       string // AWS_REGION
	ECRAccount      string // ECR_ACCOUNT
	ECRRole         string // ECR_ROLE
	ECRRegistry     string // ECR_REGISTRY
	DeployTargets   string // DEPLOY_TARGETS
	DeployRole      string // DEPLOY_ROLE
	ECSCluster      string // ECS_CLUSTER
	ECSService      string // ECS_SERVICE
	ECSContainer    string // ECS_CONTAINER
	LambdaFunction  string // LAMBDA_FUNCTION
	LambdaAlias     string // LAMBDA_ALIAS

	// Env holds any other variable of [Vars] by name, such as
	// "DEPLOY_TIMEOUT": "15m" or "BUILD_ARG_VERSION": "1.2".
	Env map[string]string
}

// fields maps each of Config's named fields to its variable.
func (c Config) fields() map[string]string {
	return map[string]string{
		"IMAGE_REPOSITORY": c.ImageRepository,
		"IMAGE_TAG":        c.ImageTag,
		"BUILD_CONTEXT":    c.BuildContext,
		"DOCKERFILE":       c.Dockerfile,
		"IMAGE_PLATFORM":   c.ImagePlatform,
		"AWS_REGION":       c.AWSRegion,
		"ECR_ACCOUNT":      c.ECRAccount,
		"ECR_ROLE":         c.ECRRole,
		"ECR_REGISTRY":     c.ECRRegistry,
		"DEPLOY_TARGETS":   c.DeployTargets,
		"DEPLOY_ROLE":      c.DeployRole,
		"ECS_CLUSTER":      c.ECSCluster,
		"ECS_SERVICE":      c.ECSService,
		"ECS_CONTAINER":    c.ECSContainer,
		"LAMBDA_FUNCTION":  c.LambdaFunction,
		"LAMBDA_ALIAS":     c.LambdaAlias,
	}
}

// Lookup returns the value c gives the variable name, from its named
// field or from Env, and whether c sets it at all.
func (c Config) Lookup(name string) (string, bool) {
	if v := c.fields()[name]; v != "" {
		return v, true
	}
	v, ok := c.Env[name]
	return v, ok && v != ""
}

// Environ returns the variables c sets, as NAME=VALUE, in no order.
func (c Config) Environ() []string {
	var out []string
	for name, v := range c.fields() {
		if v != "" {
			out = append(out, name+"="+v)
		}
	}
	for name, v := range c.Env {
		if _, named := c.fields()[name]; !named && v != "" {
			out = append(out, name+"="+v)
		}
	}
	return out
}
