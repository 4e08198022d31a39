export { accessLog } from './access-log.js';
export { type CompressionOptions, compression } from './compression.js';
export { contentTypeFor } from './content-types.js';
export { type CorsOptions, cors } from './cors.js';
export { MemoryRateLimitStore, type RateLimitOptions, type RateLimitStore, rateLimit, type TakeResult } from './rate-limit.js';
export { type RequestIdOptions, requestId } from './request-id.js';
export { defaultSecurityHeaders, type SecurityHeadersOptions, securityHeaders } from './security-headers.js';
export { type StaticOptions, serveStatic } from './static.js';
