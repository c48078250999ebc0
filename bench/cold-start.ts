// Benchmark 2 — cold start proxy. The handler bundled as infra/rollout-controller.ts bundles it
// (esbuild: platform node, target node22, ESM, minified, every dependency bundled including the
// SDK, the createRequire banner), against a floor bundle whose entry only imports the same SDK
// clients and xstate. Reported: sizes and the time a fresh `node` takes to import each bundle.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { median, ms, ratio, verdict, type BenchResult } from './lib';

const ROOT = path.resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const TARGET = 1.15;

/** The bundling options of infra/rollout-controller.ts (NodejsFunction.bundling), as esbuild options. */
const INFRA_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  mainFields: ['module', 'main'],
  banner: {
    js: "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);",
  },
  minify: true,
  external: [],
  logLevel: 'silent',
};

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

function loadTime(file: string): number {
  const url = pathToFileURL(file).href;
  const code = `const t=performance.now(); await import(${JSON.stringify(url)}); console.log(performance.now()-t)`;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', AWS_REGION: 'us-east-1' },
  });
  const value = Number(out.stdout.trim().split('\n').pop());
  if (out.status !== 0 || !Number.isFinite(value)) {
    throw new Error(`loading ${file} failed (${out.status}): ${out.stderr.slice(0, 500)}`);
  }
  return value;
}

/** Output bytes of a bundle grouped by npm package (or by top-level folder for the project's own code). */
function bytesByPackage(metafile: Metafile): Map<string, number> {
  const by = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = match ? match[1]! : `(project) ${input.split('/')[0]}`;
      by.set(key, (by.get(key) ?? 0) + bytesInOutput);
    }
  }
  return by;
}

export async function coldStart(): Promise<BenchResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sm-rollout-bench-'));
  try {
    const handlerFile = path.join(dir, 'handler', 'index.mjs');
    const floorFile = path.join(dir, 'floor', 'index.mjs');
    const t0 = performance.now();
    const built = await build({
      ...INFRA_OPTIONS,
      metafile: true,
      entryPoints: [path.join(ROOT, 'src/handlers/controller.ts')],
      outfile: handlerFile,
    });
    const buildMs = performance.now() - t0;
    const floorBuilt = await build({
      metafile: true,
      ...INFRA_OPTIONS,
      stdin: { contents: FLOOR_ENTRY, resolveDir: ROOT, loader: 'ts', sourcefile: 'floor-entry.ts' },
      outfile: floorFile,
    });
    writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
    const size = { handler: statSync(handlerFile).size, floor: statSync(floorFile).size };

    // Warm the file cache, then alternate so drift on a noisy machine hits both alike.
    loadTime(handlerFile);
    loadTime(floorFile);
    const handlerTimes: number[] = [];
    const floorTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      if (i % 2 === 0) {
        handlerTimes.push(loadTime(handlerFile));
        floorTimes.push(loadTime(floorFile));
      } else {
        floorTimes.push(loadTime(floorFile));
        handlerTimes.push(loadTime(handlerFile));
      }
    }
    const handlerBy = bytesByPackage(built.metafile!);
    const floorBy = bytesByPackage(floorBuilt.metafile!);
    const contributors = [...handlerBy.entries()]
      .map(([pkg, bytes]) => ({ pkg, bytes, extra: bytes - (floorBy.get(pkg) ?? 0) }))
      .sort((a, b) => b.extra - a.extra)
      .slice(0, 12);
    const load = { handler: median(handlerTimes), floor: median(floorTimes) };
    const loadRatio = load.handler / load.floor;
    const sizeRatio = size.handler / size.floor;
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    return {
      name: 'Cold start proxy',
      figures: [
        `bundle size: handler ${kb(size.handler)}, floor ${kb(size.floor)} (${ratio(sizeRatio)})`,
        `module load (median of ${RUNS} fresh node processes): handler ${ms(load.handler)}, floor ${ms(load.floor)}, ` +
          `ratio ${ratio(loadRatio)} (${verdict(loadRatio, TARGET)})`,
      ],
      tables: [
        {
          headers: ['bundle', 'size', 'module load (median)', 'min', 'max', 'ratio to floor'],
          rows: [
            [
              'handler (src/handlers/controller.ts)',
              kb(size.handler),
              ms(load.handler),
              ms(Math.min(...handlerTimes)),
              ms(Math.max(...handlerTimes)),
              `load ${ratio(loadRatio)}, size ${ratio(sizeRatio)}`,
            ],
            [
              'floor (SDK clients + xstate only)',
              kb(size.floor),
              ms(load.floor),
              ms(Math.min(...floorTimes)),
              ms(Math.max(...floorTimes)),
              '1.00×',
            ],
          ],
        },
        {
          title: 'Where the extra bytes are (esbuild metafile, minified output bytes by package)',
          headers: ['package / source', 'bytes in handler bundle', 'bytes in floor bundle', 'extra'],
          rows: contributors.map((c) => [c.pkg, kb(c.bytes), kb(floorBy.get(c.pkg) ?? 0), kb(c.extra)]),
        },
      ],
      notes: [
        `Bundled with esbuild ${process.env.npm_package_devDependencies_esbuild ?? '0.28'} using the options of ` +
          'infra/rollout-controller.ts: platform node, target node22, format esm, mainFields module,main, the ' +
          `createRequire banner, minify, nothing external (the pinned SDK is bundled); source maps left out (they do not ` +
          `change the code that loads). Handler build took ${ms(buildMs, 0)}.`,
        'The floor entry imports SageMakerClient, CloudWatchClient, EventBridgeClient, DynamoDBClient, ' +
          'DynamoDBDocumentClient and xstate (createActor, createMachine) and exports them so nothing is tree-shaken away.',
        `Load time: \`node --input-type=module -e "const t=performance.now(); await import('file://…/index.mjs'); ` +
          `console.log(performance.now()-t)"\`, ${RUNS} runs each, alternating handler/floor, after one warm-up each; ` +
          'the process start-up itself is outside the measured span. Lambda init also pays the runtime start and reading ' +
          'the policies file, which this proxy leaves out.',
        `Load-time target ≤ ${TARGET}×: ${verdict(loadRatio, TARGET)}. What the handler bundle adds over the floor: the ` +
          'commands the adapters use, Powertools Logger and Metrics, zod (policy schema), yaml (policies file) and the ' +
          'controller, engine, machine and store code.',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
