// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect
// metadata API loaded first; ESM evaluates imports in order, so this file is the one
// door to the library and everything here imports it from here.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
export const subtle = webcrypto.subtle;

/** Where Uzbek qualified certificates carry the holder's PINFL (JShShIR). */
export const PINFL_OID = '1.2.860.3.16.1.2';
/** X.520 serialNumber: the standard place for a person's national number (ETSI EN 319 412-1). */
export const SERIAL_NUMBER_OID = '2.5.4.5';
