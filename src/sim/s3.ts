// Simulated S3, as far as sm-rollout reads it: objects a test or the demo puts, read back whole
// (GetObject). What a policy's pre-traffic sample requests (`s3://bucket/key`) come from.
import { AwsServiceException } from './aws-errors';

export interface SimObject {
  bucket: string;
  key: string;
  text: string;
}

export class SimS3 {
  private readonly objects = new Map<string, string>();

  putObject(bucket: string, key: string, text: string): void {
    this.objects.set(`${bucket}/${key}`, text);
  }

  /**
   * GetObject. A key that does not exist: "NoSuchKey — The specified key does not exist." (Amazon S3
   * API reference, Error responses; HTTP 404). The sim keeps no bucket list, so a missing bucket reads
   * as a missing key (S3 would say NoSuchBucket).
   */
  getObject(bucket: string, key: string): string {
    const text = this.objects.get(`${bucket}/${key}`);
    if (text === undefined) throw new AwsServiceException('NoSuchKey', 'The specified key does not exist.');
    return text;
  }

  exportState(): SimObject[] {
    return [...this.objects].map(([path, text]) => {
      const slash = path.indexOf('/');
      return { bucket: path.slice(0, slash), key: path.slice(slash + 1), text };
    });
  }

  importState(objects: readonly SimObject[] | undefined): void {
    for (const o of objects ?? []) this.putObject(o.bucket, o.key, o.text);
  }
}
