// Renders each kustomization under deploy/ (the subset of kustomize it uses: resources,
// components, and JSON 6902 patches with a target; anything else fails), then checks every object
// three ways, all offline:
//   1. kubernetes-models: each object against the Kubernetes OpenAPI JSON schema (types,
//      required fields, formats, int-or-string);
//   2. kubernetes-types + tsc: no field the API does not have (a typo such as `readinesProbe`
//      would otherwise be dropped by the API server without a word);
//   3. the links between them: selectors, named ports, mounts, the Secret's keys, the probes,
//      terminationGracePeriodSeconds against the drain settings in sluice.yaml, the image's user.
// Usage: node check.mjs ROOT   (prints the rendered sluice.yaml of deploy/base to ROOT-less
// stdout only with --print-config, for .ci/check-deploy to run the gateway on it).
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { parseAllDocuments, parse } from "yaml";

const root = path.resolve(process.argv[2] ?? "../..");
const deploy = path.join(root, "deploy");
const here = path.dirname(new URL(import.meta.url).pathname);
const failures = [];
const fail = (where, msg) => failures.push(`${where}: ${msg}`);
const rel = (p) => path.relative(root, p);

function readYaml(file) {
  const docs = parseAllDocuments(fs.readFileSync(file, "utf8"));
  for (const d of docs) {
    if (d.errors.length) throw new Error(`${rel(file)}: ${d.errors[0].message}`);
  }
  return docs.map((d) => d.toJS()).filter((o) => o != null);
}

const KUSTOMIZATION_KEYS = new Set(["apiVersion", "kind", "resources", "components", "patches"]);

function render(dir, expectKind = "Kustomization") {
  const file = path.join(dir, "kustomization.yaml");
  if (!fs.existsSync(file)) throw new Error(`${rel(dir)} has no kustomization.yaml`);
  const [k] = readYaml(file);
  if (k.kind !== expectKind) fail(rel(file), `kind ${k.kind}, expected ${expectKind}`);
  for (const key of Object.keys(k)) {
    if (!KUSTOMIZATION_KEYS.has(key)) fail(rel(file), `'${key}' is not understood by this check`);
  }
  let objects = [];
  for (const r of k.resources ?? []) {
    const p = path.resolve(dir, r);
    if (!fs.existsSync(p)) { fail(rel(file), `resource ${r} does not exist`); continue; }
    objects.push(...(fs.statSync(p).isDirectory() ? render(p)
      : readYaml(p).map((o) => ({ ...o, __file: rel(p) }))));
  }
  for (const c of k.components ?? []) {
    const p = path.resolve(dir, c);
    if (!fs.existsSync(p)) { fail(rel(file), `component ${c} does not exist`); continue; }
    objects = applyComponent(objects, p);
  }
  for (const patch of k.patches ?? []) objects = applyPatch(objects, patch, rel(file));
  return objects;
}

function applyComponent(objects, dir) {
  const [k] = readYaml(path.join(dir, "kustomization.yaml"));
  const own = render(dir, "Component");
  // render() applied the component's patches to its own resources only; apply them to ours too.
  let merged = [...objects];
  for (const patch of k.patches ?? []) merged = applyPatch(merged, patch, rel(dir));
  return [...merged, ...own.filter((o) => !merged.some((m) => same(m, o)))];
}

const same = (a, b) => a.kind === b.kind && a.metadata?.name === b.metadata?.name;

function applyPatch(objects, patch, where) {
  if (!patch.target || typeof patch.patch !== "string") {
    fail(where, "only JSON 6902 patches with a target and an inline patch are understood");
    return objects;
  }
  const ops = parse(patch.patch);
  const matches = objects.filter((o) => o.kind === patch.target.kind
    && o.metadata?.name === patch.target.name);
  if (matches.length === 0 && !where.includes("components")) {
    fail(where, `patch target ${patch.target.kind}/${patch.target.name} matches nothing`);
  }
  return objects.map((o) => (matches.includes(o) ? jsonPatch(structuredClone(o), ops, where) : o));
}

function jsonPatch(obj, ops, where) {
  for (const op of ops) {
    const keys = op.path.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    const last = keys.pop();
    let node = obj;
    for (const key of keys) {
      if (node[key] === undefined) { fail(where, `patch path ${op.path} does not exist`); return obj; }
      node = node[key];
    }
    if (op.op === "add" || op.op === "replace") {
      if (op.op === "replace" && node[last] === undefined) fail(where, `replace ${op.path}: absent`);
      if (Array.isArray(node) && last === "-") node.push(op.value); else node[last] = op.value;
    } else if (op.op === "remove") {
      delete node[last];
    } else {
      fail(where, `patch op ${op.op} is not understood by this check`);
    }
  }
  return obj;
}

// 1. The OpenAPI schema of each object's kind.
async function schemaCheck(o, where) {
  const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : [null, o.apiVersion];
  const module = group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
  let models;
  try { models = await import(module); } catch { fail(where, `unknown apiVersion ${o.apiVersion}`); return; }
  const Model = models[o.kind];
  if (!Model) { fail(where, `unknown kind ${o.kind} in ${o.apiVersion}`); return; }
  const { __file, ...plain } = o;
  try { new Model(plain).validate(); } catch (e) { fail(where, e.message); }
}

// 2. No unknown fields: each object as a literal of its kubernetes-types interface.
const TYPES = {
  "v1/ConfigMap": ["core/v1", "ConfigMap"], "v1/Secret": ["core/v1", "Secret"],
  "v1/Service": ["core/v1", "Service"], "apps/v1/Deployment": ["apps/v1", "Deployment"],
  "policy/v1/PodDisruptionBudget": ["policy/v1", "PodDisruptionBudget"],
};

function typeCheck(all) {
  const dir = fs.mkdtempSync(path.join(here, ".tsc-"));
  try {
    const lines = [];
    all.forEach(({ o, where }, i) => {
      const t = TYPES[`${o.apiVersion}/${o.kind}`];
      if (!t) { fail(where, `no type for ${o.apiVersion}/${o.kind} in this check`); return; }
      const { __file, ...plain } = o;
      lines.push(`// ${where}`,
        `import type { ${t[1]} as T${i} } from "kubernetes-types/${t[0]}";`,
        `export const o${i}: T${i} = ${JSON.stringify(plain, null, 1)};`);
    });
    fs.writeFileSync(path.join(dir, "objects.ts"), lines.join("\n") + "\n");
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({
      compilerOptions: { noEmit: true, strict: true, skipLibCheck: true, types: [],
        module: "commonjs", moduleResolution: "node" },
      files: ["objects.ts"] }));
    try {
      execFileSync(process.execPath, [path.join(here, "node_modules/typescript/bin/tsc"),
        "-p", dir], { cwd: here, encoding: "utf8", stdio: "pipe" });
    } catch (e) {
      const text = (e.stdout || "") + (e.stderr || "");
      const src = fs.readFileSync(path.join(dir, "objects.ts"), "utf8").split("\n");
      for (const line of text.split("\n").filter((l) => l.includes("error TS"))) {
        const n = Number((line.match(/objects\.ts\((\d+),/) ?? [])[1]);
        const owner = src.slice(0, n).reverse().find((l) => l.startsWith("// ")) ?? "";
        fail(owner.slice(3) || "tsc", line.replace(/^.*error /, ""));
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// 3. The links between objects, and the numbers docs/deploying.md promises.
function seconds(text, setting) {
  const m = /^(\d+)(ms|s|m)?$/.exec(String(text ?? ""));
  if (!m) { fail("sluice.yaml", `${setting} should be a duration, was '${text}'`); return NaN; }
  return Number(m[1]) / (m[2] === "ms" ? 1000 : 1) * (m[2] === "m" ? 60 : 1);
}

const matchesLabels = (selector, labels) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);

function linkCheck(name, objects, { replicas }) {
  const find = (kind, n) => objects.find((o) => o.kind === kind && o.metadata.name === n);
  const gw = find("Deployment", "sluice");
  if (!gw) { fail(name, "no Deployment sluice"); return; }
  const pod = gw.spec.template;
  const c = pod.spec.containers.find((x) => x.name === "gateway");
  const where = `${name} Deployment/sluice`;
  if (gw.spec.replicas !== replicas) fail(where, `replicas ${gw.spec.replicas}, expected ${replicas}`);
  if (!matchesLabels(gw.spec.selector.matchLabels, pod.metadata.labels)) {
    fail(where, "the selector does not select its own pods");
  }
  const ports = new Map(c.ports.map((p) => [p.name, p.containerPort]));
  const probe = (kind, pathWanted) => {
    const p = c[kind]?.httpGet;
    if (!p) { fail(where, `no ${kind} over HTTP`); return; }
    if (p.path !== pathWanted) fail(where, `${kind} asks ${p.path}, expected ${pathWanted}`);
    if (!ports.has(p.port) && !Array.from(ports.values()).includes(p.port)) {
      fail(where, `${kind} port ${p.port} is not a container port`);
    }
  };
  probe("livenessProbe", "/healthz");
  probe("startupProbe", "/healthz");
  probe("readinessProbe", "/readyz");

  const sec = pod.spec.securityContext ?? {};
  if (sec.runAsNonRoot !== true || sec.runAsUser !== 10001) {
    fail(where, "should run as non-root user 10001, the image's (Dockerfile USER)");
  }
  if (c.securityContext?.readOnlyRootFilesystem && !c.volumeMounts?.some((m) => m.mountPath === "/tmp")) {
    fail(where, "a read-only root file system needs a writable /tmp for Netty's native library");
  }
  if (c.args?.join(" ") !== "gateway --config /etc/sluice/sluice.yaml") {
    fail(where, `args ${JSON.stringify(c.args)} do not run the gateway on /etc/sluice/sluice.yaml`);
  }

  // The ConfigMap holds sluice.yaml and is mounted where the image reads it.
  const mount = c.volumeMounts?.find((m) => m.mountPath === "/etc/sluice");
  const volume = pod.spec.volumes?.find((v) => v.name === mount?.name);
  const cm = volume?.configMap && find("ConfigMap", volume.configMap.name);
  if (!cm || mount.subPath) {
    fail(where, "a ConfigMap must be mounted as the folder /etc/sluice (no subPath: edits must reach the pod)");
    return;
  }
  if (typeof cm.data?.["sluice.yaml"] !== "string") fail(where, "the ConfigMap has no sluice.yaml");
  const config = parse(cm.data["sluice.yaml"]);

  // terminationGracePeriodSeconds = drain delay + drain timeout + a margin of 5 to 30 s.
  const drain = config?.server?.drain ?? {};
  const need = seconds(drain.delay, "server.drain.delay") + seconds(drain.timeout, "server.drain.timeout");
  const grace = pod.spec.terminationGracePeriodSeconds;
  if (!(grace >= need + 5 && grace <= need + 30)) {
    fail(where, `terminationGracePeriodSeconds ${grace} should be drain delay + timeout (${need} s) + 5..30 s`);
  }
  // The readiness probe notices "not ready" well within the drain delay.
  const r = c.readinessProbe ?? {};
  if ((r.periodSeconds ?? 10) * (r.failureThreshold ?? 3) > seconds(drain.delay, "server.drain.delay")) {
    fail(where, "readinessProbe period x failureThreshold exceeds server.drain.delay");
  }

  // Every ${NAME} without a default in sluice.yaml is set from the Secret or env.
  const provided = new Set((c.env ?? []).map((e) => e.name));
  for (const from of c.envFrom ?? []) {
    const s = from.secretRef && find("Secret", from.secretRef.name);
    if (!s) { fail(where, `envFrom names a Secret that is not here: ${from.secretRef?.name}`); continue; }
    for (const key of Object.keys({ ...s.data, ...s.stringData })) provided.add(key);
  }
  for (const m of cm.data["sluice.yaml"].matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}/g)) {
    if (!m[2] && !provided.has(m[1])) fail(where, `sluice.yaml needs \${${m[1]}}, which nothing sets`);
  }

  // The Service and the PodDisruptionBudget select exactly the gateway's pods, on a named port.
  const svc = find("Service", "sluice");
  if (!svc || !matchesLabels(svc.spec.selector, pod.metadata.labels)) fail(name, "Service sluice does not select the gateway");
  else for (const p of svc.spec.ports) {
    if (!ports.has(p.targetPort)) fail(name, `Service port ${p.name} targets ${p.targetPort}, not a named container port`);
  }
  const pdb = objects.find((o) => o.kind === "PodDisruptionBudget");
  if (!pdb || !matchesLabels(pdb.spec.selector.matchLabels, pod.metadata.labels)) {
    fail(name, "no PodDisruptionBudget selects the gateway");
  } else if (!(pdb.spec.maxUnavailable >= 1 && pdb.spec.maxUnavailable < replicas)) {
    fail(name, `PodDisruptionBudget maxUnavailable ${pdb.spec.maxUnavailable} should leave replicas serving`);
  }
  for (const o of objects) {
    if (o.kind === "Deployment" && o !== gw && !objects.some((s) => s.kind === "Service"
        && matchesLabels(s.spec.selector, o.spec.template.metadata.labels))) {
      fail(name, `Deployment/${o.metadata.name} has no Service`);
    }
  }
  return cm.data["sluice.yaml"];
}

const variants = [
  { name: "deploy/base", dir: path.join(deploy, "base"), replicas: 3 },
  { name: "deploy/overlays/redis", dir: path.join(deploy, "overlays/redis"), replicas: 6, redis: true },
];
const all = [];
let baseConfig = "";
for (const v of variants) {
  let objects;
  try { objects = render(v.dir); } catch (e) { fail(v.name, e.message); continue; }
  const names = objects.map((o) => `${o.kind}/${o.metadata?.name}`);
  if (new Set(names).size !== names.length) fail(v.name, `duplicate objects: ${names}`);
  for (const o of objects) {
    const where = `${v.name} ${o.kind}/${o.metadata?.name}`;
    await schemaCheck(o, where);
    all.push({ o, where });
  }
  const config = linkCheck(v.name, objects, v);
  if (v.redis) {
    const env = objects.find((o) => o.metadata.name === "sluice").spec.template.spec.containers[0].env ?? [];
    if (!env.some((e) => e.name === "SLUICE_REDIS_URL" && e.value === "redis://sluice-redis:6379")) {
      fail(v.name, "the gateway is not given SLUICE_REDIS_URL for the Redis Service");
    }
    if (!objects.some((o) => o.kind === "Service" && o.metadata.name === "sluice-redis")) {
      fail(v.name, "no Service sluice-redis");
    }
  } else {
    baseConfig = config ?? "";
  }
  console.log(`check-deploy: ${v.name}: ${names.join(", ")}`);
}
typeCheck(all);
if (process.argv.includes("--write-config") && baseConfig) {
  fs.writeFileSync(process.argv[process.argv.indexOf("--write-config") + 1], baseConfig);
}
if (failures.length) {
  for (const f of failures) console.error(`check-deploy: ${f}`);
  process.exit(1);
}
console.log(`check-deploy: ${all.length} objects valid against the Kubernetes API schemas and types; links checked`);
