// Package sandboxtest connects integration tests to the local sandbox:
//
//	func TestPush_LandsInRegistry(t *testing.T) {
//		st := sandboxtest.Require(t)
//		// talk to st.Endpoint(), st.RegistryHost(), st.DockerHost() ...
//	}
package sandboxtest
