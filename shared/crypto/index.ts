export { DataKey, DATA_KEY_BYTES } from './data-key.js';
export {
  DEFAULT_SCRYPT,
  KEYS_FILE,
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
export { agentPaths, agentStatus, keyFromAgent, lockAgent, runAgent, startAgent, watchAgent, type AgentOptions, type LockReason } from './agent.js';
export { detectSleep, type SleepDetector, type SleepDetectorOptions } from './sleep.js';
export { isSecretVariable, withoutSecrets } from './env.js';
