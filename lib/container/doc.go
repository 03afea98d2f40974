// Package container drives a container command-line tool (docker, podman,
// nerdctl or finch) through lib/dax: logging in to a registry with the
// password on standard input, building, pushing and inspecting images.
//
//	cli, err := container.New(os.Getenv("CONTAINER_CLI"))
//	if err != nil {
//		return err
//	}
//	err = cli.Login(ctx, host, "AWS", dax.Secret(password))
package container
