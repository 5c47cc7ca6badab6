import { hostname, networkInterfaces } from 'node:os';
import type { MiddlewareHandler } from 'hono';
import type { Config } from '../../config.js';

/** Paths load balancers and the MLflow client probe by IP or service name (protocol §7). */
const EXEMPT = new Set(['/health', '/version']);

/** Host names that reach this server by default: loopback, the bound host, and on 0.0.0.0 / :: every local address. */
export function defaultAllowedHosts(bindHost: string): string[] {
  const hosts = ['localhost', '127.0.0.1', '[::1]'];
  const wildcard = bindHost === '0.0.0.0' || bindHost === '::';
  if (!wildcard) hosts.push(bindHost.includes(':') ? `[${bindHost}]` : bindHost);
  else {
    hosts.push(hostname());
    for (const addrs of Object.values(networkInterfaces())) {
      for (const a of addrs ?? []) hosts.push(a.family === 'IPv6' ? `[${a.address}]` : a.address);
    }
  }
  return [...new Set(hosts.map((h) => h.toLowerCase()))];
}

/** Splits `name:port` / `[v6]:port` into the name (brackets kept for IPv6) and the port. */
function splitHost(value: string): { name: string; port?: string } {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(value.trim().toLowerCase());
  return m ? { name: m[1], port: m[2] } : { name: value.toLowerCase() };
}

/**
 * A pattern matches a Host header: `name` matches it on any port, `name:port` on that port only,
 * and `*.example.com` any subdomain.
 */
export function hostAllowed(host: string, patterns: string[]): boolean {
  const h = splitHost(host);
  return patterns.some((pattern) => {
    if (pattern === '*') return true;
    const p = splitHost(pattern);
    if (p.port && p.port !== h.port) return false;
    if (p.name.startsWith('*.')) return h.name.endsWith(p.name.slice(1));
    return p.name === h.name;
  });
}

/**
 * The DNS-rebinding guard MLflow's server has: a page on evil.example whose name is rebound to
 * 127.0.0.1 reaches us with `Host: evil.example`, which is refused.
 */
export function hostCheck(config: Config): MiddlewareHandler {
  const allowed = config.allowedHosts?.length ? config.allowedHosts : defaultAllowedHosts(config.host);
  if (allowed.includes('*')) return (_c, next) => next();
  return async (c, next) => {
    if (EXEMPT.has(c.req.path)) return next();
    const host = c.req.header('host') ?? '';
    if (!hostAllowed(host, allowed)) {
      return c.text(
        `Invalid Host header '${host}': this server accepts ${allowed.join(', ')}. ` +
          'If you reach it by another name, add it with --allowed-hosts (GLASSBOX_ALLOWED_HOSTS). This check guards against DNS rebinding.',
        403,
      );
    }
    return next();
  };
}
