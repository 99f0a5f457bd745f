/** Environment variables that carry secrets: never handed to a process Locker starts (readable in /proc/<pid>/environ). */
const SECRET = /^LOCKER_(.*PASSPHRASE.*|.*RECOVERY.*|CLIENT_SECRET|.*_KEY)$/;

export function isSecretVariable(name: string): boolean {
  return SECRET.test(name);
}

/** A copy of `env` without the variables that carry secrets. */
export function withoutSecrets(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!SECRET.test(k)) out[k] = v;
  return out;
}
