/**
 * Lab-name prefixes AWS refuses in a name derived from the lab name. Only prefixes
 * matter: the two names that start with the lab name are the hosts' security groups
 * (`<name>-<student>-ssh`) and the data-lake bucket (`<name>-lake-` + Terraform's unique
 * suffix). S3's reserved suffixes (`-s3alias`, `--ol-s3`, `.mrap`, `--x-s3`,
 * `--table-s3`) cannot occur: the bucket name always ends in that unique suffix of digits.
 */

interface ReservedPrefix {
  readonly prefix: string;
  /** Which AWS rule refuses it, for the message. */
  readonly refusedBy: string;
}

const BUCKET = 'S3 refuses at the start of bucket names (the data lake is "<name>-lake-…")';

export const RESERVED_NAME_PREFIXES: readonly ReservedPrefix[] = [
  {
    prefix: 'sg-',
    refusedBy:
      'EC2 refuses at the start of security group names (the hosts\' groups are "<name>-<student>-ssh")',
  },
  { prefix: 'xn--', refusedBy: BUCKET },
  // Also covers "sthree-configurator", which S3 lists separately.
  { prefix: 'sthree-', refusedBy: BUCKET },
  { prefix: 'amzn-s3-demo-', refusedBy: BUCKET },
];

/** Why AWS would refuse a resource named after this lab name, or undefined. */
export function reservedNameProblem(name: string): string | undefined {
  const hit = RESERVED_NAME_PREFIXES.find((r) => name.startsWith(r.prefix));
  return hit
    ? `${JSON.stringify(name)} starts with ${JSON.stringify(hit.prefix)}, which ${hit.refusedBy}`
    : undefined;
}
