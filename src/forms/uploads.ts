// Files given with a form: read from a multipart body as streams, limited in size, and
// judged by what they contain (magic numbers, `file-type`), never by their name or the
// type the browser claims. An .exe named scan.pdf is an .exe.
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { AppError, t, type Locale } from '../platform/index.js';
import { MAX_FILE_BYTES } from './definition.js';
import type { FormField } from './forms.types.js';

export interface ReceivedFile { field: string; name: string; mime: string; size: number; sha256: string; content: Buffer }

export interface MultipartStep {
  /** The text fields of the form, as a urlencoded body would give them. */
  body: Record<string, string | string[]>;
  /** Files that passed their checks, by field. */
  files: ReceivedFile[];
  /** Why a file was refused, by field, in the user's language. */
  errors: Record<string, string>;
}

const TYPE_NAMES: Record<string, string> = {
  'image/jpeg': 'JPEG', 'image/png': 'PNG', 'application/pdf': 'PDF', 'image/webp': 'WebP', 'image/tiff': 'TIFF', 'image/heic': 'HEIC',
  'application/zip': 'ZIP', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'DOCX',
};

/** `JPEG, PNG, PDF`: the allowed types as people know them. */
export const typeNames = (types: string[]) => types.map((m) => TYPE_NAMES[m] ?? m.split('/')[1]?.toUpperCase() ?? m).join(', ');

/** A size in the user's language: `5 MB`, `300 KB`. */
export function sizeText(locale: Locale, bytes: number): string {
  if (bytes >= 1024 * 1024) return t(locale, 'forms.file.mb', { size: Math.round(bytes / 1024 / 102.4) / 10 });
  return t(locale, 'forms.file.kb', { size: Math.max(1, Math.round(bytes / 1024)) });
}

/** A file name fit to show and to offer back: no path, no control characters, not too long. */
export function cleanName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f"<>]/g, '').trim();
  return (plain || 'file').slice(-150);
}

/**
 * Reads a step's multipart body: its text fields, and each file of one of the step's file
 * fields read up to its limit and checked on content. A file over its limit is drained and
 * refused, without ending the reading of the rest. Anything malformed is a 400.
 */
export async function readMultipartStep(request: FastifyRequest, fileFields: FormField[], locale: Locale): Promise<MultipartStep> {
  if (!request.isMultipart()) throw new AppError('bad-request', 400);
  const byName = new Map(fileFields.map((f) => [f.name, f]));
  const limit = Math.min(MAX_FILE_BYTES, Math.max(1, ...fileFields.map((f) => f.file!.maxBytes))) + 1;
  const body: Record<string, string | string[]> = {};
  const files: ReceivedFile[] = [];
  const errors: Record<string, string> = {};
  try {
    // With throwFileSizeLimit off (the plugin reads it, its types do not say so), a file
    // over the limit ends truncated instead of failing the whole body.
    const options = { limits: { fileSize: limit, files: Math.max(1, fileFields.length), fields: 100, fieldSize: 64 * 1024, parts: 120 }, throwFileSizeLimit: false };
    for await (const part of request.parts(options as Parameters<FastifyRequest['parts']>[0])) {
      if (part.type === 'field') {
        const value = String(part.value ?? '');
        const prior = body[part.fieldname];
        body[part.fieldname] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
        continue;
      }
      const field = byName.get(part.fieldname);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of part.file) {
        size += chunk.length;
        if (field && size <= field.file!.maxBytes) chunks.push(chunk);
      }
      // No file chosen: the browser sends an empty part with no name.
      if (!field || (size === 0 && !part.filename)) continue;
      const { types, maxBytes } = field.file!;
      if (size === 0) { errors[field.name] = t(locale, 'forms.error.file-empty'); continue; }
      if (part.file.truncated || size > maxBytes) { errors[field.name] = t(locale, 'forms.error.file-too-large', { size: sizeText(locale, maxBytes) }); continue; }
      const content = Buffer.concat(chunks);
      const detected = await (await import('file-type')).fileTypeFromBuffer(content);
      if (!detected || !types.includes(detected.mime)) {
        errors[field.name] = t(locale, 'forms.error.file-type', { types: typeNames(types) });
        continue;
      }
      files.push({
        field: field.name, name: cleanName(part.filename || `${field.name}.${detected.ext}`), mime: detected.mime, size, content,
        sha256: createHash('sha256').update(content).digest('hex'),
      });
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    // Too many parts or files, a broken body, a prototype-named field: not our form.
    request.log.info({ err: (error as Error).message }, 'multipart body refused');
    throw new AppError('bad-request', 400);
  }
  return { body, files, errors };
}
