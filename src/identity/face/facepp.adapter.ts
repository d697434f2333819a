// The face check of sign-in speaks Face++ (Megvii) Compare API v3: the live photo and the photo
// on file go as base64 form fields, and a match is a confidence at or above one of the
// thresholds the service returns with every answer (they move with its model, so we never
// store them).
import { AppError } from '../../platform/index.js';

/** Why a comparison gave no answer: the service is unreachable or failing, an image holds no usable face, or the service refused our call (credentials, permission, arguments). */
export type FaceMatchErrorKind = 'unavailable' | 'no-face' | 'rejected';

const STATUS: Record<FaceMatchErrorKind, number> = { unavailable: 503, 'no-face': 422, rejected: 502 };

/** A comparison that gave no answer; code `face.<kind>` for the one error handler. Never carries the secret. */
export class FaceMatchError extends AppError {
  constructor(
    readonly kind: FaceMatchErrorKind,
    /** Face++'s error_message (or `timeout`, `network`, `bad-response`), for the log. */
    readonly reason: string,
    /** Which photo was at fault, when the service says: 1 = first argument, 2 = second. */
    readonly image?: 1 | 2,
  ) {
    super(`face.${kind}`, STATUS[kind]);
    this.name = 'FaceMatchError';
  }
}

export type FaceppThreshold = '1e-3' | '1e-4' | '1e-5';

export interface FaceMatcherOptions {
  /** Service base, e.g. `https://api-us.faceplusplus.com`, or the stand-in's `url`. */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** A match needs this returned threshold (default '1e-5': 0.001% false accepts) or a fixed confidence 0-100. */
  threshold?: FaceppThreshold | number;
  /** Whole request, default 5000 ms; Face++ itself answers in well under a second. */
  timeoutMs?: number;
}

interface CompareResponse {
  confidence?: number;
  thresholds?: Partial<Record<FaceppThreshold, number>>;
  faces1?: unknown[];
  faces2?: unknown[];
  error_message?: string;
}

const NO_FACE = new Set(['IMAGE_ERROR_UNSUPPORTED_FORMAT', 'INVALID_IMAGE_SIZE', 'IMAGE_FILE_TOO_LARGE']);
const TRANSIENT = new Set(['CONCURRENCY_LIMIT_EXCEEDED', 'INTERNAL_ERROR']);

/**
 * Compares two face photos through Face++ `POST /facepp/v3/compare`.
 * @example
 * const faces = new FaceMatcher({ url, apiKey, apiSecret });
 * if (!(await faces.verify(livePhoto, photoOnFile))) … // throws FaceMatchError when there is no answer
 */
export class FaceMatcher {
  constructor(private readonly options: FaceMatcherOptions) {}

  /** The service's confidence (0-100) that both photos show one person, and the threshold it must reach. Throws FaceMatchError. */
  async compare(photoA: Buffer, photoB: Buffer): Promise<{ confidence: number; threshold: number }> {
    const { url, apiKey, apiSecret, threshold = '1e-5', timeoutMs = 5000 } = this.options;
    const form = new URLSearchParams({
      api_key: apiKey, api_secret: apiSecret,
      image_base64_1: photoA.toString('base64'), image_base64_2: photoB.toString('base64'),
    });
    let status: number, text: string;
    try {
      const response = await fetch(`${url.replace(/\/$/, '')}/facepp/v3/compare`, { method: 'POST', body: form, signal: AbortSignal.timeout(timeoutMs) });
      status = response.status;
      text = await response.text();
    } catch (error) {
      throw new FaceMatchError('unavailable', (error as Error).name === 'TimeoutError' ? 'timeout' : 'network');
    }
    // Face++ answers an oversized request in plain text, not JSON.
    if (status === 413) throw new FaceMatchError('no-face', 'REQUEST_ENTITY_TOO_LARGE');
    let body: CompareResponse;
    try { body = JSON.parse(text) as CompareResponse; } catch { throw new FaceMatchError('unavailable', 'bad-response'); }

    if (status !== 200 || body.error_message) {
      const message = body.error_message ?? `HTTP ${status}`;
      const [code = '', param = ''] = message.split(':').map((part) => part.trim());
      const image = /1$/.test(param) ? 1 : /2$/.test(param) ? 2 : undefined;
      if (NO_FACE.has(code)) throw new FaceMatchError('no-face', message, image);
      if (status >= 500 || TRANSIENT.has(code)) throw new FaceMatchError('unavailable', message);
      throw new FaceMatchError('rejected', message);
    }
    // No face in an image is a success without a confidence and with that image's faces empty.
    if (typeof body.confidence !== 'number') {
      throw new FaceMatchError('no-face', 'NO_FACE_DETECTED', body.faces1?.length === 0 ? 1 : body.faces2?.length === 0 ? 2 : undefined);
    }
    const limit = typeof threshold === 'number' ? threshold : body.thresholds?.[threshold];
    if (typeof limit !== 'number') throw new FaceMatchError('unavailable', 'bad-response');
    return { confidence: body.confidence, threshold: limit };
  }

  /** True when both photos show one person: confidence ≥ the configured threshold. Throws FaceMatchError. */
  async verify(photoA: Buffer, photoB: Buffer): Promise<boolean> {
    const { confidence, threshold } = await this.compare(photoA, photoB);
    return confidence >= threshold;
  }
}
