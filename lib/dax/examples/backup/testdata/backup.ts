#!/usr/bin/env -S deno run -A
// Backs a folder up as a dated tarball with its checksum, and keeps the newest KEEP.
import $ from "jsr:@david/dax";

const [src, dest] = Deno.args;
const keep = Number(Deno.env.get("KEEP") ?? "7");
const name = `${$.path(src).basename()}-${new Date().toISOString().slice(0, 10)}.tar.gz`;
await $.path(dest).mkdir();
await $`tar -czf ${name} -C ${src} .`;
const sum = (await $`sha256sum ${name}`.text()).split(" ")[0];
await $.path(`${name}.sha256`).writeText(`${sum}  ${name}\n`);
await $.path(name).rename($.path(dest).join(name));
await $.path(`${name}.sha256`).rename($.path(dest).join(`${name}.sha256`));
const all = (await Array.fromAsync($.path(dest).readDir())).map((e) => e.name).filter((n) => n.endsWith(".tar.gz")).sort();
for (const old of all.slice(0, Math.max(all.length - keep, 0))) {
  await $.path(dest).join(old).remove();
  await $.path(dest).join(`${old}.sha256`).remove();
}
$.log(`backed up ${src} to ${dest}/${name}`);
