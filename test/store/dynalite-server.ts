// dynalite (a DynamoDB API server built on LevelDB, in memory) started in-process for the store tests, with
// a fresh table per test made from the store's own table definition. The benchmarks use it too.
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { rolloutTableDefinition } from '../../src/store';

export interface DynaliteServer {
  endpoint: string;
  client(): DynamoDBClient;
  /** Creates a table with a unique name from rolloutTableDefinition and waits until it is ACTIVE. */
  createTable(): Promise<string>;
  /** DynamoDB requests the server received, by operation (X-Amz-Target), since the last reset. */
  requests: Map<string, number>;
  resetRequests(): void;
  close(): Promise<void>;
}

let tableCounter = 0;

export async function startDynalite(): Promise<DynaliteServer> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const requests = new Map<string, number>();
  server.on('request', (req: IncomingMessage) => {
    const target = String(req.headers['x-amz-target'] ?? 'unknown').replace(/^DynamoDB_\d+\./, '');
    requests.set(target, (requests.get(target) ?? 0) + 1);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: DynamoDBClient[] = [];
  const client = () => {
    const c = new DynamoDBClient({
      endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' },
    });
    clients.push(c);
    return c;
  };
  const admin = client();
  return {
    endpoint,
    client,
    requests,
    resetRequests: () => requests.clear(),
    async createTable() {
      tableCounter += 1;
      const name = `rollouts-${process.pid}-${tableCounter}`;
      await admin.send(new CreateTableCommand(rolloutTableDefinition(name)));
      for (;;) {
        const { Table } = await admin.send(new DescribeTableCommand({ TableName: name }));
        if (Table?.TableStatus === 'ACTIVE') return name;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    },
    async close() {
      for (const c of clients) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
