/** The Kinesis client of `tail`, `status` and the offline lab (see ../aws-sdk/clients). */
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { awsClientConfig } from '../aws-sdk/clients';

export interface KinesisTarget {
  readonly region: string;
  /** Local emulator URL, e.g. http://127.0.0.1:4567; absent = AWS_ENDPOINT_URL(_KINESIS) or AWS. */
  readonly endpoint?: string;
}

export function kinesisClient(target: KinesisTarget): KinesisClient {
  return new KinesisClient(awsClientConfig('Kinesis', target.region, target.endpoint));
}
