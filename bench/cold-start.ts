// Benchmark 2 — cold start proxy. The handler built exactly as the stack builds it (infra/controller-bundle.ts:
// esbuild with code splitting, platform node, target node22, ESM, minified, every dependency bundled
// including the SDK, the createRequire banner), against a floor built the same way whose entry only imports
// the same SDK clients and xstate. Reported: what Lambda loads at init (the entry and the chunks it imports
// statically) and the whole bundle, the time a fresh `node` takes to import each entry, and (for context, so
// work moved out of the import cannot hide) the handler's first event after its import: building the
// controller from its environment (the policies JSON synth ships) and one Scheduled Event, then loading the
// chunks a rollout's advance defers (the rollout engine, the adapters and their SDK clients: SageMaker,
// CloudWatch, Application Auto Scaling, EventBridge, SQS for its wake-up, S3 and SageMaker Runtime for a
// pre-traffic check).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  bundleController,
  bundleSplit,
  loadedWith,
  PROJECT_ROOT,
  type BundleModule,
  type ControllerBundle,
} from '../infra/controller-bundle';
import { BUNDLED_POLICIES_FILE } from '../infra/rollout-controller';
import { scheduledEvent } from '../src/engine';
import { deployedPoliciesJson } from '../src/policy';
import { median, ms, ratio, verdict, type BenchResult } from './lib';

const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const TARGET = 1.15;
const SIZE_TARGET = 1.3;

const FLOOR_ENTRY = `
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createActor, createMachine } from 'xstate';
export const used = [SageMakerClient, ApplicationAutoScalingClient, CloudWatchClient, EventBridgeClient, DynamoDBClient, DynamoDBDocumentClient, createActor, createMachine];
export const handler = async () => used.length;
`;

/** What one fresh `node` took: the entry's import, and (with `firstEvent`) the handler's answer and after it the deferred chunks' import. */
interface Timing {
  load: number;
  firstEvent?: number;
  deferred?: number;
}

interface FirstEvent {
  event: unknown;
  env: Record<string, string>;
  /** Loaded after the event, timed apart: the chunks a rollout's advance loads. */
  deferred: string[];
}

function loadTime(file: string, firstEvent?: FirstEvent): Timing {
  const url = pathToFileURL(file).href;
  const deferred = (firstEvent?.deferred ?? []).map((f) => pathToFileURL(f).href);
  // The figures are the last line of stdout (the handler's own logs come before it).
  const code = firstEvent
    ? `const t=performance.now(); const m=await import(${JSON.stringify(url)}); const t1=performance.now(); ` +
      `await m.handler(${JSON.stringify(firstEvent.event)}); const t2=performance.now(); ` +
      `await Promise.all(${JSON.stringify(deferred)}.map((u)=>import(u))); ` +
      'console.log(JSON.stringify({load:t1-t,firstEvent:t2-t1,deferred:performance.now()-t2}))'
    : `const t=performance.now(); await import(${JSON.stringify(url)}); console.log(JSON.stringify({load:performance.now()-t}))`;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', AWS_REGION: 'us-east-1', ...firstEvent?.env },
  });
  let timing: Timing | undefined;
  try {
    timing = JSON.parse(out.stdout.trim().split('\n').pop() ?? '') as Timing;
  } catch {
    timing = undefined;
  }
  if (out.status !== 0 || !Number.isFinite(timing?.load)) {
    throw new Error(`loading ${file} failed (${out.status}): ${out.stderr.slice(0, 500)}`);
  }
  return timing!;
}

/** Output bytes of some modules grouped by npm package (or by top-level folder for the project's own code). */
function bytesByPackage(modules: readonly BundleModule[]): Map<string, number> {
  const by = new Map<string, number>();
  for (const module of modules) {
    for (const [input, bytes] of Object.entries(module.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = match ? match[1]! : `(project) ${input.split('/')[0]}`;
      by.set(key, (by.get(key) ?? 0) + bytes);
    }
  }
  return by;
}

const bytesOf = (modules: readonly BundleModule[]) => modules.reduce((sum, m) => sum + m.bytes, 0);

/**
 * The chunks the project's own import()s load, less what init has loaded already: what advancing a rollout
 * can add (the SDK's own import()s, of credential providers Lambda never uses, are not counted).
 */
function deferredByProject(bundle: ControllerBundle, atInit: readonly BundleModule[]): BundleModule[] {
  const targets = new Set<string>();
  for (const [source, input] of Object.entries(bundle.metafile.inputs)) {
    if (source.includes('node_modules/')) continue;
    for (const i of input.imports) if (i.kind === 'dynamic-import' && !i.external) targets.add(i.path);
  }
  const loaded = new Set(atInit.map((m) => m.file));
  const deferred = new Map<string, BundleModule>();
  for (const entry of bundle.modules.filter((m) => m.entryPoint !== undefined && targets.has(m.entryPoint))) {
    for (const m of loadedWith(bundle.modules, entry.file)) if (!loaded.has(m.file)) deferred.set(m.file, m);
  }
  return [...deferred.values()];
}

export async function coldStart(): Promise<BenchResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sm-rollout-bench-'));
  try {
    const handlerDir = path.join(dir, 'handler');
    const floorDir = path.join(dir, 'floor');
    const t0 = performance.now();
    const built = bundleController(handlerDir);
    const buildMs = performance.now() - t0;
    const floorBuilt = bundleSplit({ contents: FLOOR_ENTRY, sourcefile: 'floor-entry.ts' }, floorDir);
    const handlerFile = path.join(handlerDir, built.entry);
    const floorFile = path.join(floorDir, floorBuilt.entry);
    const handlerInit = loadedWith(built.modules, built.entry);
    const floorInit = loadedWith(floorBuilt.modules, floorBuilt.entry);
    const deferred = deferredByProject(built, handlerInit);
    // The handler's environment as the stack sets it, with the memory store so nothing calls AWS: the
    // first event is a Scheduled Event with no rollout due (the minute-by-minute case).
    const policiesFile = path.join(handlerDir, BUNDLED_POLICIES_FILE);
    writeFileSync(policiesFile, deployedPoliciesJson(path.join(PROJECT_ROOT, 'examples/policies.yaml')));
    const firstEvent: FirstEvent = {
      event: scheduledEvent({
        id: 'bench-cold-start',
        at: Date.parse('2026-01-01T00:00:00Z'),
        account: '123456789012',
        region: 'us-east-1',
      }),
      env: {
        ROLLOUT_STORE: 'memory',
        ROLLOUT_POLICIES_FILE: policiesFile,
        ROLLOUT_EVENT_BUS: 'sm-rollout-lifecycle',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
      deferred: deferred.map((m) => path.join(handlerDir, m.file)),
    };
    const size = {
      entry: bytesOf(handlerInit),
      entryFile: built.modules.find((m) => m.file === built.entry)!.bytes,
      floor: bytesOf(floorInit),
      floorFile: floorBuilt.modules.find((m) => m.file === floorBuilt.entry)!.bytes,
      all: bytesOf(built.modules),
      floorAll: bytesOf(floorBuilt.modules),
      deferred: bytesOf(deferred),
    };

    // Warm the file cache, then alternate so drift on a noisy machine hits both alike.
    loadTime(handlerFile, firstEvent);
    loadTime(floorFile);
    const handlerTimes: number[] = [];
    const firstEventTimes: number[] = [];
    const deferredTimes: number[] = [];
    const floorTimes: number[] = [];
    const runHandler = () => {
      const timing = loadTime(handlerFile, firstEvent);
      handlerTimes.push(timing.load);
      firstEventTimes.push(timing.firstEvent ?? Number.NaN);
      deferredTimes.push(timing.deferred ?? Number.NaN);
    };
    for (let i = 0; i < RUNS; i++) {
      if (i % 2 === 0) {
        runHandler();
        floorTimes.push(loadTime(floorFile).load);
      } else {
        floorTimes.push(loadTime(floorFile).load);
        runHandler();
      }
    }
    const byPackageTable = (title: string, handlerModules: BundleModule[], floorModules: BundleModule[]) => {
      const handlerBy = bytesByPackage(handlerModules);
      const floorBy = bytesByPackage(floorModules);
      const rows = [...handlerBy.entries()]
        .map(([pkg, bytes]) => ({ pkg, bytes, extra: bytes - (floorBy.get(pkg) ?? 0) }))
        .sort((a, b) => b.extra - a.extra)
        .slice(0, 12);
      const extraOf = (match: (pkg: string) => boolean) =>
        [...handlerBy.entries()]
          .filter(([pkg]) => match(pkg))
          .reduce((sum, [pkg, bytes]) => sum + bytes - (floorBy.get(pkg) ?? 0), 0);
      return {
        table: {
          title,
          headers: ['package / source', 'bytes in handler', 'bytes in floor', 'extra'],
          rows: rows.map((c) => [c.pkg, kb(c.bytes), kb(floorBy.get(c.pkg) ?? 0), kb(c.extra)]),
        },
        extraOf,
      };
    };
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    const atInit = byPackageTable(
      'Where the extra bytes loaded at init are (esbuild metafile, minified output bytes by package; entry and its static chunks)',
      handlerInit,
      floorInit,
    );
    const whole = byPackageTable(
      'The whole bundle by package (every chunk, loaded or not)',
      built.modules,
      floorBuilt.modules,
    );
    const extra = {
      zod: atInit.extraOf((pkg) => pkg === 'zod'),
      project: atInit.extraOf((pkg) => pkg.startsWith('(project)')),
      powertools: atInit.extraOf((pkg) => pkg.startsWith('@aws-lambda-powertools/')),
      sdk: atInit.extraOf((pkg) => pkg.startsWith('@aws-sdk/') || pkg.startsWith('@smithy/')),
    };
    const deferredBy = bytesByPackage(deferred);
    const deferredList = [...deferredBy.entries()]
      .sort((a, b) => b[1] - a[1])
      .filter(([, bytes]) => bytes >= 1024)
      .map(([pkg, bytes]) => `${pkg} ${kb(bytes)}`)
      .join(', ');
    const load = { handler: median(handlerTimes), floor: median(floorTimes) };
    const firstEventMs = median(firstEventTimes);
    const deferredMs = median(deferredTimes);
    const overSizeTarget = size.entry - SIZE_TARGET * size.floor;
    const loadRatio = load.handler / load.floor;
    const sizeRatio = size.entry / size.floor;
    const chunks = (n: number) => `${n} file${n === 1 ? '' : 's'}`;
    return {
      name: 'Cold start proxy',
      figures: [
        `loaded at init (entry + the chunks it imports statically): handler ${kb(size.entry)} in ${chunks(handlerInit.length)}, ` +
          `floor ${kb(size.floor)} in ${chunks(floorInit.length)} (${ratio(sizeRatio)}, ${verdict(sizeRatio, SIZE_TARGET)})`,
        `module load (median of ${RUNS} fresh node processes): handler ${ms(load.handler)}, floor ${ms(load.floor)}, ` +
          `ratio ${ratio(loadRatio)} (${verdict(loadRatio, TARGET)})`,
        `whole bundle (every chunk): handler ${kb(size.all)} in ${chunks(built.modules.length)}, floor ${kb(size.floorAll)} ` +
          `in ${chunks(floorBuilt.modules.length)} (context: what the asset ships, not what a cold start loads)`,
        `then the handler's first event (controller built from the environment + one Scheduled Event, nothing due): ` +
          `${ms(firstEventMs)}; the first event that advances a rollout also loads the deferred chunks ` +
          `(${kb(size.deferred)}): ${ms(deferredMs)} more, ${ms(firstEventMs + deferredMs)} in all (context, no target)`,
      ],
      tables: [
        {
          headers: [
            'bundle',
            'entry file',
            'loaded at init',
            'module load (median)',
            'min',
            'max',
            'ratio to floor',
            'first event (median)',
            'deferred chunks (median)',
          ],
          rows: [
            [
              'handler (src/handlers/controller.ts)',
              kb(size.entryFile),
              kb(size.entry),
              ms(load.handler),
              ms(Math.min(...handlerTimes)),
              ms(Math.max(...handlerTimes)),
              `load ${ratio(loadRatio)}, size ${ratio(sizeRatio)}`,
              ms(firstEventMs),
              `${ms(deferredMs)} (${kb(size.deferred)})`,
            ],
            [
              'floor (SDK clients + xstate only)',
              kb(size.floorFile),
              kb(size.floor),
              ms(load.floor),
              ms(Math.min(...floorTimes)),
              ms(Math.max(...floorTimes)),
              '1.00×',
              '',
              '',
            ],
          ],
        },
        atInit.table,
        whole.table,
      ],
      notes: [
        `Built with esbuild ${process.env.npm_package_devDependencies_esbuild ?? '0.28'} by bundleController / ` +
          'bundleSplit of infra/controller-bundle.ts, the build the stack ships (the floor with the same options): ' +
          'splitting, platform node, target node22, format esm, mainFields module,main, the createRequire banner, ' +
          `minify, source maps, nothing external (the pinned SDK is bundled). Handler build took ${ms(buildMs, 0)}. ` +
          '"Loaded at init" is the entry and every chunk it imports statically, transitively (esbuild metafile): what ' +
          'Node reads and compiles before the handler runs; it is the size compared with the target. Chunks behind ' +
          "an import() load when that code runs, including the SDK's own lazy credential providers (SSO, STS, INI, " +
          'IMDS…), which Lambda, with credentials in its environment, never loads; the floor, built the same way, ' +
          'leaves them out of its init too.',
        'The floor entry imports SageMakerClient, ApplicationAutoScalingClient, CloudWatchClient, EventBridgeClient, ' +
          'DynamoDBClient, DynamoDBDocumentClient and xstate (createActor, createMachine) and exports them so nothing is ' +
          'tree-shaken away.',
        `Load time: \`node --input-type=module -e "const t=performance.now(); await import('file://…/index.mjs'); ` +
          `console.log(performance.now()-t)"\`, ${RUNS} runs each, alternating handler/floor, after one warm-up each; ` +
          'the process start-up itself is outside the measured span. In the same handler process the bench then calls ' +
          "the handler once with a Scheduled Event, in the stack's environment but with ROLLOUT_STORE=memory (nothing " +
          'calls AWS): that first event builds the controller (reads and checks the policies JSON synth ships, builds the ' +
          'DynamoDB client and the other clients\u2019 and adapters\u2019 loaders) and runs a tick with nothing due: what a cold function does after the import before it answers. It has no floor, so it ' +
          'is context, not a ratio; it is here so that work moved out of the import into the first event stays visible. ' +
          'Then it imports the deferred chunks: every chunk behind an import() in the project\u2019s own code that init ' +
          `has not loaded (${deferredList}). An event that advances a rollout loads the engine (RolloutController imports ` +
          'src/engine/engine.ts with import(): the machine, its effects and actors, XState), the SageMaker adapter and ' +
          'client (every step reads the endpoint), CloudWatch when it reads alarms, EventBridge when it publishes, ' +
          'Application Auto Scaling around an update of a scaled variant, SQS when it schedules a wake-up, S3 and ' +
          'SageMaker Runtime when it runs a pre-traffic check; so this is what such a first event adds at most (each chunk ' +
          'once per container); the AWS calls themselves are not measured (nothing here calls AWS).',
        `What init loads over the floor: zod ${kb(extra.zod)} (every boundary validates with it: events ` +
          `in, stored snapshots, start requests, the policies), the project's own code ${kb(extra.project)} (controller, ` +
          `intake, the DynamoDB store, the policy rules and the start-request checks they share), Powertools Logger and Metrics ` +
          `${kb(extra.powertools)}, and SDK code beyond what the floor loads of the same packages ${kb(extra.sdk)} ` +
          '(@aws-sdk/core, @smithy/core, the DynamoDB document client the store uses). ' +
          'Init holds one AWS client, DynamoDB: ' +
          'a Scheduled Event with nothing due only queries the rollout store. Not loaded at init: the rollout engine with ' +
          'XState, which the floor loads (the engine chunk); every adapter (src/aws/controller-adapters.ts imports each on ' +
          "its port's first call) and every other client, SageMaker, CloudWatch, Application Auto Scaling, EventBridge, " +
          'SQS, SageMaker Runtime and S3 (src/aws/clients.ts builds them on first use with import() of a src/aws/lazy-*.ts ' +
          'that re-exports only the client and the commands sent, so the chunk holds no other command); and the file ' +
          'and memory stores (src/handlers/environment.ts imports the store ROLLOUT_STORE names; the stack names DynamoDB). ' +
          'Not in the bundle at all: yaml (synth ships the policies as JSON, src/policy/deployed.ts reads them) and ' +
          '@aws-sdk/client-cloudformation (only the CLI reads stack outputs; its clients, built at once, are in ' +
          'src/aws/cli-clients.ts, which the Lambda never imports: esbuild puts a package a module imports statically in ' +
          "init's chunks even when the code using it is never called).",
        'What stays at init, and why: zod and the project code that validates with it, because the cold start checks ' +
          'the policies JSON (src/policy/schema.ts and the start-request rules it shares: judge settings, pre-traffic ' +
          'check, native deployment, plan compilation) and every event is parsed at the boundary (src/engine/intake.ts); ' +
          'the controller (src/engine/controller.ts and its static imports: start-request, plan, undo, the machine’s ' +
          'describe/facts for isTerminal); the DynamoDB store; Powertools Logger and Metrics (every event logs and ' +
          'flushes). What would close the rest of the gap: zod/mini for the schemas (measured in the first pass: about ' +
          '60 KiB less, at the cost of rewriting 7 schema files); ' +
          'Powertools Metrics behind an import() on the first metric counted (about 12 KiB; not done: Powertools ' +
          'warns "No application metrics to publish" on every empty flush, and skipping that flush would change the ' +
          "function's logs); the controller loading start-request/plan/undo code only on an approval or a command " +
          "(an import() in src/engine/controller.ts, which this pass did not edit; most of it stays for the policies' check anyway).",
        `Targets: load ≤ ${TARGET}× (${verdict(loadRatio, TARGET)}), size at init ≤ ${SIZE_TARGET}× (${verdict(sizeRatio, SIZE_TARGET)}` +
          `${overSizeTarget > 0 ? `: ${kb(overSizeTarget)} too many` : ''}). Load does not follow size closely: taking ` +
          'the SageMaker, CloudWatch, Application Auto Scaling and EventBridge clients and the adapters out of init ' +
          '(about 100 KiB) moved the load ratio only from 1.66× and 1.63× to 1.63× and 1.58× (two alternating pairs of ' +
          '31-run measurements of the earlier build and this one, measured once when this note was written, not by this ' +
          'bench). A CPU profile of the import (3 runs, same note) splits it into compiling the ES modules ' +
          '(compileSourceTextModule) about 36 ms, zod\u2019s own code running during the import about 22 ms (self time in ' +
          'the chunk holding zod: its classes and the project\u2019s schemas being built as the modules load), and Node\u2019s own built-in modules ' +
          'about 16 ms. The SDK clients were mostly definitions, so they cost little to load; zod runs code when it is ' +
          'imported. What would move the load ratio is therefore zod/mini or building the schemas on first use rather than ' +
          'more chunks.',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
