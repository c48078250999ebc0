// How the controller Lambda defers an adapter: a port built with onFirstCall has the port's whole surface at
// once, imports and builds its adapter on the first call (once, however many calls race), answers as the
// adapter does, and tries the import again after a failed one.

import { loadOnce, onFirstCall } from '../../src/aws/client-source';
import type { ObjectReader, WakeUpScheduler } from '../../src/engine/ports';

class CountingReader implements ObjectReader {
  readonly asked: string[] = [];
  async getText(bucket: string, key: string): Promise<string | undefined> {
    this.asked.push(`${bucket}/${key}`);
    return key === 'missing.jsonl' ? undefined : `{"from":"${bucket}/${key}"}`;
  }
}

describe('onFirstCall', () => {
  it('builds the adapter on the first call, not before, and only once however many calls race', async () => {
    const reader = new CountingReader();
    const load = jest.fn(async () => reader);
    const port = onFirstCall<ObjectReader>(load, { getText: true });
    expect(typeof port.getText).toBe('function');
    expect(load).not.toHaveBeenCalled();

    const answers = await Promise.all([
      port.getText('samples', 'churn.jsonl'),
      port.getText('samples', 'missing.jsonl'),
    ]);

    expect(answers).toEqual(['{"from":"samples/churn.jsonl"}', undefined]);
    expect(load).toHaveBeenCalledTimes(1);
    await port.getText('samples', 'again.jsonl');
    expect(load).toHaveBeenCalledTimes(1);
    expect(reader.asked).toEqual(['samples/churn.jsonl', 'samples/missing.jsonl', 'samples/again.jsonl']);
  });

  it("passes the adapter's own errors through unchanged", async () => {
    const port = onFirstCall<WakeUpScheduler>(
      async () => ({
        wakeAt: async () => {
          throw new Error('SendMessage failed: AccessDenied');
        },
      }),
      { wakeAt: true },
    );
    await expect(port.wakeAt('r-1', 0)).rejects.toThrow('SendMessage failed: AccessDenied');
  });

  it('imports again on the next call after an import failed', async () => {
    let attempts = 0;
    const port = onFirstCall<ObjectReader>(
      async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('chunk not found');
        return new CountingReader();
      },
      { getText: true },
    );
    await expect(port.getText('samples', 'a.jsonl')).rejects.toThrow('chunk not found');
    await expect(port.getText('samples', 'a.jsonl')).resolves.toBe('{"from":"samples/a.jsonl"}');
    expect(attempts).toBe(2);
  });
});

describe('loadOnce', () => {
  it('gives every call the same value', async () => {
    const load = loadOnce(async () => ({ built: Symbol('client') }));
    expect(await load()).toBe(await load());
  });
});
