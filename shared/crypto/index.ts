export { DataKey } from './data-key.js';
export {
  DEFAULT_SCRYPT,
  generateRecoveryKey,
  keysPath,
  parseRecoveryKey,
  readKeys,
  unwrapWithPassphrase,
  unwrapWithRecovery,
  wrapWithPassphrase,
  wrapWithRecovery,
  writeKeys,
  type KeysFile,
  type ReadKeysResult,
  type RecoveryKey,
  type Wrap,
} from './keys-file.js';
export { agentStatus, keyFromAgent, lockAgent, runAgent, startAgent, watchAgent, type AgentOptions, type LockReason } from './agent.js';
export { detectSleep, type SleepDetector, type SleepDetectorOptions } from './sleep.js';
export { isSecretVariable, withoutSecrets } from './env.js';
