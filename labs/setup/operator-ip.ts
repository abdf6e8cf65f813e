/**
 * The operator's public IPv4 address, only when asked (`streamlab init --detect-ip`): it
 * is a request to a third-party service, so it never happens by default.
 */
import { OperationalError } from '../../config/errors';

export const IP_ECHO_URL = 'https://checkip.amazonaws.com';

export async function detectPublicIp(url = IP_ECHO_URL, timeoutMs = 5000): Promise<string> {
  let text: string;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    text = (await res.text()).trim();
  } catch (e) {
    throw new OperationalError(
      `could not detect your public IP from ${url} (${(e as Error).message}); set operatorCidr by hand`,
      { cause: e },
    );
  }
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    throw new OperationalError(
      `${url} answered ${JSON.stringify(text.slice(0, 40))}, not an IPv4 address`,
    );
  }
  return `${text}/32`;
}
