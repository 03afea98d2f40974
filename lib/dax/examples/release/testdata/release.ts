#!/usr/bin/env -S deno run -A
// Releases the version given as the argument: changelog, version file, commit, tag, push.
import $ from "jsr:@david/dax";

const version = Deno.args[0];
if (!/^\d+\.\d+\.\d+$/.test(version ?? "")) throw new Error(`usage: release X.Y.Z, not ${version}`);
if ((await $`git status --porcelain`.text()) !== "") throw new Error("the work tree has changes");
const last = await $`git describe --tags --abbrev=0`.text();
const commits = await $`git log --format=%s ${last}..HEAD`.lines();
const changelog = await $.path("CHANGELOG.md").readText();
await $.path("CHANGELOG.md").writeText(`## v${version}\n\n${commits.map((c) => `- ${c}`).join("\n")}\n\n${changelog}`);
await $.path("VERSION").writeText(`${version}\n`);
await $`git commit -m ${`release v${version}`} VERSION CHANGELOG.md`;
await $`git tag v${version}`;
await $`git push origin HEAD v${version}`;
$.log(`released v${version}`);
