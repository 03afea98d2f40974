package container_test

import (
	"fmt"

	"github.com/godax/godax/lib/container"
)

func ExampleValidateTag() {
	fmt.Println(container.ValidateTag("1a2b3c4-dirty"))
	fmt.Println(container.ValidateTag(".hidden"))
	// Output:
	// <nil>
	// image tag ".hidden": want letters, digits, '_', '.' and '-', not starting with '.' or '-'
}

func ExampleSplitTag() {
	name, tag := container.SplitTag("127.0.0.1:5000/team/app:v1")
	fmt.Println(name, tag)
	// Output: 127.0.0.1:5000/team/app v1
}
