// The Eskiz stand-in on its own, for the benches: in deployment the SMS gateway is another
// system, so its work must not count as the platform's CPU.
import { startEskizStandin } from '../src/identity/sms/index.js';

const standin = await startEskizStandin({ email: process.env.SMS_GATEWAY_EMAIL!, password: process.env.SMS_GATEWAY_PASSWORD! });
console.log(`SMS gateway stand-in running at ${standin.url}`);
process.once('SIGTERM', () => void standin.close().then(() => process.exit(0)));
