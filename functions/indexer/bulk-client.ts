/**
 * Sends batches to the OpenSearch `_bulk` API and retries what is worth retrying.
 *
 * A bulk call succeeds at the HTTP level even when some documents fail, so every item is
 * checked. Items answered 429 (the write queue is full) or 5xx are sent again, alone,
 * with backoff; items answered with another 4xx (a mapping conflict, a bad field) will
 * fail the same way every time and are reported as permanent failures instead.
 */
import { HttpRequest } from '@smithy/protocol-http';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Readable } from 'node:stream';
import { backoffDelay, DEFAULT_RETRY, sleep, type RetryPolicy } from './backoff';
import type { BulkEntry } from './batches';
import type { RequestSigner } from './signer';

export interface ItemFailure {
  readonly id: string;
  readonly status: number;
  readonly type: string;
  readonly reason: string;
}

export interface BulkResult {
  readonly indexed: number;
  /** Items rejected for good (4xx other than 429). */
  readonly rejected: ItemFailure[];
}

/** Items still failing with 429/5xx (or the whole request failing) after every attempt. */
export class RetriesExhaustedError extends Error {
  constructor(
    readonly pending: number,
    readonly attempts: number,
    readonly lastFailure: string,
    readonly indexed: number,
    readonly rejected: ItemFailure[],
  ) {
    super(`${pending} document(s) still failing after ${attempts} attempts (last: ${lastFailure})`);
    this.name = 'RetriesExhaustedError';
  }
}

/** The domain refused the request itself (403 signature/access policy, 400, 413...): no retry helps. */
export class BulkRequestError extends Error {
  constructor(
    readonly status: number,
    body: string,
    what = '_bulk',
  ) {
    super(`OpenSearch answered ${status} to ${what}: ${body.slice(0, 300)}`);
    this.name = 'BulkRequestError';
  }
}

export interface BulkClientOptions {
  readonly endpoint: URL;
  readonly signer: RequestSigner;
  readonly retry?: RetryPolicy;
  /** Per-request timeout. @default 30000 */
  readonly requestTimeoutMs?: number;
  readonly onRetry?: (info: {
    retry: number;
    pending: number;
    delayMs: number;
    cause: string;
  }) => void;
}

const isRetryableStatus = (status: number) => status === 429 || status >= 500;

interface RawResponse {
  status: number;
  body: string;
}

export class BulkClient {
  private readonly http: NodeHttpHandler;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: BulkClientOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY;
    // Keep-alive matters: a warm Lambda sends many bulk requests to the same domain.
    this.http = new NodeHttpHandler({
      connectionTimeout: 5000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
    });
  }

  async send(entries: readonly BulkEntry[]): Promise<BulkResult> {
    let pending = entries;
    let indexed = 0;
    const rejected: ItemFailure[] = [];
    let lastFailure = '';
    for (let attempt = 1; attempt <= this.retry.maxAttempts; attempt++) {
      if (attempt > 1) {
        const delayMs = backoffDelay(this.retry, attempt - 1);
        this.options.onRetry?.({
          retry: attempt - 1,
          pending: pending.length,
          delayMs,
          cause: lastFailure,
        });
        await sleep(delayMs);
      }
      let response: RawResponse;
      try {
        response = await this.post(pending);
      } catch (err) {
        // Connection reset, timeout, DNS hiccup: the request may not have arrived; retry all.
        lastFailure = `request failed: ${(err as Error).message}`;
        continue;
      }
      if (isRetryableStatus(response.status)) {
        lastFailure = `HTTP ${response.status}`;
        continue;
      }
      if (response.status < 200 || response.status >= 300) {
        throw new BulkRequestError(response.status, response.body);
      }
      const items = parseItems(response.body, pending.length);
      const retry: BulkEntry[] = [];
      items.forEach((item, i) => {
        if (item.status >= 200 && item.status < 300) indexed++;
        else if (isRetryableStatus(item.status)) {
          retry.push(pending[i]);
          lastFailure = `${item.status} ${item.type}`;
        } else rejected.push({ ...item, id: pending[i].id });
      });
      if (retry.length === 0) return { indexed, rejected };
      pending = retry;
    }
    throw new RetriesExhaustedError(
      pending.length,
      this.retry.maxAttempts,
      lastFailure,
      indexed,
      rejected,
    );
  }

  /**
   * Creates `index` with `mapping`, or, when it exists already (made by an older indexer
   * with dynamic mapping), puts the mapping on it: from then on it is strict. A field the
   * index already holds with another type fails here, naming the index.
   */
  async ensureIndex(index: string, mapping: object): Promise<void> {
    const path = `/${encodeURIComponent(index)}`;
    const created = await this.request('PUT', path, JSON.stringify({ mappings: mapping }));
    if (created.status >= 200 && created.status < 300) return;
    if (created.status !== 400 || !created.body.includes('resource_already_exists_exception')) {
      throw new BulkRequestError(created.status, created.body, `PUT ${path}`);
    }
    const updated = await this.request('PUT', `${path}/_mapping`, JSON.stringify(mapping));
    if (updated.status < 200 || updated.status >= 300) {
      throw new BulkRequestError(updated.status, updated.body, `PUT ${path}/_mapping`);
    }
  }

  private post(entries: readonly BulkEntry[]): Promise<RawResponse> {
    const body = entries.map((e) => e.lines).join('');
    return this.request('POST', '/_bulk', body, 'application/x-ndjson');
  }

  private async request(
    method: string,
    path: string,
    body: string,
    contentType = 'application/json',
  ): Promise<RawResponse> {
    const { endpoint } = this.options;
    const basePath = endpoint.pathname.replace(/\/+$/, '');
    const request = new HttpRequest({
      method,
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: endpoint.port ? Number(endpoint.port) : undefined,
      path: `${basePath}${path}`,
      headers: {
        host: endpoint.host,
        'content-type': contentType,
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    });
    const signed = await this.options.signer.sign(request);
    const { response } = await this.http.handle(signed);
    const text = await readAll(response.body as Readable | undefined);
    return { status: response.statusCode, body: text };
  }

  destroy(): void {
    this.http.destroy();
  }
}

async function readAll(body: Readable | undefined): Promise<string> {
  if (!body) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

interface ParsedItem {
  status: number;
  type: string;
  reason: string;
}

/** Reads `items[]` of a bulk response; they come back in request order, one per action. */
export function parseItems(body: string, expected: number): ParsedItem[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error(`_bulk response is not JSON: ${body.slice(0, 200)}`);
  }
  const items = (parsed as { items?: unknown }).items;
  if (!Array.isArray(items) || items.length !== expected) {
    throw new Error(
      `_bulk response has ${Array.isArray(items) ? items.length : 'no'} items for ${expected} actions`,
    );
  }
  return items.map((item) => {
    const result = Object.values((item ?? {}) as Record<string, unknown>)[0] as
      { status?: unknown; error?: { type?: unknown; reason?: unknown } | string } | undefined;
    const status = typeof result?.status === 'number' ? result.status : 0;
    const error = result?.error;
    const type = typeof error === 'object' && error ? String(error.type ?? 'error') : 'error';
    const reason =
      typeof error === 'object' && error ? String(error.reason ?? '') : String(error ?? '');
    return { status, type, reason };
  });
}
