// Signatures of messages, X-Road style batch signing: the digests that arrive while the
// process is busy are put in a hash tree and its root is signed once; each message carries
// the root's signature and the path from its digest to the root, so it still stands on its
// own (anyone can check it alone) while a busy gateway pays one ECDSA signature per batch
// instead of one per message. A verifier likewise checks each root's signature only once.
import { createHash, sign, verify, type KeyObject } from 'node:crypto';

const sha256 = (...parts: Buffer[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const NODE = Buffer.from([1]);
const node = (left: Buffer, right: Buffer) => sha256(NODE, left, right);

/** The signature token of one digest: `<base64url DER signature of the root>~<path>`, path steps `L<hash>`/`R<hash>` joined by '.'. */
export type SignatureToken = string;

interface Waiting { digest: Buffer; resolve(token: SignatureToken): void; reject(error: unknown): void }

export class BatchSigner {
  #queue: Waiting[] = [];
  #scheduled = false;
  constructor(private readonly key: KeyObject, readonly maxBatch = 256) {}

  /** Signs a SHA-256 digest (32 bytes); resolves on the next turn of the event loop, with whatever else came meanwhile. */
  sign(digest: Buffer): Promise<SignatureToken> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ digest, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush() {
    this.#scheduled = false;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.maxBatch);
      try {
        const tokens = signBatch(batch.map((w) => w.digest), this.key);
        batch.forEach((w, i) => w.resolve(tokens[i]!));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
  }
}

/** Signs digests together: one signature over their tree's root, and each one's path to it. */
export function signBatch(digests: Buffer[], key: KeyObject): SignatureToken[] {
  const paths: string[][] = digests.map(() => []);
  let level = digests.map((d, i) => ({ hash: d, members: [i] }));
  while (level.length > 1) {
    const next: typeof level = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i]!, right = level[i + 1];
      if (!right) { next.push(left); continue; }
      for (const m of left.members) paths[m]!.push(`R${right.hash.toString('base64url')}`);
      for (const m of right.members) paths[m]!.push(`L${left.hash.toString('base64url')}`);
      next.push({ hash: node(left.hash, right.hash), members: [...left.members, ...right.members] });
    }
    level = next;
  }
  const signature = sign('sha256', level[0]!.hash, key).toString('base64url');
  return paths.map((path) => `${signature}~${path.join('.')}`);
}

function rootOf(digest: Buffer, path: string): Buffer | undefined {
  let hash = digest;
  if (path === '') return hash;
  const steps = path.split('.');
  if (steps.length > 40) return undefined;
  for (const step of steps) {
    const sibling = Buffer.from(step.slice(1), 'base64url');
    if (sibling.length !== 32) return undefined;
    if (step[0] === 'L') hash = node(sibling, hash);
    else if (step[0] === 'R') hash = node(hash, sibling);
    else return undefined;
  }
  return hash;
}

/**
 * Checks tokens against public keys, remembering the roots already proven (bounded), so
 * the messages of one batch cost one ECDSA verification together.
 */
export class Verifier {
  readonly #proven = new Map<string, boolean>();
  constructor(readonly capacity = 20_000) {}

  verify(digest: Buffer, token: string, publicKey: KeyObject, keyId: string): boolean {
    if (typeof token !== 'string' || token.length > 4000) return false;
    const tilde = token.indexOf('~');
    if (tilde <= 0) return false;
    const signature = token.slice(0, tilde);
    const root = rootOf(digest, token.slice(tilde + 1));
    if (!root) return false;
    const cacheKey = `${keyId}|${root.toString('base64url')}|${signature}`;
    const known = this.#proven.get(cacheKey);
    if (known !== undefined) return known;
    let valid = false;
    try {
      valid = verify('sha256', root, publicKey, Buffer.from(signature, 'base64url'));
    } catch { /* unreadable signature: not valid */ }
    if (this.#proven.size >= this.capacity) this.#proven.delete(this.#proven.keys().next().value!);
    this.#proven.set(cacheKey, valid);
    return valid;
  }
}

/** Checks one token without a cache (the log verifier). */
export function verifyToken(digest: Buffer, token: string, publicKey: KeyObject): boolean {
  return new Verifier(1).verify(digest, token, publicKey, '');
}

export const digestOf = (text: string | Buffer) => sha256(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
