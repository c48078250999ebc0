// A test that tries to leave the machine fails: sockets may only reach loopback addresses
// (in-process servers such as dynalite).
import net from 'node:net';
import tls from 'node:tls';

const loopback = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0']);

function hostOf(args: unknown[]): string | undefined {
  const [first, second] = args;
  if (typeof first === 'object' && first !== null) {
    const o = first as { host?: string; path?: string };
    if (o.path) return 'localhost';
    return o.host ?? 'localhost';
  }
  if (typeof first === 'number') return typeof second === 'string' ? second : 'localhost';
  if (typeof first === 'string') return 'localhost'; // unix socket path
  return undefined;
}

function guard<T extends (...a: never[]) => unknown>(original: T, name: string): T {
  return function guarded(this: unknown, ...args: unknown[]) {
    const host = hostOf(args);
    if (host !== undefined && !loopback.has(host) && !host.startsWith('127.')) {
      throw new Error(
        `test tried to open a network connection to ${host} (${name}); tests must not leave the machine`,
      );
    }
    return (original as unknown as (...a: unknown[]) => unknown).apply(this, args);
  } as unknown as T;
}

net.connect = guard(net.connect, 'net.connect');
net.createConnection = guard(net.createConnection, 'net.createConnection');
tls.connect = guard(tls.connect, 'tls.connect');
