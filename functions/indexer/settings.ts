/**
 * The indexer's configuration, read from the Lambda environment. Every problem names
 * the variable and its value, so a misconfigured stack fails on the first invocation
 * with a message that says what to fix. The region pattern is the config's own (esbuild
 * bundles it, and the contract file it comes from, into the Lambda).
 */
import { REGION } from '../../config/producer-env';

export interface IndexerSettings {
  /** Domain endpoint, always with a scheme: `https://search-lab-abc.us-east-1.es.amazonaws.com`. */
  readonly endpoint: URL;
  /** @default "posts" */
  readonly index: string;
  readonly region: string;
}

export const DEFAULT_INDEX = 'posts';

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): IndexerSettings {
  const problems: string[] = [];
  const endpoint = parseEndpoint(env.OPENSEARCH_ENDPOINT, problems);
  const index =
    env.INDEX_NAME === undefined || env.INDEX_NAME === '' ? DEFAULT_INDEX : env.INDEX_NAME;
  const indexProblem = checkIndexName(index);
  if (indexProblem) problems.push(`INDEX_NAME: ${JSON.stringify(index)} ${indexProblem}`);
  // Lambda always sets AWS_REGION; AWS_DEFAULT_REGION helps when running it elsewhere.
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
  if (!REGION.test(region)) {
    problems.push(`AWS_REGION: ${JSON.stringify(region)} is not an AWS region such as "us-east-1"`);
  }
  if (problems.length > 0 || !endpoint) {
    throw new SettingsError(`indexer misconfigured:\n  ${problems.join('\n  ')}`);
  }
  return { endpoint, index, region };
}

function parseEndpoint(raw: string | undefined, problems: string[]): URL | undefined {
  if (!raw) {
    problems.push(
      'OPENSEARCH_ENDPOINT: not set (the domain endpoint, e.g. "search-lab-abc.us-east-1.es.amazonaws.com")',
    );
    return undefined;
  }
  // The domain's `endpoint` attribute has no scheme; OpenSearch Service is HTTPS only.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    problems.push(`OPENSEARCH_ENDPOINT: ${JSON.stringify(raw)} is not a URL or host name`);
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push(`OPENSEARCH_ENDPOINT: ${JSON.stringify(raw)} must use https (or http locally)`);
    return undefined;
  }
  if (url.username || url.password || url.search || url.hash) {
    problems.push(
      `OPENSEARCH_ENDPOINT: ${JSON.stringify(url.host)} must be a plain endpoint without credentials, query or fragment`,
    );
    return undefined;
  }
  return url;
}

/** OpenSearch's index naming rules; returns what is wrong, or undefined. */
export function checkIndexName(name: string): string | undefined {
  if (name !== name.toLowerCase()) return 'must be lowercase';
  if (/[\\/*?"<>| ,#:]/.test(name)) return 'must not contain \\ / * ? " < > | space , # :';
  if (/^[-_+]/.test(name)) return 'must not start with -, _ or +';
  if (name === '.' || name === '..') return 'is reserved';
  if (Buffer.byteLength(name) > 255) return 'is longer than 255 bytes';
  return undefined;
}
