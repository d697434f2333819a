import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from '../platform/index.js';
import { FaceMatcher, startFaceStandin } from './face/index.js';
import { loadOrCreateCa, type Ca } from './pki/index.js';

export interface FaceChannel { matcher: FaceMatcher; close(): Promise<void> }

/**
 * The face-matching service: Face++'s API at FACE_API_URL, or, outside production with
 * none configured, a local stand-in of the same API on a free port.
 */
export async function openFaceChannel(config: Config): Promise<FaceChannel> {
  if (config.FACE_API_URL) {
    return { matcher: new FaceMatcher({ url: config.FACE_API_URL, apiKey: config.FACE_API_KEY ?? '', apiSecret: config.FACE_API_SECRET ?? '' }), close: async () => {} };
  }
  const apiKey = 'demo', apiSecret = randomBytes(16).toString('base64url');
  const standin = await startFaceStandin({ apiKey, apiSecret });
  return { matcher: new FaceMatcher({ url: standin.url, apiKey, apiSecret }), close: () => standin.close() };
}

/** The certification authority whose certificates the signature-key sign-in trusts (the demo CA in DATA_DIR). */
export function openCa(config: Config): Promise<Ca> {
  return loadOrCreateCa(join(config.dataDir, 'ca'));
}
