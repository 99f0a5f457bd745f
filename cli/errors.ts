// The CLI's usage errors (exit 2), in a module of their own: `main.ts` tells them apart without loading the
// commands that throw them.

/** A command used the wrong way: answered with one line and exit 2. */
export class UsageError extends Error {}

/** A pod, sync or grant command used the wrong way. */
export class PodUsageError extends Error {}

/** A key command (init, unlock, passphrase) used the wrong way. */
export class KeyUsageError extends Error {}

/** A payload the operation's schema refused: the CLI answers it as a usage error (exit 2). */
export class BadRequestError extends Error {}
