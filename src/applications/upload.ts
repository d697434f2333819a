import type { FastifyRequest } from 'fastify';
import { ANSWER_TYPES, MAX_FILE, type Attachment } from './service.js';

export interface ReadForm {
  fields: Record<string, string>;
  file?: Attachment;
  /** What was wrong with the file: too large, or not a PDF/JPEG/PNG by its content. */
  fileError?: 'too-large' | 'type';
  /** The body was no form at all, or broke off. */
  broken?: boolean;
}

/**
 * Reads a multipart form with at most one file (in the field `fileField`): the fields as text
 * (cut at 10,000 characters), the file's type from its content, not its name or declared type.
 */
export async function readForm(request: FastifyRequest, fileField: string): Promise<ReadForm> {
  const out: ReadForm = { fields: {} };
  if (!request.isMultipart()) {
    // A plain form (no file): fields from the parsed body.
    for (const [k, v] of Object.entries((request.body ?? {}) as Record<string, unknown>)) if (typeof v === 'string') out.fields[k] = v.slice(0, 10_000);
    return out;
  }
  try {
    for await (const part of request.parts({ limits: { fileSize: MAX_FILE, files: 1, fields: 10, fieldSize: 20_000 } })) {
      if (part.type === 'field') { out.fields[part.fieldname] = String(part.value).slice(0, 10_000); continue; }
      const data = await part.toBuffer();
      if (part.fieldname !== fileField || data.length === 0) continue;
      const type = await (await import('file-type')).fileTypeFromBuffer(data);
      if (!type || !ANSWER_TYPES.includes(type.mime)) { out.fileError = 'type'; continue; }
      const name = (part.filename || 'file').replace(/[\\/\u0000-\u001f]/g, '_').slice(-120);
      out.file = { name, mime: type.mime, data };
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') out.fileError = 'too-large';
    else out.broken = true;
  }
  return out;
}
