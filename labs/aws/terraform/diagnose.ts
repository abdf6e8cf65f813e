/**
 * Turns terraform's stderr into one sentence that says what to do. The raw text stays
 * available (STREAMLAB_DEBUG=1) but users first see the cause they can act on.
 */
import { streamlab } from '../../../config/command-form';

interface Known {
  readonly pattern: RegExp;
  readonly advice: string;
}

const KNOWN: readonly Known[] = [
  {
    pattern:
      /No valid credential sources found|failed to refresh cached credentials|no EC2 IMDS role found/i,
    advice:
      'no AWS credentials: run `aws configure` or `aws sso login`, or export AWS_PROFILE / AWS_ACCESS_KEY_ID',
  },
  {
    pattern: /ExpiredToken|token included in the request is expired|security token .* expired/i,
    advice: 'your AWS credentials have expired: refresh them (e.g. `aws sso login`) and run again',
  },
  {
    pattern: /InvalidClientTokenId|SignatureDoesNotMatch/i,
    advice:
      'AWS rejected the credentials (wrong key or secret): check AWS_PROFILE / your access keys',
  },
  {
    pattern: /invalid AWS Region|UnrecognizedClientException.*region|Invalid region/i,
    advice: 'AWS does not know that region: fix `region` in your config',
  },
  {
    pattern:
      /Failed to query available provider packages|could not connect to registry|Failed to install provider/i,
    advice:
      'terraform could not download the AWS provider: check your network or proxy, or set up a provider mirror (TF_CLI_CONFIG_FILE)',
  },
  {
    pattern: /Backend configuration changed|Backend initialization required/i,
    advice:
      'the state backend changed (config.backend added, removed or edited): run `terraform init -migrate-state` once in the stack directory to move the state, then run again',
  },
  {
    pattern: /Error acquiring the state lock/i,
    advice:
      'another terraform run holds the state lock: wait for it, or `terraform force-unlock` if it crashed',
  },
  {
    // An interrupted apply (or another tool) made it; up adopts the lab's own by name.
    pattern:
      /EntityAlreadyExists|ResourceInUseException|ResourceAlreadyExistsException|InvalidKeyPair\.Duplicate|BucketAlreadyOwnedByYou/,
    advice: `a resource of the lab's exists in AWS but not in terraform's state: run \`${streamlab('up')}\` again, it finds the lab's resources by name and adopts them (import) before it plans`,
  },
  {
    pattern: /UnauthorizedOperation|AccessDenied|not authorized to perform/i,
    advice: 'AWS denied an action: your identity lacks a permission (the message below names it)',
  },
];

/** First line of advice for a failed terraform command, or undefined when unknown. */
export function adviceFor(stderr: string): string | undefined {
  return KNOWN.find((k) => k.pattern.test(stderr))?.advice;
}

/**
 * The `Error: ...` lines terraform printed, without box-drawing decoration, each with
 * terraform's own context when it gave one (`with aws_instance.x`, `on cdk.tf.json line
 * 12, in resource …`): which resource and which line of the stack the error is about.
 */
export function errorLines(stderr: string): string[] {
  const errors: string[] = [];
  let context: string[] | undefined;
  const flush = (summary: string | undefined) => {
    if (summary === undefined) return;
    const line = context?.length ? `${summary} (${context.join('; ')})` : summary;
    if (!errors.includes(line)) errors.push(line);
  };
  let summary: string | undefined;
  for (const raw of stderr.split('\n')) {
    const l = raw.replace(/^[│╷╵]\s?/, '').trimEnd();
    if (l.startsWith('Error:')) {
      flush(summary);
      summary = l;
      context = [];
      continue;
    }
    const where = /^\s+(with \S+?|on \S+ line \d+(?:, in [^:]+)?),?:?$/.exec(l);
    if (summary !== undefined && where) context!.push(where[1]!);
  }
  flush(summary);
  return errors;
}
