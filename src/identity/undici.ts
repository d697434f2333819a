// undici, for the SMS and Telegram adapters, is loaded with the first message rather than at start.
let loaded: Promise<typeof import('undici')> | undefined;
export const undici = () => (loaded ??= import('undici'));
