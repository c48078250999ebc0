// How the controller Lambda's code is built: one esbuild build of src/handlers/controller.ts with code
// splitting, so the file Lambda imports at init (index.mjs) holds only what every event needs, and the code
// behind a dynamic import() (the rollout engine, and every AWS client but DynamoDB's with its adapter:
// SageMaker, CloudWatch, Application Auto Scaling, EventBridge, the SQS wake-ups, the pre-traffic check's S3
// and SageMaker Runtime) sits in chunks Node loads the first time an event needs them. The stack (infra/rollout-controller.ts)
// and the cold-start benchmark (bench/cold-start.ts) both build through here, so the figures are the
// stack's. esbuild runs from node_modules (its JS API, no Docker, offline).
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSync, type BuildOptions, type Metafile } from 'esbuild';

/** The repository root: the bundler's project root, and where relative policy paths start. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** The handler's source, and the file (in the asset's root) Lambda imports: handler `index.handler`. */
export const CONTROLLER_ENTRY = path.join(PROJECT_ROOT, 'src/handlers/controller.ts');
export const CONTROLLER_ENTRY_FILE = 'index.mjs';
/** Where the lazily loaded chunks go inside the asset. */
export const CONTROLLER_CHUNKS_DIR = 'chunks';

/**
 * The esbuild options of the controller bundle. NodejsFunction cannot build this: it always passes
 * `--outfile=index.mjs`, and esbuild's code splitting needs `outdir` ("Must use "outdir" when code
 * splitting is enabled"), so the stack runs this build itself.
 */
export const CONTROLLER_BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node22',
  // Splitting works only with ES modules; .mjs makes every file one without a package.json.
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  entryNames: '[name]',
  chunkNames: `${CONTROLLER_CHUNKS_DIR}/[name]-[hash]`,
  // ESM entry points of the dependencies, so esbuild can tree-shake them.
  mainFields: ['module', 'main'],
  // CommonJS dependencies bundled into an ES module still call require() for Node built-ins; every
  // output file (chunks too) gets the banner, as each may hold such a dependency.
  banner: {
    js: "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);",
  },
  minify: true,
  sourcemap: true,
  // Ship the pinned SDK instead of the runtime's.
  external: [],
  logLevel: 'silent',
};

export interface ControllerBundle {
  metafile: Metafile;
  /** The entry file, relative to the output directory (index.mjs for the controller). */
  entry: string;
  /** Every file written, relative to the output directory, with its size in bytes. */
  files: { file: string; bytes: number }[];
  /** The code files (.mjs), relative to the output directory, as esbuild's metafile describes them. */
  modules: BundleModule[];
}

export interface BundleModule {
  file: string;
  bytes: number;
  /** Files it imports statically (loaded with it) and with import() (loaded when that code runs). */
  imports: string[];
  dynamicImports: string[];
  /** The source it is the entry of: the build's entry, or the target of an import(). */
  entryPoint?: string;
  /** Output bytes by source file (paths relative to the project root). */
  inputs: Record<string, number>;
}

/** `file` and every module it imports statically, transitively: what Node loads when it imports `file`. */
export function loadedWith(modules: readonly BundleModule[], file: string): BundleModule[] {
  const byFile = new Map(modules.map((m) => [m.file, m]));
  const loaded = new Map<string, BundleModule>();
  const visit = (name: string) => {
    const module = byFile.get(name);
    if (!module || loaded.has(name)) return;
    loaded.set(name, module);
    module.imports.forEach(visit);
  };
  visit(file);
  return [...loaded.values()];
}

/** Builds the controller into `outDir` (index.mjs, chunks/, source maps). */
export function bundleController(outDir: string): ControllerBundle {
  return bundleSplit({ file: CONTROLLER_ENTRY }, outDir);
}

/**
 * Builds one entry (a file, or source text resolved from the project root: the cold-start benchmark's
 * floor) with CONTROLLER_BUNDLE_OPTIONS into `outDir`. The build runs against a fixed virtual directory
 * inside the project and is then written out, so the source maps' relative paths, and with them the
 * asset's hash, do not depend on where `outDir` is.
 */
export function bundleSplit(
  input: { file: string } | { contents: string; sourcefile: string },
  outDir: string,
): ControllerBundle {
  const virtualDir = path.join(PROJECT_ROOT, 'cdk.out', 'controller-bundle');
  const result = buildSync({
    ...CONTROLLER_BUNDLE_OPTIONS,
    ...('file' in input
      ? { entryPoints: { index: input.file } }
      : {
          stdin: {
            contents: input.contents,
            sourcefile: input.sourcefile,
            resolveDir: PROJECT_ROOT,
            loader: 'ts',
          },
        }),
    outdir: virtualDir,
    absWorkingDir: PROJECT_ROOT,
    metafile: true,
    write: false,
  });
  const files = result.outputFiles.map((output) => {
    const file = path.relative(virtualDir, output.path);
    const target = path.join(outDir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, output.contents);
    return { file, bytes: output.contents.byteLength };
  });
  // Metafile paths are relative to absWorkingDir; the modules' are relative to the output directory.
  const outRelative = (key: string) => path.relative(virtualDir, path.join(PROJECT_ROOT, key));
  const modules = Object.entries(result.metafile.outputs)
    .filter(([key]) => key.endsWith('.mjs'))
    .map(([key, output]) => ({
      file: outRelative(key),
      bytes: output.bytes,
      imports: output.imports
        .filter((i) => i.kind === 'import-statement' && !i.external)
        .map((i) => outRelative(i.path)),
      dynamicImports: output.imports
        .filter((i) => i.kind === 'dynamic-import' && !i.external)
        .map((i) => outRelative(i.path)),
      ...(output.entryPoint === undefined ? {} : { entryPoint: output.entryPoint }),
      inputs: Object.fromEntries(
        Object.entries(output.inputs).map(([source, { bytesInOutput }]) => [source, bytesInOutput]),
      ),
    }));
  const entryPoint = 'file' in input ? path.relative(PROJECT_ROOT, input.file) : input.sourcefile;
  const entry = modules.find((m) => m.entryPoint === entryPoint)?.file;
  if (!entry) throw new Error(`esbuild wrote no output for the entry ${entryPoint}`);
  return { metafile: result.metafile, entry, files, modules };
}
