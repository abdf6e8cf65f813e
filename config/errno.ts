/**
 * Network and system error codes (Node's `err.code`, e.g. from getaddrinfo or a socket) in
 * words: `EAI_AGAIN` alone tells a newcomer nothing. Imports nothing, so the dispatcher can
 * use it for any error that reaches it.
 */
const WORDS: Readonly<Record<string, string>> = {
  EAI_AGAIN:
    'the name could not be looked up right now (DNS did not answer: no network, or no DNS server reachable)',
  ENOTFOUND: 'no such host name (DNS knows no address for it)',
  ECONNREFUSED: 'nothing is listening there: the connection was refused',
  ECONNRESET: 'the other side closed the connection abruptly',
  ETIMEDOUT: 'no answer in time (a firewall dropping packets, or the host is down)',
  EHOSTUNREACH: 'no route to that host',
  ENETUNREACH: 'no route to that network (is this machine online?)',
  EPIPE: 'the other side closed the connection while we were writing',
  EACCES: 'permission denied',
  EADDRINUSE: 'the address (port) is already in use',
  ENOENT: 'no such file or program',
  ECERTIFICATE: 'the server certificate could not be verified',
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    "the server's certificate is not trusted here (a proxy intercepting TLS? set NODE_EXTRA_CA_CERTS)",
};

/** `code` in words, e.g. `EAI_AGAIN (the name could not be looked up …)`; undefined if unknown. */
export function errnoInWords(code: unknown): string | undefined {
  if (typeof code !== 'string' || !(code in WORDS)) return undefined;
  return `${code}: ${WORDS[code]}`;
}

/**
 * The error code of `e` or of an error it wraps (the AWS SDK wraps socket errors), when we
 * have words for it.
 */
export function errnoOf(e: unknown): string | undefined {
  for (let cur = e, depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (errnoInWords(code)) return code as string;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** `e`'s message, with its error code in words when it has one we know. */
export function messageInWords(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const words = errnoInWords(errnoOf(e));
  return words ? `${message} (${words})` : message;
}
