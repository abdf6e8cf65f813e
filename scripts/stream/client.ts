/**
 * One way to build the Kinesis client. Against a local emulator (kinesalite) the SDK's
 * default HTTP/2-capable handler fails with "Protocol error": force HTTP/1.1.
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface KinesisTarget {
  readonly region: string;
  /** Local emulator URL, e.g. http://127.0.0.1:4567; absent = AWS. */
  readonly endpoint?: string;
}

export function kinesisClient(target: KinesisTarget): KinesisClient {
  if (!target.endpoint) return new KinesisClient({ region: target.region });
  return new KinesisClient({
    region: target.region,
    endpoint: target.endpoint,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 3000, requestTimeout: 10000 }),
    // The emulator accepts any signature; fixed dummy credentials keep the SDK from
    // searching the machine for real ones.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}
