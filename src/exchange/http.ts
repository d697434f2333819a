// Outbound HTTP of the gateways: kept-alive connections (a gateway talks to few peers, many
// times), a deadline per request, and failures told apart: no connection vs no answer in time.
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { PeerCertificate } from 'node:tls';

export interface HttpAnswer { status: number; headers: IncomingHttpHeaders; body: Buffer }

export class HttpFailure extends Error {
  constructor(readonly kind: 'timeout' | 'network' | 'aborted', message: string) { super(message); this.name = 'HttpFailure'; }
}

export interface TlsOptions { key?: string; cert?: string; ca: string }

export class HttpClient {
  readonly #http = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 });
  readonly #https: https.Agent | undefined;

  constructor(tls?: TlsOptions, readonly maxBody = 10 * 1024 * 1024) {
    if (tls) this.#https = new https.Agent({ keepAlive: true, maxSockets: 256, key: tls.key, cert: tls.cert, ca: tls.ca });
  }

  request(url: string, options: {
    method: string; headers: OutgoingHttpHeaders; body?: Buffer; timeoutMs: number; signal?: AbortSignal;
    /** With TLS: checks the peer's certificate (the hostname is not what names a gateway). */
    checkPeer?: (cert: PeerCertificate) => Error | undefined;
  }): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      if (secure && !this.#https) { reject(new HttpFailure('network', 'https needs the gateway\'s TLS keys')); return; }
      let settled = false;
      const fail = (error: HttpFailure) => { if (!settled) { settled = true; clearTimeout(timer); reject(error); } req.destroy(); };
      const req = (secure ? https : http).request(target, {
        method: options.method, headers: options.headers, agent: secure ? this.#https : this.#http,
        ...(secure && options.checkPeer ? { checkServerIdentity: (_host: string, cert: PeerCertificate) => options.checkPeer!(cert) } : {}),
      }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxBody) fail(new HttpFailure('network', `the answer is larger than ${this.maxBody} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on('error', (error) => fail(new HttpFailure('network', error.message)));
      });
      const timer = setTimeout(() => fail(new HttpFailure('timeout', `no answer from ${target.host} within ${options.timeoutMs} ms`)), options.timeoutMs);
      req.on('error', (error) => fail(new HttpFailure('network', `${target.host}: ${(error as NodeJS.ErrnoException).code ?? error.message}`)));
      if (options.signal) {
        if (options.signal.aborted) { fail(new HttpFailure('aborted', 'the caller went away')); return; }
        options.signal.addEventListener('abort', () => fail(new HttpFailure('aborted', 'the caller went away')), { once: true });
      }
      req.end(options.body && options.body.length > 0 ? options.body : undefined);
    });
  }

  close() { this.#http.destroy(); this.#https?.destroy(); }
}
