export { commitDurable, syncDir, writeFileDurable, type DurableWriteOptions } from './durable.js';
