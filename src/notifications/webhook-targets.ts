/**
 * Where webhooks may point. A department administrator registers the URL and reads back each
 * delivery's status, so a webhook aimed at the city's internal network would let them probe it.
 * In production only public addresses are allowed — checked at registration and again on every
 * connection (the lookup the connection itself uses, so a name that later resolves elsewhere
 * cannot slip through). Elsewhere (tests, the demo) private targets are allowed.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { promisify } from 'node:util';
import ipaddr from 'ipaddr.js';
import { Agent } from 'undici';
import { RuleViolationError } from '../platform/errors.js';

/** Whether an address is on the public internet (not loopback, private, link-local, reserved …). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  // An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is judged as the IPv4 address it carries.
  return ipaddr.process(address).range() === 'unicast';
}

export class PrivateTargetError extends Error {
  constructor(host: string, address: string) {
    super(`webhook target ${host} resolves to ${address}, which is not a public address`);
    this.name = 'PrivateTargetError';
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A dns.lookup that refuses names resolving to any non-public address (for net/tls connect). */
export function publicOnlyLookup(hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused) return callback(Object.assign(new PrivateTargetError(hostname, refused.address), { code: 'EPRIVATETARGET' }), []);
    if (options.all) return callback(null, addresses);
    const [first] = addresses;
    return callback(null, first!.address, first!.family);
  });
}

/** The HTTP dispatcher deliveries go through: public targets only unless private ones are allowed. */
export function webhookDispatcher(allowPrivateTargets: boolean): Agent {
  return allowPrivateTargets ? new Agent() : new Agent({ connect: { lookup: publicOnlyLookup as never } });
}

/** The IP literal in a URL's host, if it is one ([::1] → ::1). */
function literalAddress(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return ipaddr.isValid(host) ? host : undefined;
}

/** Refuses a target that is not public: an IP literal is judged as is (connections skip the lookup for those). */
export function checkLiteralTarget(url: URL): void {
  const literal = literalAddress(url);
  if (literal && !isPublicAddress(literal)) throw new PrivateTargetError(url.hostname, literal);
}

const lookupAll = promisify(dnsLookup);

/** At registration: the URL's host must resolve, and only to public addresses. */
export async function checkWebhookTarget(url: URL, allowPrivateTargets: boolean): Promise<void> {
  if (allowPrivateTargets) return;
  try {
    checkLiteralTarget(url);
    if (literalAddress(url)) return;
    const addresses = await lookupAll(url.hostname, { all: true });
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused) throw new PrivateTargetError(url.hostname, refused.address);
  } catch (error) {
    if (error instanceof PrivateTargetError)
      throw new RuleViolationError('webhook_target_not_public', `${error.message}; webhooks reach public addresses only`);
    throw new RuleViolationError('webhook_target_unresolvable', `The host ${url.hostname} does not resolve`);
  }
}
