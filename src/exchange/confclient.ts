// A gateway's copy of the global configuration: fetched from the centre, verified, kept on
// disk (the last good one), refreshed periodically. When the centre is down the gateway goes
// on with what it has; a document whose signature fails is refused and the old one kept.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { decodeJwt } from 'jose';
import type { Logger } from 'pino';
import { verifiedGlobalConf, type GlobalConf } from './globalconf.js';

export interface ConfSource {
  /** The verified configuration in use, if any. */
  readonly current: GlobalConf | undefined;
  /** Asks for a refresh soon (a peer could not be reached: maybe it moved). */
  refreshSoon(): void;
}

export interface ConfClientOptions {
  /** Gets the signed document from the centre (HTTP, or in process). */
  fetch: () => Promise<string>;
  caPem: string;
  /** Where the last good document is kept, e.g. DATA_DIR/gateways/<member>/globalconf.jws. */
  cacheFile: string;
  refreshMs: number;
  log: Logger;
}

export class ConfClient implements ConfSource {
  #current: GlobalConf | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastAttempt = 0;
  #refreshing: Promise<boolean> | undefined;
  /** Why the last fetched document was refused, if it was. */
  lastRefusal: string | undefined;

  constructor(private readonly options: ConfClientOptions) {}

  get current() { return this.#current; }

  /**
   * Takes the centre's document, or the one kept on disk when the centre cannot give one or
   * gives an older one (a replay); starts refreshing. The copy on disk is only read, not
   * verified, when the centre's is newer.
   */
  async start(): Promise<void> {
    await this.refresh();
    try {
      const cached = await readFile(this.options.cacheFile, 'utf8');
      const current = this.#current && Date.parse(this.#current.document.issuedAt);
      if (!current || Date.parse(String(decodeJwt(cached).issuedAt)) > current) await this.#accept(cached, false);
    } catch { /* no cache yet, or one that no longer verifies */ }
    this.#timer = setInterval(() => void this.refresh(), this.options.refreshMs);
    this.#timer.unref();
  }

  stop() { clearInterval(this.#timer); }

  /** Fetches and takes the centre's document; false when the centre could not be reached or the document was refused. */
  refresh(): Promise<boolean> {
    this.#refreshing ??= (async () => {
      this.#lastAttempt = Date.now();
      let jws: string;
      try {
        jws = await this.options.fetch();
      } catch (error) {
        this.options.log.warn({ err: error }, 'the exchange centre cannot be reached; going on with the configuration held');
        return false;
      }
      try {
        await this.#accept(jws, true);
        this.lastRefusal = undefined;
        return true;
      } catch (error) {
        this.lastRefusal = (error as Error).message;
        this.options.log.error({ err: error }, 'a global configuration was refused');
        return false;
      }
    })().finally(() => { this.#refreshing = undefined; });
    return this.#refreshing;
  }

  refreshSoon() {
    if (Date.now() - this.#lastAttempt > 1000) void this.refresh();
  }

  async #accept(jws: string, save: boolean) {
    if (this.#current?.jws === jws) return;
    const conf = await verifiedGlobalConf(jws, this.options.caPem);
    // A replayed older document must not replace a newer one.
    if (this.#current && Date.parse(conf.document.issuedAt) < Date.parse(this.#current.document.issuedAt)) return;
    this.#current = conf;
    if (save) {
      await mkdir(dirname(this.options.cacheFile), { recursive: true });
      await writeFile(`${this.options.cacheFile}.tmp`, jws);
      await rename(`${this.options.cacheFile}.tmp`, this.options.cacheFile);
    }
  }
}

/** The centre's document over HTTP. */
export function httpConfFetcher(centralUrl: string, timeoutMs = 5000): () => Promise<string> {
  return async () => {
    const res = await fetch(`${centralUrl.replace(/\/$/, '')}/exchange/globalconf`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`the centre answered ${res.status}`);
    return res.text();
  };
}
