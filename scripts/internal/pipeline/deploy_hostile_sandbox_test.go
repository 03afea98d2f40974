package pipeline

import (
	"strings"
	"sync/atomic"
	"testing"
	"unicode"

	"github.com/godax/godax/scripts/sandbox/sandboxtest"
)

// hostileNames are values no AWS name takes: shell syntax, paths, control
// characters, non-ASCII, wildcards and lengths far over any limit.
var hostileNames = []string{
	";rm${IFS}-rf", "$(id)", "`id`", "a|b", "a&&b", "a>b", "a'b", `a"b`, "a\\b", "a b",
	"../../etc/passwd", "..", "a/b", "a:b", "*", "?", "a\nFORGED LINE", "a\rb", "a\x1b[31mred", "a\tb",
	"ça", "服务", "a\u202eb", strings.Repeat("a", 70000),
}

// hostileCase sets one variable to a bad value on top of settings that
// are good.
type hostileCase struct {
	name, value string
	with        map[string]string // more settings the case needs, such as ECS_SERVICE beside ECS_CLUSTER
}

// hostileCases returns the cases; {p} in a value stands for the counting
// proxy's HOST:PORT, so that registry requests are counted too. The
// proxy ([newCountingProxy]) stands in front of moto.
func hostileCases() []hostileCase {
	const ecsARN = "arn:aws:ecs:us-east-1:111122223333:service/"
	const fnARN = "arn:aws:lambda:us-east-1:111122223333:function:"
	ecs := map[string]string{"ECS_CLUSTER": "c", "ECS_SERVICE": "s"}
	var cs []hostileCase
	for _, v := range hostileNames {
		cs = append(cs,
			hostileCase{"ECS_CLUSTER", v, map[string]string{"ECS_SERVICE": "s"}},
			hostileCase{"ECS_SERVICE", v, map[string]string{"ECS_CLUSTER": "c"}},
			hostileCase{"ECS_CONTAINER", v, ecs},
			hostileCase{"LAMBDA_FUNCTION", v, nil},
			hostileCase{"LAMBDA_ALIAS", v, nil},
		)
		// Blanks, commas and # split or end a DEPLOY_TARGETS entry, and a
		// colon after a function's name starts its alias.
		if !strings.ContainsAny(v, " \t\r\n,#:") {
			cs = append(cs,
				hostileCase{"DEPLOY_TARGETS", ecsARN + "c/" + v, nil},
				hostileCase{"DEPLOY_TARGETS", ecsARN + v + "/s", nil},
				hostileCase{"DEPLOY_TARGETS", fnARN + v, nil},
				hostileCase{"DEPLOY_TARGETS", fnARN + "fn:" + v, nil},
			)
		}
	}
	for _, v := range []string{
		"1", "007", "$LATEST", strings.Repeat("a", 300), "al\nias",
	} {
		cs = append(cs, hostileCase{"LAMBDA_ALIAS", v, nil})
	}
	for _, v := range []string{
		strings.Repeat("a", 65), "arn:aws:lambda:us-east-1:111122223333:function:fn;x", "arn:aws:lambda:us-east-1:111122223333:function:fn:1",
	} {
		cs = append(cs, hostileCase{"LAMBDA_FUNCTION", v, nil})
	}
	for _, v := range []string{
		ecsARN + "c/" + strings.Repeat("s", 5000), fnARN + strings.Repeat("f", 5000), ecsARN + "c/s/extra",
		"arn:aws:ecs:us-east-1;x:111122223333:service/c/s", "arn:aws:ecs:us-east-1:11112222333a:service/c/s",
		"arn:aws:ecs:../..:111122223333:service/c/s", fnARN + "fn:$LATEST", fnARN + "fn:" + strings.Repeat("a", 300),
		"arn:aws:s3:::bucket", "not-an-arn",
	} {
		cs = append(cs, hostileCase{"DEPLOY_TARGETS", v, nil})
	}
	for _, v := range []string{
		"{p}/repo:a:b", "{p}/../x:v1", "{p}/..:v1", "{p}/Repo:v1", "http://{p}/repo:v1", "https://{p}/repo:v1",
		"{p}/repo:v1\nFORGED LINE", "{p}/repo:-bad", "{p}/repo:.bad", "{p}/repo:" + strings.Repeat("t", 129),
		"{p}/re po:v1", "{p}/repo;rm:v1", "{p}//repo:v1", "{p}/repo/:v1", "{p}/repo:", "{p}/répo:v1",
		"{p}/" + strings.Repeat("r", 300) + ":v1", "{p}/repo@sha256:abc", "{p}/repo@sha256:" + strings.Repeat("A", 64),
		"{p}/repo", "/repo:v1", "user@{p}/repo:v1", "{p}/repo:v1;id", "{p}/$(id):v1",
	} {
		cs = append(cs, hostileCase{"DEPLOY_IMAGE", v, nil})
	}
	for _, v := range []string{"a;b", "arn:aws:iam::111122223333:role/x", "ro le", "role\nx", "ä"} {
		cs = append(cs, hostileCase{"DEPLOY_ROLE", v, nil})
	}
	for _, v := range []string{"0", "-1", "many", "1e9"} {
		cs = append(cs, hostileCase{"DEPLOY_CONCURRENCY", v, nil})
	}
	for _, v := range []string{"1s", "-5m", "soon", "9999999999999h"} {
		cs = append(cs, hostileCase{"DEPLOY_TIMEOUT", v, nil})
	}
	return cs
}

func TestDeploy_Sandbox_BadInputMakesNoRequestAndIsNamedOnOneEscapedLine(t *testing.T) {
	t.Parallel()
	st := sandboxtest.Require(t)
	good := func(p *countingProxy) map[string]string {
		return map[string]string{
			"AWS_ENDPOINT_URL": p.URL,
			"LAMBDA_FUNCTION":  "fn-ok",
			"DEPLOY_IMAGE":     strings.TrimPrefix(p.URL, "http://") + "/repo:v1",
		}
	}

	// Good settings do reach AWS through the proxy, so that a count of
	// zero below means something.
	p := newCountingProxy(t, st.Endpoint())
	if _, _, err := runStep(t, st, "all", good(p)); err == nil || len(p.seen()) == 0 {
		t.Fatalf("good settings: %v, %d requests; want the deploy to try, and fail on moto", err, len(p.seen()))
	}

	cases := hostileCases()
	var caught atomic.Int64
	t.Run("cases", func(t *testing.T) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				p := newCountingProxy(t, st.Endpoint())
				env := good(p)
				for k, v := range c.with {
					env[k] = v
				}
				env[c.name] = strings.ReplaceAll(c.value, "{p}", strings.TrimPrefix(p.URL, "http://"))
				_, stderr, err := runStep(t, st, "all", env)
				reqs := p.seen()
				if err == nil || len(reqs) > 0 {
					t.Errorf("%s=%q: error %v after %d request(s) %q; want it refused before any", c.name, c.value, err, len(reqs), reqs)
					return
				}
				caught.Add(1)
				line := strings.TrimSuffix(stderr, "\n")
				if strings.Contains(line, "\n") || !strings.Contains(line, c.name) {
					t.Errorf("%s=%q: the error is not one line naming %s:\n%s", c.name, c.value, c.name, stderr)
				}
				if i := strings.IndexFunc(line, func(r rune) bool { return !unicode.IsPrint(r) }); i >= 0 {
					t.Errorf("%s=%q: the error prints %q raw", c.name, c.value, line[i:i+1])
				}
			})
		}
	})
	t.Logf("%d bad inputs caught out of %d", caught.Load(), len(cases))
}
