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
