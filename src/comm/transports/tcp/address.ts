import { LoomError, showValue } from '../../../util/errors.js';

export interface HostPort {
  host: string;
  port: number;
}

/**
 * Parses "host:port" or "[v6]:port". `what` names the address in the error; `anyPort` also
 * accepts port 0 (listen on any free port).
 */
export function parseAddress(address: string, what = 'TCP address', anyPort = false): HostPort {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(address);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port < (anyPort ? 0 : 1) || port > 65535) throw new LoomError(`${what} must be host:port, got ${showValue(address)}`);
  return { host: match[1] ?? match[2], port };
}

export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
