#!/usr/bin/env -S deno run -A
// The seed script: log docker in to ECR with the credentials of a role.
import $ from "jsr:@david/dax";
import { STS } from "npm:@aws-sdk/client-sts";
import { ECR } from "npm:@aws-sdk/client-ecr";

const sts = new STS({});
const { Credentials: c } = await sts.assumeRole({ RoleArn: Deno.env.get("ROLE_ARN"), RoleSessionName: "ecr-login" });
const ecr = new ECR({ credentials: { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken } });
const { authorizationData } = await ecr.getAuthorizationToken({});
const { authorizationToken, proxyEndpoint } = authorizationData![0];
const [user, password] = atob(authorizationToken!).split(":");
const host = new URL(proxyEndpoint!).host;
await $`docker login -u ${user} --password-stdin ${host}`.stdinText(password);
$.log(`logged in to ${host}`);
