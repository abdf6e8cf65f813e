/**
 * Who may see the dashboard: whoever holds the token printed in the one URL on the
 * operator's terminal (as Jupyter does). The token, 256 random bits, is exchanged once for
 * an HttpOnly, SameSite=Strict cookie, so scripts cannot read it and other sites cannot
 * send it; every other request without that cookie is refused.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const COOKIE = 'streamlab_dashboard';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares in constant time, so the token is not guessed byte by byte from timings. */
export function sameToken(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request's Cookie header carries, if any. */
export function cookieToken(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(token: string): string {
  return `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
