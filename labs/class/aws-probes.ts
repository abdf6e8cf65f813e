/**
 * What only the AWS lab has to measure per student: the newest object under their lake
 * prefix (where their Firehose delivers), and their reader role's trust (config `consumer`).
 * Each returns what it found or the error, never throws: one student's failure is a reason
 * on their row, not the end of the check.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { GetRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import { lakePrefixFor } from '../../config/hosts';
import type { LakeListing, RoleCheck } from './milestones';

export async function newestLakeObject(
  s3: S3Client,
  bucket: string,
  student: string,
  now = Date.now(),
): Promise<LakeListing> {
  try {
    // Keys sort by hour partition, so one page (up to 1,000 objects) holds the newest
    // only when it is the last; any object passes the milestone, the age is a courtesy.
    const res = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: lakePrefixFor(student), MaxKeys: 1000 }),
    );
    const newest = (res.Contents ?? [])
      .filter((o) => o.Key && o.LastModified)
      .sort((a, b) => b.LastModified!.getTime() - a.LastModified!.getTime())[0];
    return {
      newest: newest
        ? { key: newest.Key!, ageSeconds: (now - newest.LastModified!.getTime()) / 1000 }
        : null,
    };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

export interface ConsumerTrust {
  /** Role or account ARN, or 12-digit account id (config consumer.readerPrincipal). */
  readonly principal: string;
  /** The student's own sts:ExternalId (labs/local-state/reader-external-ids.ts). */
  readonly externalId: string;
}

/**
 * Whether the reader role lets the consumer's principal assume it with the agreed external
 * id. The operator cannot call AssumeRole as that principal (a Databricks cluster's role),
 * so the role's trust policy as IAM stores it is what is checked.
 */
export async function readerRoleTrust(
  iam: IAMClient,
  roleArn: string,
  consumer: ConsumerTrust,
): Promise<RoleCheck> {
  const roleName = roleArn.split('/').at(-1)!;
  let document: string | undefined;
  try {
    document = (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role
      ?.AssumeRolePolicyDocument;
  } catch (e) {
    return { error: (e as Error).message };
  }
  if (!document) return { problem: 'it has no trust policy' };
  return trustProblem(JSON.parse(decodeURIComponent(document)) as PolicyDocument, consumer);
}

interface Statement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Principal?: { readonly AWS?: string | string[] } | string;
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}
interface PolicyDocument {
  readonly Statement?: Statement | Statement[];
}

const list = <T>(v: T | T[] | undefined): T[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** The principal as IAM may store it: an account id becomes `arn:aws:iam::<id>:root`. */
const principalForms = (p: string) => (/^\d{12}$/.test(p) ? [p, `arn:aws:iam::${p}:root`] : [p]);

/** Why the trust policy does not let the consumer in; `{}` when it does. */
export function trustProblem(doc: PolicyDocument, consumer: ConsumerTrust): RoleCheck {
  const forms = principalForms(consumer.principal);
  const allowing = list(doc.Statement).filter(
    (s) =>
      s.Effect === 'Allow' &&
      list(s.Action).includes('sts:AssumeRole') &&
      typeof s.Principal === 'object' &&
      list(s.Principal.AWS).some((p) => forms.includes(p)),
  );
  if (allowing.length === 0)
    return { problem: `its trust policy does not allow ${consumer.principal} to assume it` };
  const withId = allowing.some((s) =>
    list(s.Condition?.StringEquals?.['sts:ExternalId']).includes(consumer.externalId),
  );
  return withId
    ? {}
    : { problem: `its trust policy does not require the student's own sts:ExternalId` };
}
