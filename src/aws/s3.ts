// ObjectReader over S3: GetObject of an object a policy names (pre-traffic sample requests), read as
// UTF-8 text; an object that does not exist reads as undefined. The S3 SDK package is imported on the first
// read (the client may be a loader, see client-source.ts): only a pre-traffic check reads objects.

import type { S3Client } from '@aws-sdk/client-s3';
import type { ObjectReader } from '../engine/ports';
import { callAws } from './classify-error';
import { clientOf, type ClientSource } from './client-source';

export class S3ObjectReader implements ObjectReader {
  constructor(private readonly client: ClientSource<S3Client>) {}

  async getText(bucket: string, key: string): Promise<string | undefined> {
    // NoSuchKey (404) and NoSuchBucket are "not found". A reader without s3:ListBucket on the bucket
    // gets 403 AccessDenied for a missing key instead ("If you don't have the s3:ListBucket permission,
    // Amazon S3 returns an HTTP status code 403", GetObject API reference): that stays an error whose
    // message the caller shows with both explanations.
    return callAws(
      'GetObject',
      async () => {
        const [client, { GetObjectCommand }] = await Promise.all([
          clientOf(this.client),
          import('./lazy-s3.js'),
        ]);
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return out.Body === undefined ? '' : out.Body.transformToString('utf-8');
      },
      { 'not-found': undefined },
    );
  }
}
