// A client an adapter is given either built (tests, the CLI) or as a loader that imports its SDK package on
// first use and then keeps it (the controller Lambda: the package sits in a chunk of the bundle that only
// the events needing it load; createControllerClients in clients.ts).

/** A built client, or the loader of one. */
export type ClientSource<T> = T | (() => Promise<T>);

/** The client `source` is or loads. SDK clients are objects, never functions. */
export async function clientOf<T extends object>(source: ClientSource<T>): Promise<T> {
  return typeof source === 'function' ? (source as () => Promise<T>)() : source;
}

/** `load`, run once: every later call gets the same promise (the same client). */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    // A failed load (it cannot fail short of a broken bundle) is not kept, so the next call tries again.
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}

/**
 * The client `source` is or loads, and the module of SDK commands `commands` imports (a src/aws/lazy-*.ts):
 * what an adapter needs for a call, both loaded on its first call and kept by Node's module cache after.
 */
export async function clientWith<T extends object, M>(
  source: ClientSource<T>,
  commands: () => Promise<M>,
): Promise<[T, M]> {
  return Promise.all([clientOf(source), commands()]);
}

/** Every member name of a port, each `true`: listed once where a port is built, checked by the compiler. */
export type PortMethods<T> = { readonly [K in keyof T]-?: true };

/**
 * A port whose adapter module is imported and built on the port's first call, then kept (`load` does both:
 * the controller Lambda's adapters, src/aws/controller-adapters.ts). Every member of the port is named in
 * `methods`, optional ones too (the adapter must implement them), so the object has the port's whole
 * surface before anything loads; a port's members are all async methods, so each simply awaits the adapter.
 */
export function onFirstCall<T extends object>(load: () => Promise<T>, methods: PortMethods<T>): T {
  const adapter = loadOnce(load);
  const port: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of Object.keys(methods)) {
    port[name] = async (...args) => {
      const target = (await adapter()) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      const method = target[name];
      if (typeof method !== 'function') throw new TypeError(`the adapter has no method ${name}`);
      return method.apply(target, args);
    };
  }
  return port as unknown as T;
}
