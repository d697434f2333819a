// A local stand-in of Face++ (Megvii) Compare API v3, `POST /facepp/v3/compare`, for the demo
// and the tests. It cannot see faces, so an image's "identity" comes from its bytes: a PNG made
// by `demoFacePhoto` carries the person in a tEXt chunk; any other PNG or JPEG is identified
// by its SHA-256 (it matches only itself). Requests, responses, statuses and error_message
// strings follow the public API reference; face_token and image_url inputs are not served.
import { createHash, randomUUID } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import Fastify, { type FastifyRequest } from 'fastify';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const FACE_KEYWORD = 'darcha-face';
const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
// Face++ says thresholds move between model versions; these are typical of its answers.
const THRESHOLDS = { '1e-3': 62.327, '1e-4': 69.101, '1e-5': 73.975 };

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest();

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A small valid PNG (64×64, a drawn face) whose identity for the stand-in is `personId`, so
 * the demo and browser tests can "take a photo". `demoFacePhoto('')` is a picture with no face.
 * @example await matcher.verify(demoFacePhoto('AB1234567'), demoFacePhoto('AB1234567')) // true
 */
export function demoFacePhoto(personId: string): Buffer {
  const size = 64;
  const h = sha256(personId);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const rows = Buffer.alloc(size * (1 + size * 3));
  const inside = (x: number, y: number, cx: number, cy: number, r: number) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  for (let y = 0; y < size; y++) {
    rows[y * (1 + size * 3)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      let rgb = personId ? [h[0] >> 1, h[1] >> 1, 128 + (h[2] >> 1)] : [200, 200, 200];
      if (personId && inside(x, y, 32, 32, 24)) {
        rgb = [224 - (h[3] >> 2), 172 - (h[4] >> 2), 140 - (h[5] >> 2)];
        const mouth = y >= 42 && y <= 44 && x >= 24 && x <= 40;
        if (inside(x, y, 24, 26, 3) || inside(x, y, 40, 26, 3) || mouth) rgb = [40, 30, 30];
      }
      rows.set(rgb, y * (1 + size * 3) + 1 + x * 3);
    }
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    // URI-encoded so that any id fits tEXt's Latin-1.
    chunk('tEXt', Buffer.from(`${FACE_KEYWORD}\0${encodeURIComponent(personId)}`, 'latin1')),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

type Seen = { kind: 'face'; identity: string; width: number; height: number } | { kind: 'no-face' } | { kind: 'unreadable' } | { kind: 'bad-size' };

/** What the stand-in "sees" in an image: a face with an identity, no face, or no image at all. */
function look(image: Buffer): Seen {
  if (image.length >= 3 && image[0] === 0xff && image[1] === 0xd8 && image[2] === 0xff) {
    return { kind: 'face', identity: sha256(image).toString('hex'), width: 0, height: 0 };
  }
  if (image.length < 8 || !image.subarray(0, 8).equals(PNG_SIGNATURE)) return { kind: 'unreadable' };
  let width = 0, height = 0, identity: string | undefined, end = false;
  for (let at = 8; !end;) {
    if (at + 12 > image.length) return { kind: 'unreadable' };
    const length = image.readUInt32BE(at);
    if (at + 12 + length > image.length) return { kind: 'unreadable' };
    const typeAndData = image.subarray(at + 4, at + 8 + length);
    if (crc32(typeAndData) !== image.readUInt32BE(at + 8 + length)) return { kind: 'unreadable' };
    const type = typeAndData.subarray(0, 4).toString('latin1');
    const data = typeAndData.subarray(4);
    if (at === 8 && (type !== 'IHDR' || length !== 13)) return { kind: 'unreadable' };
    if (type === 'IHDR') [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
    if (type === 'tEXt') {
      const [keyword, text = ''] = data.toString('latin1').split('\0');
      if (keyword === FACE_KEYWORD) {
        try { identity = decodeURIComponent(text); } catch { return { kind: 'unreadable' }; }
      }
    }
    end = type === 'IEND';
    at += 12 + length;
  }
  if (width < 48 || height < 48 || width > 4096 || height > 4096) return { kind: 'bad-size' };
  if (identity === '') return { kind: 'no-face' };
  return { kind: 'face', identity: identity ?? sha256(image).toString('hex'), width, height };
}

/** A deterministic number in [base, base+1) with three decimals, like Face++'s confidence. */
function score(base: number, ...parts: string[]): number {
  return (base * 1000 + (sha256(parts.join('\0')).readUInt16BE(0) % 1000)) / 1000;
}

export interface FaceStandinOptions {
  /** 0 or absent: any free port. */
  port?: number;
  apiKey: string;
  apiSecret: string;
}

export interface FaceStandin {
  /** Base address (no trailing slash) to give `FaceMatcher` as `url`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the Face++ Compare stand-in on 127.0.0.1. Same identity → confidence 97.xxx, different
 * → 12.xxx; not PNG/JPEG → 400 IMAGE_ERROR_UNSUPPORTED_FORMAT:<param>; a picture without a face
 * → 200 with `faces1`/`faces2` empty and no confidence, as Face++ answers; a wrong key → 401
 * AUTHENTICATION_ERROR. Takes form-urlencoded or multipart fields (image_file* or image_base64_*).
 */
export async function startFaceStandin(options: FaceStandinOptions): Promise<FaceStandin> {
  // Face++ refuses request entities over 2 MB with a plain-text 413.
  const app = Fastify({ logger: false, bodyLimit: MAX_IMAGE_BYTES });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, new Map(new URLSearchParams(body as string)));
  });
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, async (request: FastifyRequest, body: Buffer) => {
    // undici's Response parses multipart the way a browser's FormData is sent; no extra library.
    const form = await new Response(new Uint8Array(body), { headers: { 'content-type': request.headers['content-type'] ?? '' } }).formData();
    const fields = new Map<string, string | Buffer>();
    for (const [name, value] of form) fields.set(name, typeof value === 'string' ? value : Buffer.from(await value.arrayBuffer()));
    return fields;
  });
  app.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
    if (error.statusCode === 413) return reply.code(413).type('text/plain').send('Request Entity Too Large');
    return reply.code(error.statusCode === 415 ? 400 : 500).send({ error_message: error.statusCode === 415 ? 'BAD_ARGUMENTS: Content-Type' : 'INTERNAL_ERROR' });
  });

  const requestId = () => `${Math.floor(Date.now() / 1000)},${randomUUID()}`;
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ time_used: 0, error_message: 'API_NOT_FOUND', request_id: requestId() }));

  app.post('/facepp/v3/compare', async (request, reply) => {
    const started = Date.now();
    const fields = request.body instanceof Map ? (request.body as Map<string, string | Buffer>) : new Map<string, string | Buffer>();
    const fail = (status: number, message: string) =>
      reply.code(status).send({ time_used: Date.now() - started, error_message: message, request_id: requestId() });
    for (const name of ['api_key', 'api_secret']) if (typeof fields.get(name) !== 'string') return fail(400, `MISSING_ARGUMENTS: ${name}`);
    if (fields.get('api_key') !== options.apiKey || fields.get('api_secret') !== options.apiSecret) return fail(401, 'AUTHENTICATION_ERROR');

    const seen: Seen[] = [];
    for (const n of [1, 2]) {
      // Face++ precedence: image_file beats image_base64.
      const file = fields.get(`image_file${n}`);
      const base64 = fields.get(`image_base64_${n}`);
      const param = file !== undefined ? `image_file${n}` : `image_base64_${n}`;
      if (file === undefined && base64 === undefined) return fail(400, `MISSING_ARGUMENTS: image_base64_${n}`);
      const image = Buffer.isBuffer(file) ? file : Buffer.from(String(file ?? base64), 'base64');
      if (image.length > MAX_IMAGE_BYTES) return fail(400, `IMAGE_FILE_TOO_LARGE:${param}`);
      const look1 = look(image);
      if (look1.kind === 'unreadable') return fail(400, `IMAGE_ERROR_UNSUPPORTED_FORMAT:${param}`);
      if (look1.kind === 'bad-size') return fail(400, `INVALID_IMAGE_SIZE:${param}`);
      seen.push(look1);
    }
    const faces = seen.map((s) => s.kind !== 'face' ? [] : [{
      face_token: sha256(`${s.identity}:${requestId()}`).toString('hex').slice(0, 32),
      face_rectangle: { top: Math.round(s.height / 8), left: Math.round(s.width / 8), width: Math.round((s.width * 3) / 4), height: Math.round((s.height * 3) / 4) },
    }]);
    const body: Record<string, unknown> = {
      request_id: requestId(), image_id1: randomUUID().replaceAll('-', ''), image_id2: randomUUID().replaceAll('-', ''),
      faces1: faces[0], faces2: faces[1],
    };
    const [a, b] = seen;
    if (a?.kind === 'face' && b?.kind === 'face') {
      const same = a.identity === b.identity;
      body.confidence = same ? score(97, a.identity) : score(12, ...[a.identity, b.identity].sort());
      body.thresholds = THRESHOLDS;
    }
    body.time_used = Date.now() - started;
    return body;
  });

  const address = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  return { url: address, close: () => app.close() };
}
