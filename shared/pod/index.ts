export { HttpError, pool, newStats, type FetchedResponse, type HttpFailure, type RetryPolicy, type TransferStats, type RequestOptions } from './http.js';
export { httpFailure, podError, type PodErrorCode, type PodFailure } from './failure.js';
export {
  getResource,
  getBytes,
  putResource,
  deleteResource,
  patchResource,
  headResource,
  listContainer,
  parseLinks,
  type PodContext,
  type GetResult,
  type WriteResult,
  type DeleteResult,
  type ListResult,
  type Member,
  type PutCondition,
} from './resources.js';
export { boundedGet, untrustedAddress, type AddressCheck, type BoundedAnswer, type BoundedErrorCode, type BoundedFailure, type BoundedGetOptions } from './bounded.js';
export { discoverPod, turtleObjects, type PodLayout, type AccessControl, type DiscoveryResult } from './discovery.js';
export { findWebSocketService, subscribeWebSocket, type ChannelResult } from './notifications.js';
export { inFolders, sharded, shardOf, shardUrl, shardOfListed, flatRecordUrl, listingUrl, recordUrl, recordFolder, idOfListed, toPodIri, toLocalIri, needsPodRewrite, addressBookUrls, type AddressBookUrls } from './placement.js';
