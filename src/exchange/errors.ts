// Errors as X-Road reports them: `X-Road-Error: <type>` and a JSON body {type, message, detail}.
// The type's prefix says where it happened: `Client` (the caller's request),
// `Server.ClientProxy` (the caller's gateway), `Server.ServerProxy` (the provider's gateway).
import { randomUUID } from 'node:crypto';

export type ErrorSide = 'Client' | 'Server.ClientProxy' | 'Server.ServerProxy';

/** The codes used here, all from X-Road's ErrorCodes. */
export type ErrorCode =
  | 'BadRequest' | 'InvalidClientIdentifier' | 'UnknownMember' | 'UnknownService' | 'AccessDenied'
  | 'InvalidSignatureValue' | 'IncorrectCertificate' | 'CertValidation' | 'InvalidMessage' | 'InconsistentResponse'
  | 'NetworkError' | 'ServiceFailed' | 'ServiceMissingUrl' | 'OutdatedGlobalConf' | 'LoggingFailed' | 'InternalError'
  | 'InvalidRequest';

export class XRoadError extends Error {
  readonly type: string;
  constructor(readonly side: ErrorSide, readonly code: ErrorCode, message: string, readonly detail: string = randomUUID()) {
    super(message);
    this.type = `${side}.${code}`;
    this.name = 'XRoadError';
  }

  /** X-Road REST §4.6: 400 when the caller's request is at fault, 500 for an error in the exchange. */
  get status(): number {
    return this.side === 'Client' || (this.code === 'InvalidRequest') ? 400 : 500;
  }

  body(): string {
    return JSON.stringify({ type: this.type, message: this.message, detail: this.detail });
  }
}

export const clientError = (code: ErrorCode, message: string, detail?: string) => new XRoadError('Client', code, message, detail);
export const clientProxyError = (code: ErrorCode, message: string, detail?: string) => new XRoadError('Server.ClientProxy', code, message, detail);
export const serverProxyError = (code: ErrorCode, message: string, detail?: string) => new XRoadError('Server.ServerProxy', code, message, detail);

export const ERROR_CONTENT_TYPE = 'application/json;charset=utf-8';
