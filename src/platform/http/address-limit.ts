import { normalizeIP } from '@fastify/rate-limit';

/**
 * The limit every address has across the whole server, counted in fixed windows. It runs
 * on every request, cached pages included, so it is synchronous: a map lookup, where
 * @fastify/rate-limit's global hook costs promises and an IPv6 check of each address.
 * Routes with stricter limits of their own (`config.rateLimit`) still go through the plugin.
 * Returns 0 when the request may go on, otherwise the seconds until the window ends.
 */
export function addressLimit(max: number, windowMs = 60_000, maxAddresses = 100_000) {
  let counts = new Map<string, number>();
  let windowEnds = 0;
  return (ip: string, now = Date.now()): number => {
    if (now >= windowEnds) { counts = new Map(); windowEnds = now + windowMs; }
    // An IPv6 client has a whole /64 to itself: it is counted as one address.
    const key = ip.includes(':') ? normalizeIP(ip) : ip;
    const count = (counts.get(key) ?? 0) + 1;
    // Past the cap (a flood from rotating addresses), new addresses go uncounted until the
    // window ends rather than the map growing without bound.
    if (count > 1 || counts.size < maxAddresses) counts.set(key, count);
    return count > max ? Math.max(1, Math.ceil((windowEnds - now) / 1000)) : 0;
  };
}
