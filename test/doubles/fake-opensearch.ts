/**
 * A small OpenSearch stand-in on 127.0.0.1 that speaks the `_bulk` API the indexer
 * uses. It checks each request's SigV4 signature by recomputing it (a wrong secret, a
 * changed body or host gets the 403 AWS would send), stores documents by `_id` so
 * idempotency is observable, records every request, and can be told to fail items or
 * whole requests. The indexer's integration test and its benchmark (bench/indexer.ts)
 * both run against it, so it lives beside the local Kinesis (labs/stream/emulator.ts)
 * rather than under test/: a benchmark must not depend on test code.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly bytes: number;
  readonly ids: string[];
  readonly indexes: string[];
  readonly status: number;
}

/** Decides an item's status; undefined means success (201). */
export type ItemFault = (id: string, requestNumber: number) => number | undefined;
/** Decides a whole request's status; undefined means a normal bulk answer. */
export type RequestFault = (requestNumber: number) => number | undefined;

export class FakeOpenSearch {
  readonly requests: RecordedRequest[] = [];
  /** index → _id → source */
  readonly indexes = new Map<string, Map<string, unknown>>();
  itemFault: ItemFault | undefined;
  requestFault: RequestFault | undefined;
  private server: Server | undefined;

  constructor(
    private readonly credentials: Credentials,
    private readonly region: string,
    /** false: store no documents or ids (benchmarks, where they would skew memory). */
    private readonly keepSources = true,
  ) {}

  get endpoint(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  docs(index = 'posts'): Map<string, unknown> {
    return this.indexes.get(index) ?? new Map();
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.handle(req, Buffer.concat(chunks), res).catch((err: Error) => {
          res.writeHead(500).end(err.message);
        });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** Index creation and mapping updates (PUT /<index>, PUT /<index>/_mapping), in order. */
  readonly mappingRequests: { readonly path: string; readonly body: unknown }[] = [];
  /** Each index's mapping as created or updated; with `dynamic: "strict"` unknown fields are refused. */
  readonly mappings = new Map<string, { dynamic?: string; properties?: Record<string, unknown> }>();

  /** Like OpenSearch: create once (400 when it exists), or merge a mapping into an index. */
  private handleMapping(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const path = req.url ?? '';
    const m = /^\/([^/_][^/]*)(\/_mapping)?$/.exec(path);
    const parsed = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
    this.mappingRequests.push({ path, body: parsed });
    const send = (status: number, payload: unknown): void =>
      void res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(JSON.stringify(payload));
    if (!m) return send(404, { error: 'no route' });
    const index = decodeURIComponent(m[1]!);
    const exists = this.mappings.has(index) || this.indexes.has(index);
    if (!m[2]) {
      if (exists) {
        return send(400, {
          error: { type: 'resource_already_exists_exception', reason: `index [${index}] exists` },
        });
      }
      this.mappings.set(index, (parsed.mappings ?? {}) as never);
      return send(200, { acknowledged: true, index });
    }
    const old = this.mappings.get(index) ?? {};
    const next = parsed as { dynamic?: string; properties?: Record<string, unknown> };
    this.mappings.set(index, {
      ...old,
      ...next,
      properties: { ...old.properties, ...next.properties },
    });
    return send(200, { acknowledged: true });
  }

  /** The field a strict mapping lacks, or undefined. */
  private unmappedField(index: string, source: Record<string, unknown>): string | undefined {
    const mapping = this.mappings.get(index);
    if (mapping?.dynamic !== 'strict') return undefined;
    return Object.keys(source).find((k) => !(k in (mapping.properties ?? {})));
  }

  private async handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    if (req.method === 'PUT') {
      const signatureProblem = await this.checkSignature(req, body);
      if (signatureProblem) {
        res.writeHead(403).end(JSON.stringify({ message: signatureProblem }));
        return;
      }
      return this.handleMapping(req, body, res);
    }
    const number = this.requests.length + 1;
    const lines = body
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '');
    const actions = lines.filter((_, i) => i % 2 === 0).map((l) => JSON.parse(l).index);
    const record = (status: number) =>
      this.requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        bytes: body.length,
        ids: this.keepSources ? actions.map((a) => a._id) : [],
        indexes: this.keepSources ? actions.map((a) => a._index) : [],
        status,
      });
    const reply = (status: number, payload: unknown) => {
      record(status);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    };

    const signatureProblem = await this.checkSignature(req, body);
    if (signatureProblem) return reply(403, { message: signatureProblem });
    if (req.method !== 'POST' || req.url !== '/_bulk') return reply(404, { error: 'no route' });
    if (req.headers['content-type'] !== 'application/x-ndjson') {
      return reply(406, { error: 'Content-Type must be application/x-ndjson' });
    }
    const forced = this.requestFault?.(number);
    if (forced) return reply(forced, { error: { type: 'injected', reason: `status ${forced}` } });

    const items = actions.map((action, i) => {
      const source = JSON.parse(lines[2 * i + 1]) as Record<string, unknown>;
      const unmapped = this.unmappedField(action._index, source);
      if (unmapped !== undefined) {
        return {
          index: {
            _index: action._index,
            _id: action._id,
            status: 400,
            error: {
              type: 'strict_dynamic_mapping_exception',
              reason: `mapping set to strict, dynamic introduction of [${unmapped}] within [_doc] is not allowed`,
            },
          },
        };
      }
      const status = this.itemFault?.(action._id, number) ?? 201;
      if (status >= 300) {
        const type =
          status === 429 ? 'es_rejected_execution_exception' : 'mapper_parsing_exception';
        return {
          index: {
            _index: action._index,
            _id: action._id,
            status,
            error: { type, reason: `injected ${status}` },
          },
        };
      }
      const docs = this.indexes.get(action._index) ?? new Map<string, unknown>();
      this.indexes.set(action._index, docs);
      const existed = docs.has(action._id);
      if (this.keepSources) docs.set(action._id, source);
      return {
        index: {
          _index: action._index,
          _id: action._id,
          result: existed ? 'updated' : 'created',
          status: existed ? 200 : 201,
        },
      };
    });
    reply(200, { took: 1, errors: items.some((i) => i.index.status >= 300), items });
  }

  /** Recomputes the SigV4 signature from what arrived; returns the problem or undefined. */
  private async checkSignature(req: IncomingMessage, body: Buffer): Promise<string | undefined> {
    const auth = req.headers.authorization ?? '';
    const m =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
        auth,
      );
    if (!m) return `missing or malformed Authorization header: ${JSON.stringify(auth)}`;
    const [, keyId, , region, service, signedHeaders] = m;
    if (keyId !== this.credentials.accessKeyId) return `unknown access key ${keyId}`;
    if (region !== this.region || service !== 'es') return `wrong scope ${region}/${service}`;
    const signed = signedHeaders.split(';');
    for (const needed of ['host', 'x-amz-date', 'x-amz-content-sha256']) {
      if (!signed.includes(needed)) return `header ${needed} is not signed`;
    }
    if (
      this.credentials.sessionToken &&
      req.headers['x-amz-security-token'] !== this.credentials.sessionToken
    ) {
      return 'missing or wrong x-amz-security-token';
    }
    const bodyHash = createHash('sha256').update(body).digest('hex');
    if (req.headers['x-amz-content-sha256'] !== bodyHash)
      return 'x-amz-content-sha256 does not match the body';

    const amzDate = String(req.headers['x-amz-date']);
    const date = new Date(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
    );
    const headers: Record<string, string> = {};
    for (const name of signed) headers[name] = String(req.headers[name]);
    const [path, query] = (req.url ?? '/').split('?');
    const request = new HttpRequest({
      method: req.method,
      hostname: String(req.headers.host).split(':')[0],
      path,
      query: query ? Object.fromEntries(new URLSearchParams(query)) : undefined,
      headers,
      body,
    });
    const signer = new SignatureV4({
      service: 'es',
      region: this.region,
      credentials: this.credentials,
      sha256: Hash.bind(null, 'sha256'),
    });
    const expected = await signer.sign(request, { signingDate: date });
    if (expected.headers.authorization !== auth) {
      return 'The request signature we calculated does not match the signature you provided.';
    }
    return undefined;
  }
}
